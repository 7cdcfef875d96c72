import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isDead, readPid, waitFor } from '../helpers/processes';
import { makeTempDir } from '../helpers/tmp';
import { daemonTestDir, tdaemonIn } from '../helpers/daemon-test';
import { logDirectory, runtimeDirectory } from '../../src/os/paths';

type Context = Parameters<typeof makeTempDir>[0];

/** issue 13, "Smaller things users hit": the lines users read, asserted as they see them. */

const td = tdaemonIn;

const setUp = (t: Context) => daemonTestDir(t, 'tdaemon-messages-');

/** A port no other test of this run picks: tests of several files run at once. */
function freePort(offset: number): number {
  return 20000 + ((process.pid * 7 + offset) % 20000);
}

/** Debian's python3, not a pyenv shim (a bash script that execs it). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

describe('tdaemon says what is true', () => {
  it("a given-up watchdog's status --json reports no memory: it is not alive", async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--respawn', '--max-restarts', '0', '--wait', '0', '--', 'sh', '-c', 'exit 3');
    reaper.trackPidfile(pidfile);
    assert.equal(start.code, 0, start.stderr);
    const json = await waitFor(async () => {
      const status = JSON.parse((await td(dir, '--pidfile', pidfile, 'status', '--json')).stdout);
      return status.status === 'gave-up' && status.watchdog.alive === false ? status : null;
    }, 'the watchdog to give up');
    assert.equal(json.watchdog.rssKb, null);
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
  });

  it('an empty log is said to be empty, and a command that exits 0 at once is asked whether it went to the background', async (t) => {
    const { dir } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const log = path.join(dir, 'app.log');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.5', '--', 'true');
    assert.equal(start.code, 1);
    assert.equal(start.stdout, '');
    assert.equal(
      start.stderr,
      `tdaemon: app exited with status 0 within 0.5 s of starting; its log ${log} is empty\n` +
        "tdaemon: did the command put itself in the background? tdaemon needs it in the foreground (nginx: -g 'daemon off;', " +
        "redis-server: --daemonize no, or the program's own foreground option); a server that must fork can be run with --forking --command-pidfile FILE\n",
    );

    // Another status: no question; an empty error log beside a log with lines is marked.
    const errorLog = path.join(dir, 'errors.log');
    const again = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.5', '--error-log', errorLog, '--', 'sh', '-c', 'echo hi; exit 4');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `tdaemon: app exited with status 4 within 0.5 s of starting; last lines of ${log}:\n  hi\n  ${errorLog}:\n  (empty)\n`);
    const both = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.5', '--log', path.join(dir, 'out.log'), '--error-log', errorLog, '--', 'sh', '-c', 'exit 4');
    assert.equal(both.stderr, `tdaemon: app exited with status 4 within 0.5 s of starting; its logs ${path.join(dir, 'out.log')} and ${errorLog} are empty\n`);
  });

  it('--name .hidden is refused for its first character, a slash for the slash', async (t) => {
    const { dir } = setUp(t);
    const hidden = await td(dir, '--name', '.hidden', 'status');
    assert.equal(hidden.code, 2);
    assert.equal(hidden.stderr, "tdaemon: invalid --name '.hidden': it begins with '.'; begin it with a letter, a digit or _\n");
    const slash = await td(dir, '--name', 'a/b', 'status');
    assert.equal(slash.code, 2);
    assert.equal(slash.stderr, "tdaemon: invalid --name 'a/b': it holds '/'; use letters, digits and . _ @ - only\n");
  });

  for (const server of [
    { what: 'redis-server', command: (port: number) => ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'] },
    { what: 'python3 -m http.server', command: (port: number) => [PYTHON, '-m', 'http.server', String(port), '--bind', '127.0.0.1'] },
  ]) {
    it(`reload of ${server.what}, which ignores SIGHUP, is refused without advice that would kill it (no USR1, no shell script)`, async (t) => {
      const { dir, reaper } = setUp(t);
      const pidfile = path.join(dir, 'app.pid');
      const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.5', '--', ...server.command(freePort(server.what.length)));
      const pid = reaper.trackPidfile(pidfile)!;
      assert.equal(start.code, 0, start.stderr);
      const reload = await td(dir, '--pidfile', pidfile, 'reload');
      assert.equal(reload.code, 1);
      assert.equal(
        reload.stderr,
        `tdaemon: app: pid ${pid} ignores SIGHUP, so it would not reload on it; if the program reloads on another signal, give that with --reload-signal; nothing sent\n`,
      );
      assert.ok(!isDead(pid), 'it still runs');
      const stop = await td(dir, '--pidfile', pidfile, 'stop');
      assert.equal(stop.code, 0, stop.stderr);
    });
  }

  it('stop says when the stop signal was not enough and SIGKILL ended the daemon, plain or watched', async (t) => {
    const { dir, reaper } = setUp(t);
    const stubborn = ['sh', '-c', 'trap "" TERM INT; echo ready; while :; do sleep 0.1; done'];
    const plain = path.join(dir, 'plain.pid');
    assert.equal((await td(dir, '--pidfile', plain, 'start', '--wait', '0.3', '--stop-timeout', '0.5', '--', ...stubborn)).code, 0);
    const pid = reaper.trackPidfile(plain)!;
    await waitFor(() => fs.readFileSync(path.join(dir, 'plain.log'), 'utf8') === 'ready\n', 'the trap to be set');
    const stop = await td(dir, '--pidfile', plain, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: plain did not stop on SIGTERM within 0.5 s; killed (pid ${pid})\n`);

    const watched = path.join(dir, 'watched.pid');
    assert.equal((await td(dir, '--pidfile', watched, 'start', '--respawn', '--wait', '0.3', '--', ...stubborn)).code, 0);
    const watchdog = reaper.trackPidfile(watched)!;
    const child = await waitFor(() => {
      const state = JSON.parse(fs.readFileSync(path.join(dir, 'watched.state'), 'utf8'));
      return state.watchdog.childPid as number | null;
    }, 'the child');
    reaper.track(child);
    await waitFor(() => fs.readFileSync(path.join(dir, 'watched.log'), 'utf8').includes('ready\n'), 'the trap to be set');
    const stopWatched = await td(dir, '--pidfile', watched, 'stop', '--stop-signal', 'INT', '--stop-timeout', '0.5');
    assert.equal(stopWatched.code, 0, stopWatched.stderr);
    assert.equal(stopWatched.stdout, `tdaemon: watched did not stop on SIGINT within 0.5 s; killed (pid ${child}, watchdog ${watchdog})\n`);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['plain.log', 'watched.log'], 'the answer in the stop request is removed too');

    // One that stops on the signal is only "stopped".
    assert.equal((await td(dir, '--pidfile', watched, 'start', '--respawn', '--wait', '0.3', '--', 'sleep', '300')).code, 0);
    reaper.trackPidfile(watched);
    const gentle = await td(dir, '--pidfile', watched, 'stop');
    assert.match(gentle.stdout, /^tdaemon: watched stopped \(pid \d+, watchdog \d+\)\n$/);
  });

  it('a start of another command, or with other --respawn, while one runs fails and says how to replace it', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    assert.equal((await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', '300')).code, 0);
    const pid = reaper.trackPidfile(pidfile)!;

    const same = await td(dir, '--pidfile', pidfile, 'start', '--', '/bin/sleep', '300');
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, `tdaemon: app already running (pid ${pid})\n`);

    const other = await td(dir, '--pidfile', pidfile, 'start', '--', 'sleep', '301');
    assert.equal(other.code, 1);
    assert.equal(other.stdout, '');
    assert.equal(
      other.stderr,
      `tdaemon: app already running (pid ${pid}), but not as asked: it runs sleep 300, not sleep 301; ` +
        `to replace it, run 'tdaemon --pidfile ${pidfile} restart -- sleep 301', or 'tdaemon --pidfile ${pidfile} stop' and then this start again\n`,
    );
    const respawn = await td(dir, '--pidfile', pidfile, 'start', '--respawn', '--', 'sleep', '300');
    assert.equal(respawn.code, 1);
    assert.equal(
      respawn.stderr,
      `tdaemon: app already running (pid ${pid}), but not as asked: it runs without --respawn; ` +
        `to replace it, run 'tdaemon --pidfile ${pidfile} restart --respawn -- sleep 300', or 'tdaemon --pidfile ${pidfile} stop' and then this start again\n`,
    );
    assert.equal(readPid(pidfile), pid, 'nothing was replaced');

    // The advice works.
    const restart = await td(dir, '--pidfile', pidfile, 'restart', '--', 'sleep', '301');
    assert.equal(restart.code, 0, restart.stderr);
    reaper.trackPidfile(pidfile);
    assert.equal((await td(dir, '--pidfile', pidfile, 'start', '--', 'sleep', '301')).code, 0);
    assert.equal((await td(dir, '--pidfile', pidfile, 'stop')).code, 0);

    // A watched daemon asked for without --respawn: restart cannot take it away, so stop then start.
    assert.equal((await td(dir, '--pidfile', pidfile, 'start', '--respawn', '--wait', '0.3', '--', 'sleep', '300')).code, 0);
    reaper.trackPidfile(pidfile);
    const plain = await td(dir, '--pidfile', pidfile, 'start', '--', 'sleep', '300');
    assert.equal(plain.code, 1);
    assert.match(
      plain.stderr,
      new RegExp(`^tdaemon: app already running \\(pid \\d+, watchdog \\d+\\), but not as asked: it runs with --respawn, this start has none; to replace it, run 'tdaemon --pidfile ${pidfile} stop', then this start again\\n$`),
    );
    assert.equal((await td(dir, '--pidfile', pidfile, 'stop')).code, 0);
  });
});

describe('tdaemon --help', () => {
  it('shows --pidfile or --name as required, every value with its metavar, no [string] tag, and the real --name directory', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-help-');
    const main = await td(dir, '--help');
    assert.equal(main.code, 0, main.stderr);
    assert.match(main.stdout, /^Usage: tdaemon \{--pidfile FILE \| --name NAME\} VERB /);
    assert.match(main.stdout, /\n {7}tdaemon list \[--json\]\n/);
    assert.ok(main.stdout.includes(`--name NAME     name the daemon; without --pidfile its pidfile goes in ${runtimeDirectory()}, its log in ${logDirectory()}\n`), main.stdout);
    for (const verb of ['start', 'stop', 'restart', 'status', 'reload', 'logs', 'list', 'export']) {
      const help = await td(dir, verb, '--help');
      assert.equal(help.code, 0, help.stderr);
      assert.doesNotMatch(help.stdout, /\[(string|boolean|number)\]/, `${verb} --help tags no type`);
      if (verb !== 'list' && verb !== 'export') assert.match(help.stdout, new RegExp(`^Usage: tdaemon \\{--pidfile FILE \\| --name NAME\\} ${verb}`), verb);
    }
    const start = (await td(dir, 'start', '--help')).stdout;
    for (const shown of ['--log FILE ', '--error-log FILE ', '--chdir DIR ', '--env KEY=VALUE ', '--wait SECONDS ', '--max-restarts N ', '--stop-timeout SECONDS ', '--stop-signal SIG ', '-c, --config FILE ']) {
      assert.ok(start.includes(shown), `start --help shows '${shown.trim()}'`);
    }
    assert.match(start, /\n {6}--respawn {2,}run under a watchdog/, 'a flag has no metavar');
    assert.ok((await td(dir, 'logs', '--help')).stdout.includes('-n, --lines N '));
  });
});
