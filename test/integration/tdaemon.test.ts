import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeTestAccount } from '../helpers/account';
import { binsForNobody, fixture, TDAEMON } from '../helpers/paths';
import { isDead, isRunning, procSession, procState, procStatusField, readPid, Reaper, sessionMembers, waitFor } from '../helpers/processes';
import { run, sh, type RunResult } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';
import { daemonTestDir, tdaemonIn } from '../helpers/daemon-test';

type Context = Parameters<typeof makeTempDir>[0];

const td = tdaemonIn;

const setUp = (t: Context) => daemonTestDir(t, 'tdaemon-test-');

let markers = 0;
/**
 * A number no other process on the machine has as an argument: `sleep MARKER`
 * is a daemon that can be found, and counted, in /proc/N/cmdline.
 */
function marker(): string {
  markers += 1;
  return `1000${process.pid}${String(markers).padStart(3, '0')}`;
}

/** Live (non-zombie) processes with ARG among their arguments. */
function processesWithArg(arg: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv.includes(arg) && isRunning(Number(name))) found.push(Number(name));
  }
  return found;
}

function cmdline(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

function environ(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').slice(0, -1);
}

/** A failure: nothing on stdout, exactly one `tdaemon: ` line on stderr, and CODE. */
function assertOneLineError(result: RunResult, code: number, line: string | RegExp, what: string): void {
  assert.equal(result.code, code, `${what}: exit status (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', `${what}: nothing on stdout`);
  assert.match(result.stderr, /^tdaemon: [^\n]*\n$/, `${what}: one line on stderr starting 'tdaemon: '`);
  if (typeof line === 'string') assert.equal(result.stderr, `${line}\n`, what);
  else assert.match(result.stderr, line, what);
}

/** Starts `sleep MARKER` as daemon NAME (pidfile DIR/NAME.pid) and returns its pid. */
async function startSleeper(dir: string, reaper: Reaper, name = 'app', extra: string[] = []): Promise<{ pid: number; mark: string; pidfile: string }> {
  const pidfile = path.join(dir, `${name}.pid`);
  const mark = marker();
  const result = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', ...extra, '--', 'sleep', mark);
  const pid = reaper.trackPidfile(pidfile);
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  assert.ok(pid, 'the pidfile holds a pid');
  assert.equal(result.stdout, `tdaemon: ${name} started (pid ${pid}); log ${path.join(dir, `${name}.log`)}\n`);
  return { pid, mark, pidfile };
}

/** 20 starts of one pidfile at once; returns their results. */
function startTwenty(dir: string, reaper: Reaper, pidfile: string, mark: string): Promise<RunResult[]> {
  return Promise.all(
    Array.from({ length: 20 }, () =>
      run(TDAEMON, ['--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', mark], {
        cwd: dir,
        onSpawn: (pid) => reaper.track(pid),
      }),
    ),
  );
}

/** Exactly one start said "started (pid N)", the 19 others "already running (pid N)", all exit 0. */
function assertExactlyOneStarted(results: RunResult[], dir: string, pidfile: string, mark: string): number {
  for (const result of results) {
    assert.equal(result.code, 0, `every start exits 0 (stdout: ${result.stdout}; stderr: ${result.stderr})`);
    assert.equal(result.stderr, '');
  }
  const started = results.filter((r) => /^tdaemon: app started \(pid \d+\); log /.test(r.stdout));
  assert.equal(started.length, 1, `exactly one start started it: ${results.map((r) => r.stdout.trim()).join(' | ')}`);
  const pid = Number(/\(pid (\d+)\)/.exec(started[0].stdout)![1]);
  assert.equal(started[0].stdout, `tdaemon: app started (pid ${pid}); log ${path.join(dir, 'app.log')}\n`);
  for (const result of results) {
    if (result !== started[0]) assert.equal(result.stdout, `tdaemon: app already running (pid ${pid})\n`);
  }
  assert.equal(fs.readFileSync(pidfile, 'utf8'), `${pid}\n`, 'the pidfile holds that one pid');
  assert.ok(isRunning(pid), 'the pid in the pidfile runs');
  assert.deepEqual(cmdline(pid), ['sleep', mark], 'the pid in the pidfile is the command');
  assert.deepEqual(processesWithArg(mark), [pid], 'no second copy of the command runs');
  return pid;
}

describe('tdaemon start, under concurrency and after crashes', { concurrency: true }, () => {
  it('20 concurrent starts of one pidfile make exactly one daemon', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const mark = marker();
    const results = await startTwenty(dir, reaper, pidfile, mark);
    reaper.track(readPid(pidfile), ...processesWithArg(mark));
    assertExactlyOneStarted(results, dir, pidfile, mark);
    assert.ok(!fs.existsSync(`${pidfile}.lock`), 'the lock is released');
  });

  it('20 concurrent starts over the stale lock and pidfile of a SIGKILLed daemon make exactly one daemon', async (t) => {
    const { dir, reaper } = setUp(t);
    const { pid: old, pidfile, mark: oldMark } = await startSleeper(dir, reaper);
    process.kill(old, 'SIGKILL');
    await waitFor(() => isDead(old), 'the first daemon to die');
    // What a start SIGKILLed while it held the lock leaves: proper-lockfile's
    // lock directory, no longer refreshed.
    const lock = `${pidfile}.lock`;
    fs.mkdirSync(lock);
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, minuteAgo, minuteAgo);
    assert.equal(fs.readFileSync(pidfile, 'utf8'), `${old}\n`, 'the dead daemon left its pidfile');

    const mark = marker();
    const results = await startTwenty(dir, reaper, pidfile, mark);
    reaper.track(readPid(pidfile), ...processesWithArg(mark));
    const pid = assertExactlyOneStarted(results, dir, pidfile, mark);
    assert.notEqual(pid, old);
    assert.deepEqual(processesWithArg(oldMark), []);
  });

  it('20 concurrent starts over a stale lock and the claim file of a start that died make exactly one daemon', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const lock = `${pidfile}.lock`;
    fs.mkdirSync(lock);
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, minuteAgo, minuteAgo);
    // A claim naming a process that is gone (pid_max is at most 2^22).
    fs.writeFileSync(`${pidfile}.starting`, '4194305 1\n');
    const mark = marker();
    const results = await startTwenty(dir, reaper, pidfile, mark);
    reaper.track(readPid(pidfile), ...processesWithArg(mark));
    assertExactlyOneStarted(results, dir, pidfile, mark);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('app.pid.starting')), [], 'no claim is left, nor one moved aside');
  });

  it('after kill -9 of the daemon, status says dead (exit 1), reload exits 7, and start starts it again', async (t) => {
    const { dir, reaper } = setUp(t);
    const { pid, pidfile, mark } = await startSleeper(dir, reaper);
    process.kill(pid, 'SIGKILL');
    // Nobody reaps the orphan here: it stays a zombie, and a zombie is dead.
    await waitFor(() => isDead(pid), 'the daemon to die');
    const state = procState(pid);
    assert.ok(state === null || state === 'Z', `gone or a zombie (${state})`);

    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 1, `status of a dead daemon (state ${state})`);
    assert.equal(status.stdout, `app: dead (pidfile ${pidfile} names pid ${pid}, which is gone)\n`);
    assert.equal(status.stderr, '');

    const reload = await td(dir, '--pidfile', pidfile, 'reload');
    assert.equal(reload.code, 7, 'reload of a daemon that does not run');
    assert.match(reload.stderr, /^tdaemon: app: not running[^\n]*\n$/);

    const again = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', mark);
    const pid2 = reaper.trackPidfile(pidfile);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(pid2 && pid2 !== pid, 'a new pid');
    assert.equal(again.stdout, `tdaemon: app started (pid ${pid2}); log ${path.join(dir, 'app.log')}\n`);
    assert.ok(isRunning(pid2));
    assert.equal((await td(dir, '--pidfile', pidfile, 'status')).code, 0);
  });

  it('a pidfile naming a live process tdaemon did not start: status 0 "not started by tdaemon"; stop, restart, reload, start exit 4 and leave it', async (t) => {
    const { dir } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    fs.writeFileSync(pidfile, `${process.pid}\n`); // this very test runner

    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 0);
    assert.equal(status.stdout, `app: running (pid ${process.pid}), not started by tdaemon: no record of it beside ${pidfile}\n`);

    const refusal = `tdaemon: app: pid ${process.pid} of ${pidfile} was not started by tdaemon (no record of it beside the pidfile); `;
    for (const [verb, wont] of [['stop', 'not signalling it'], ['restart', 'not signalling it'], ['reload', 'nothing sent']]) {
      assertOneLineError(await td(dir, '--pidfile', pidfile, verb), 4, `${refusal}${wont}, and the pidfile stays`, verb);
    }
    const start = await td(dir, '--pidfile', pidfile, 'start', '--', 'sleep', marker());
    assertOneLineError(start, 4, `${refusal}not starting a second copy, and the pidfile stays`, 'start');
    assert.ok(isRunning(process.pid), 'the test runner was not signalled');
    assert.equal(fs.readFileSync(pidfile, 'utf8'), `${process.pid}\n`, 'the pidfile is untouched');
    assert.deepEqual(fs.readdirSync(dir), ['app.pid'], 'no log, state or claim was left');
  });

  it('a recorded pid now reused by an unrelated session leader: stop does not kill it', async (t) => {
    const { dir, reaper } = setUp(t);
    const { pid: old, pidfile } = await startSleeper(dir, reaper);
    process.kill(old, 'SIGKILL');
    await waitFor(() => isDead(old), 'the daemon to die');
    // Pid reuse, made by hand: the daemon's pid now belongs to a process that
    // started later and leads a session of its own (another daemon, a login).
    const stranger = spawn('sleep', [marker()], { detached: true, stdio: 'ignore' });
    stranger.unref();
    const other = stranger.pid!;
    reaper.track(other);
    await waitFor(() => sessionMembers(other).includes(other), 'the stranger to lead its session');
    const statefile = path.join(dir, 'app.state');
    const record = JSON.parse(fs.readFileSync(statefile, 'utf8')) as { pid: number; startTicks: string };
    fs.writeFileSync(statefile, JSON.stringify({ ...record, pid: other }));
    fs.writeFileSync(pidfile, `${other}\n`);

    const status = await td(dir, '--pidfile', pidfile, 'status');
    const stop = await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
    const strangerSurvived = isRunning(other);

    assert.ok(strangerSurvived, `stop killed pid ${other}, a process tdaemon never started (stop said: ${stop.stdout.trim()})`);
    assert.equal(status.code, 1);
    assert.equal(status.stdout, `app: dead (pidfile ${pidfile} names pid ${other}, which is now another process)\n`);
    assert.equal(stop.code, 0);
  });
});

describe('tdaemon stop', { concurrency: true }, () => {
  it('ends every process of a forking daemon\'s session', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const mark = marker();
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sh', '-c', `sleep ${mark} & sleep ${mark} & wait`);
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    await waitFor(() => sessionMembers(pid).length === 3, 'the shell and its two children');
    reaper.track(...sessionMembers(pid));

    const stop = await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: app stopped (pid ${pid})\n`);
    assert.equal(stop.stderr, '');
    assert.deepEqual(sessionMembers(pid), [], 'nothing of the session is alive once stop returns');
    assert.deepEqual(processesWithArg(mark), []);
    assert.ok(!fs.existsSync(pidfile), 'the pidfile is removed');
    assert.ok(!fs.existsSync(path.join(dir, 'app.state')), 'the state file is removed');

    const again = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(again.code, 0, 'stop of a stopped daemon succeeds');
    assert.equal(again.stdout, 'tdaemon: app not running\n');
    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 3);
    assert.equal(status.stdout, 'app: not running\n');
  });

  it('ends what left the session by a double fork and setsid; after kill -9, status names it, start refuses, stop ends it', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const startEscaping = async (mark: string, gone: string) => {
      const escaping = ['sh', '-c', `(setsid sleep ${gone} &); exec sleep ${mark}`];
      const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', ...escaping);
      const pid = reaper.trackPidfile(pidfile)!;
      assert.equal(start.code, 0, start.stderr);
      const [escapee] = await waitFor(() => (processesWithArg(gone).length === 1 ? processesWithArg(gone) : null), 'the escapee');
      reaper.track(escapee);
      assert.equal(procSession(escapee), escapee, 'it leads a session of its own');
      assert.deepEqual(sessionMembers(pid), [pid], 'the daemon\'s session holds the daemon alone');
      return { pid, escapee };
    };

    const first = await startEscaping(marker(), marker());
    const stop = await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: app stopped (pid ${first.pid})\n`);
    assert.ok(isDead(first.escapee), 'what left the session is gone when stop returns');

    const second = await startEscaping(marker(), marker());
    process.kill(second.pid, 'SIGKILL');
    await waitFor(() => isDead(second.pid), 'the daemon to die');
    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 1);
    assert.equal(status.stdout, `app: dead (pidfile ${pidfile} names pid ${second.pid}, which is gone; 1 of its processes still running (${second.escapee}))\n`);
    const again = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', marker());
    assertOneLineError(again, 1, `tdaemon: app: pid ${second.pid} is gone but pids ${second.escapee} of it still run; 'tdaemon stop' ends them`, 'start over leftovers');
    const cleanup = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, /; removed its pidfile; killed 1 leftover process\n$/);
    assert.ok(isDead(second.escapee));
    assert.ok(!fs.existsSync(pidfile));
  });

  it('kills a command that ignores SIGTERM once --stop-timeout has passed', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.1; done');
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);

    const began = Date.now();
    const stop = await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
    const took = Date.now() - began;
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: app did not stop on SIGTERM within 0.5 s; killed (pid ${pid})\n`);
    assert.deepEqual(sessionMembers(pid), [], 'the session is empty');
    assert.ok(took >= 450, `stop waited for the timeout before SIGKILL (took ${took} ms)`);
    // Any bound under the default 10 s tells the two apart; a loaded machine
    // (one CPU beside a busy loop) took 6.7 s for the two tdaemon processes.
    assert.ok(took < 10000, `stop did not wait for the default 10 s (took ${took} ms)`);
  });
});

describe('tdaemon start of a command that does not stay up', { concurrency: true }, () => {
  it('a command that exits at once: exit 1, its status and the log\'s last lines, no pidfile or state left', async (t) => {
    const { dir } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const result = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sh', '-c', 'echo first-words; echo last-words >&2; exit 3');
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `tdaemon: app exited with status 3 within 0.3 s of starting; last lines of ${path.join(dir, 'app.log')}:\n` +
        '  first-words\n' +
        '  last-words\n',
    );
    assert.ok(!fs.existsSync(pidfile), 'no pidfile is left');
    assert.ok(!fs.existsSync(path.join(dir, 'app.state')), 'no state file is left');
    assert.equal((await td(dir, '--pidfile', pidfile, 'status')).code, 3);
  });

  for (const [how, script] of [
    ['with &', (mark: string) => `sleep ${mark} & exit 0`],
    ['with setsid, leaving its session', (mark: string) => `setsid sleep ${mark} & exit 0`],
  ] as const) {
    it(`a command that puts itself in the background ${how}: exit 1, and nothing of it left running`, async (t) => {
      const { dir, reaper } = setUp(t);
      const pidfile = path.join(dir, 'app.pid');
      const mark = marker();
      const result = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sh', '-c', script(mark));
      reaper.track(...processesWithArg(mark));
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^tdaemon: app: the command put itself in the background \(pids \d+ still ran; now killed\);[^\n]*\n$/);
      const left = Number(/pids (\d+)/.exec(result.stderr)![1]);
      assert.ok(isDead(left), 'the background process was ended');
      assert.deepEqual(processesWithArg(mark), [], 'nothing of it runs');
      assert.ok(!fs.existsSync(pidfile), 'no pidfile is left');
      assert.ok(!fs.existsSync(path.join(dir, 'app.state')), 'no state file is left');
    });
  }
});

describe('tdaemon restart, reload and logs', { concurrency: true }, () => {
  it('restart runs the recorded command again under a new pid', async (t) => {
    const { dir, reaper } = setUp(t);
    const { pid, pidfile, mark } = await startSleeper(dir, reaper);
    const restart = await td(dir, '--pidfile', pidfile, 'restart', '--wait', '0.3');
    const pid2 = reaper.trackPidfile(pidfile);
    assert.equal(restart.code, 0, restart.stderr);
    assert.ok(pid2 && pid2 !== pid, 'a new pid');
    assert.equal(restart.stdout, `tdaemon: app stopped (pid ${pid})\ntdaemon: app started (pid ${pid2}); log ${path.join(dir, 'app.log')}\n`);
    assert.ok(isDead(pid), 'the old process is gone');
    assert.deepEqual(cmdline(pid2), ['sleep', mark], 'the same command');
    assert.deepEqual(processesWithArg(mark), [pid2]);

    // A command given to restart replaces the recorded one.
    const mark3 = marker();
    const replaced = await td(dir, '--pidfile', pidfile, 'restart', '--wait', '0.3', '--', 'sleep', mark3);
    const pid3 = reaper.trackPidfile(pidfile)!;
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(cmdline(pid3), ['sleep', mark3]);
    assert.ok(isDead(pid2));
  });

  for (const respawn of [false, true]) {
    it(`restart run from inside the daemon (a deploy hook) outlives the stop and starts it again${respawn ? ', under a watchdog' : ''}`, async (t) => {
      const { dir, reaper } = setUp(t);
      const pidfile = path.join(dir, 'app.pid');
      const mark = marker();
      // The first run waits for the test's go, then restarts its own daemon;
      // the run that restart starts just sleeps.
      const script = [
        `[ -e first-done ] && exec sleep ${mark}`,
        'touch first-done',
        'until [ -e go ]; do sleep 0.02; done',
        `${sh(TDAEMON)} --pidfile ${sh(pidfile)} restart --wait 0.3 > restart.out 2>&1`,
        'echo "restart exited $?" >> restart.out',
        `exec sleep ${mark}`,
      ].join('\n');
      const start = await td(dir, '--pidfile', pidfile, 'start', ...(respawn ? ['--respawn'] : []), '--wait', '0.3', '--', 'sh', '-c', script);
      assert.equal(start.code, 0, start.stderr);
      const first = reaper.trackPidfile(pidfile)!;
      fs.writeFileSync(path.join(dir, 'go'), '');
      const out = path.join(dir, 'restart.out');
      const second = await waitFor(() => {
        const pid = readPid(pidfile);
        return pid && pid !== first && fs.existsSync(out) && /started/.test(fs.readFileSync(out, 'utf8')) ? pid : null;
      }, 'the daemon to be restarted from inside');
      reaper.track(second, ...processesWithArg(mark));
      assert.match(fs.readFileSync(out, 'utf8'), /^tdaemon: app stopped \(pid \d+(, watchdog \d+)?\)\ntdaemon: app started \(pid \d+/);
      const status = await td(dir, '--pidfile', pidfile, 'status');
      assert.equal(status.code, 0, status.stdout);
      await waitFor(() => processesWithArg(mark).length === 1, 'one copy of the restarted command');
      assert.ok(isDead(first));
    });
  }

  it('reload delivers SIGHUP to a daemon that handles it', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const record = path.join(dir, 'hups');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', fixture('hup-recorder.js'), record);
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    await waitFor(() => fs.existsSync(record) && fs.readFileSync(record, 'utf8') === 'ready\n', 'the handler to be installed');

    for (const expected of ['ready\ngot HUP\n', 'ready\ngot HUP\ngot HUP\n']) {
      const reload = await td(dir, '--pidfile', pidfile, 'reload');
      assert.equal(reload.code, 0, reload.stderr);
      assert.equal(reload.stdout, `tdaemon: sent SIGHUP to app (pid ${pid})\n`);
      assert.equal(reload.stderr, '');
      await waitFor(() => fs.readFileSync(record, 'utf8') === expected, `the daemon to record SIGHUP (${JSON.stringify(expected)})`);
    }
    assert.ok(isRunning(pid), 'the daemon still runs after its reloads');
  });

  it('reload of a shell-script daemon: HUP, which sh cannot trap, is refused with exit 1; --reload-signal USR1 reaches it', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const record = path.join(dir, 'signals');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', fixture('td-hup-trap.sh'), record);
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    await waitFor(() => fs.existsSync(record) && fs.readFileSync(record, 'utf8') === 'ready\n', 'the traps to be set');

    // The daemon starts with SIGHUP ignored, and a signal ignored on entry to
    // a shell cannot be trapped (POSIX): the HUP trap never takes. A reload
    // that said "sent" would do nothing, so tdaemon(1) has it refuse instead.
    const hup = await td(dir, '--pidfile', pidfile, 'reload');
    assertOneLineError(hup, 1, new RegExp(`^tdaemon: app: pid ${pid} ignores SIGHUP [^\\n]*--reload-signal USR1[^\\n]*; nothing sent\\n$`), 'reload with HUP');
    assert.ok(isRunning(pid), 'the daemon still runs');

    const usr1 = await td(dir, '--pidfile', pidfile, 'reload', '--reload-signal', 'USR1');
    assert.equal(usr1.code, 0, usr1.stderr);
    assert.equal(usr1.stdout, `tdaemon: sent SIGUSR1 to app (pid ${pid})\n`);
    await waitFor(() => fs.readFileSync(record, 'utf8') === 'ready\ngot USR1\n', 'the daemon to record SIGUSR1');
    assert.ok(isRunning(pid), 'the daemon still runs after its reload');
  });

  it('logs -n 2 prints the last two lines; logs -f follows through rotation by rename and by truncation', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const log = path.join(dir, 'app.log');
    const mark = marker();
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sh', '-c', `echo alpha; echo beta; echo gamma; exec sleep ${mark}`);
    reaper.trackPidfile(pidfile);
    assert.equal(start.code, 0, start.stderr);
    await waitFor(() => fs.readFileSync(log, 'utf8') === 'alpha\nbeta\ngamma\n', 'the daemon to write its lines');

    const tail = await td(dir, '--pidfile', pidfile, 'logs', '-n', '2');
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout, 'beta\ngamma\n');
    assert.equal(tail.stderr, '');

    const follower = spawn(TDAEMON, ['--pidfile', pidfile, 'logs', '-f'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    reaper.track(follower.pid);
    let shown = '';
    follower.stdout.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    follower.stderr.setEncoding('utf8').on('data', (chunk: string) => (shown += `[stderr] ${chunk}`));
    const expect = async (text: string, what: string) => waitFor(() => shown === text, `${what}; shown so far: ${JSON.stringify(shown)}`, 5000);

    await expect('alpha\nbeta\ngamma\n', 'the existing lines');
    fs.appendFileSync(log, 'delta\n');
    await expect('alpha\nbeta\ngamma\ndelta\n', 'a line appended later');
    // Rotation by rename, as logrotate does it: the old file moves away and a new one takes its name.
    fs.renameSync(log, `${log}.1`);
    fs.writeFileSync(log, 'epsilon\n');
    await expect('alpha\nbeta\ngamma\ndelta\nepsilon\n', 'the first line of the new file after a rename');
    fs.appendFileSync(log, 'zeta\n');
    await expect('alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\n', 'a line appended to the new file');
    // Rotation by truncation (copytruncate): the next line is shorter than what was there.
    fs.truncateSync(log, 0);
    fs.appendFileSync(log, 'eta\n');
    await expect('alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\n', 'the line written after a truncation');
    follower.kill('SIGKILL');
  });
});

describe('tdaemon on bad input: one line, and its exit status', { concurrency: true }, () => {
  it('usage errors exit 2', async (t) => {
    const { dir } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const cases: Array<[string[], string]> = [
      [['--pidfile', pidfile, 'frobnicate'], "tdaemon: unknown verb 'frobnicate'; verbs: start stop restart status reload logs reopen list export completion"],
      [['--pidfile', pidfile, 'start', '--bogus', '--', 'sleep', '1'], "tdaemon: unrecognized option '--bogus'; try 'tdaemon --help'"],
      [['--pidfile', pidfile, '--bogus', 'status'], "tdaemon: unrecognized option '--bogus'; try 'tdaemon --help'"],
      [['start', '--', 'sleep', '1'], 'tdaemon: give --pidfile FILE or --name NAME to say which daemon'],
      [['status'], 'tdaemon: give --pidfile FILE or --name NAME to say which daemon'],
      [['--pidfile', pidfile, 'start'], 'tdaemon: start needs a command: tdaemon start [OPTION]... -- COMMAND [ARG]...'],
      [['--pidfile', pidfile, 'start', '--wait', '0.3', '--'], 'tdaemon: start needs a command: tdaemon start [OPTION]... -- COMMAND [ARG]...'],
      [['--pidfile', pidfile, 'start', '--wait', 'soon', '--', 'sleep', '1'], "tdaemon: --wait takes a number of seconds, not 'soon'"],
      [['--pidfile', path.join(dir, 'missing', 'app.pid'), 'start', '--wait', '0.3', '--', 'sleep', '1'], `tdaemon: pidfile directory ${path.join(dir, 'missing')}: No such file or directory`],
    ];
    for (const [args, line] of cases) assertOneLineError(await td(dir, ...args), 2, line, args.join(' '));
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was created');
  });

  it('a command not found or not executable exits 5', async (t) => {
    const { dir } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const missing = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'no-such-command-td');
    assertOneLineError(missing, 5, "tdaemon: command not found: 'no-such-command-td': No such file or directory", 'command not found');
    fs.writeFileSync(path.join(dir, 'plain.sh'), 'sleep 1000\n', { mode: 0o644 });
    const plain = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', './plain.sh');
    assertOneLineError(plain, 5, "tdaemon: cannot run command: './plain.sh': Permission denied", 'command not executable');
    assert.deepEqual(fs.readdirSync(dir), ['plain.sh'], 'no pidfile, state or log was created');
  });

  it('a pidfile that is not a number, empty, or a symlink: status 4; start refuses a symlink with 2 and leaves its target alone', async (t) => {
    const { dir } = setUp(t);
    const junk = path.join(dir, 'junk.pid');
    fs.writeFileSync(junk, 'hello\n');
    const notNumber = await td(dir, '--pidfile', junk, 'status');
    assert.equal(notNumber.code, 4);
    assert.equal(notNumber.stdout, `junk: unknown (pidfile ${junk}: it does not hold a process id ("hello\\n"))\n`);
    assert.equal(notNumber.stderr, '');
    // start and stop leave a pidfile that might be someone else's alone.
    const junkStart = await td(dir, '--pidfile', junk, 'start', '--wait', '0.3', '--', 'sleep', marker());
    assertOneLineError(junkStart, 1, `tdaemon: pidfile ${junk}: it does not hold a process id ("hello\\n"); remove it if it is stale`, 'start on a junk pidfile');
    const junkStop = await td(dir, '--pidfile', junk, 'stop');
    assertOneLineError(junkStop, 1, /^tdaemon: junk: pidfile [^\n]*; not touching anything\n$/, 'stop on a junk pidfile');
    assert.equal(fs.readFileSync(junk, 'utf8'), 'hello\n', 'the junk pidfile is left as it was');

    const empty = path.join(dir, 'empty.pid');
    fs.writeFileSync(empty, '');
    const emptyStatus = await td(dir, '--pidfile', empty, 'status');
    assert.equal(emptyStatus.code, 4);
    assert.equal(emptyStatus.stdout, `empty: unknown (pidfile ${empty}: it is empty)\n`);

    const target = path.join(dir, 'precious.txt');
    fs.writeFileSync(target, 'do not touch\n');
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(target, hourAgo, hourAgo);
    const before = fs.statSync(target);
    const link = path.join(dir, 'link.pid');
    fs.symlinkSync(target, link);
    const linkStatus = await td(dir, '--pidfile', link, 'status');
    assert.equal(linkStatus.code, 4);
    assert.equal(linkStatus.stdout, `link: unknown (pidfile ${link}: it is a symbolic link)\n`);
    const start = await td(dir, '--pidfile', link, 'start', '--wait', '0.3', '--', 'sleep', marker());
    assertOneLineError(start, 2, `tdaemon: refusing pidfile ${link}: it is a symbolic link`, 'start on a symlinked pidfile');
    const after = fs.statSync(target);
    assert.equal(fs.readFileSync(target, 'utf8'), 'do not touch\n', "the link's target keeps its content");
    assert.equal(after.mtimeMs, before.mtimeMs, "the link's target keeps its mtime");
    assert.equal(after.mode, before.mode);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still there');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['empty.pid', 'junk.pid', 'link.pid', 'precious.txt'], 'no log or state was created');
  });

  it('an unwritable log exits 4 (as nobody)', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const { dir } = setUp(t);
    const open = path.join(dir, 'run');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const locked = path.join(dir, 'logs'); // root's, 0755
    fs.mkdirSync(locked, { mode: 0o755 });
    const log = path.join(locked, 'app.log');
    const result = await run('setpriv', [
      '--reuid=65534', '--regid=65534', '--clear-groups',
      binsForNobody(dir).tdaemon, '--pidfile', path.join(open, 'app.pid'), 'start', '--log', log, '--wait', '0.3', '--', 'sleep', marker(),
    ], { cwd: open });
    assertOneLineError(result, 4, `tdaemon: cannot open --log ${log}: Permission denied`, 'unwritable log');
    assert.deepEqual(fs.readdirSync(open), [], 'no pidfile or state was left');
  });

  it('--user by a caller who is not root exits 4 (as nobody)', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const { dir } = setUp(t);
    const open = path.join(dir, 'run');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const result = await run('setpriv', [
      '--reuid=65534', '--regid=65534', '--clear-groups',
      binsForNobody(dir).tdaemon, '--pidfile', path.join(open, 'app.pid'), 'start', '--user', 'nobody', '--wait', '0.3', '--', 'sleep', marker(),
    ], { cwd: open });
    assertOneLineError(result, 4, /^tdaemon: --user and --group need root[^\n]*\n$/, '--user as nobody');
    assert.deepEqual(fs.readdirSync(open), []);
  });
});

describe('tdaemon environments and identities', { concurrency: true }, () => {
  it('works from a cron-like environment: env -i PATH=/usr/bin:/bin, no terminal, stdin ignored', async (t) => {
    const { dir, reaper } = setUp(t);
    // cron's PATH is /usr/bin:/bin, and bin/tdaemon finds node through
    // `#!/usr/bin/env node`. Where node is not in /usr/bin (nvm, a tarball),
    // cron could not run tdaemon at all; then its directory is put first so
    // that the rest of the test still means something.
    const nodeDir = path.dirname(process.execPath);
    const PATH = fs.existsSync('/usr/bin/node') ? '/usr/bin:/bin' : `${nodeDir}:/usr/bin:/bin`;
    const pidfile = path.join(dir, 'cron.pid');
    const cron = (...args: string[]) => run('env', ['-i', `PATH=${PATH}`, TDAEMON, '--pidfile', pidfile, ...args], { cwd: dir });
    const mark = marker();

    const start = await cron('start', '--wait', '0.3', '--', 'sleep', mark);
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout, `tdaemon: cron started (pid ${pid}); log ${path.join(dir, 'cron.log')}\n`);
    assert.deepEqual(cmdline(pid), ['sleep', mark]);
    // (/bin/sh, which tdaemon runs the command through, adds PWD; tdaemon
    // adds TDAEMON_PIDFILE, which finds a daemon that left its session.)
    assert.deepEqual(
      environ(pid).filter((entry) => !entry.startsWith('PWD=')).sort(),
      [`PATH=${PATH}`, `TDAEMON_PIDFILE=${path.join(dir, 'cron.pid')}`],
      'the daemon gets the environment it was started with',
    );

    const status = await cron('status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^cron: running \\(pid ${pid}, up \\d+s\\) sleep ${mark}\\n$`));

    const stop = await cron('stop', '--stop-timeout', '0.5');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: cron stopped (pid ${pid})\n`);
    assert.deepEqual(sessionMembers(pid), []);
  });

  it('--user nobody (as root): the daemon runs as uid 65534 with its HOME, USER and LOGNAME', { skip: !IS_ROOT && 'needs root' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const home = (await run('getent', ['passwd', 'nobody'])).stdout.split(':')[5];
    const { pid } = await startSleeper(dir, reaper, 'app', ['--user', 'nobody']);
    assert.equal(procStatusField(pid, 'Uid'), '65534\t65534\t65534\t65534');
    assert.equal(procStatusField(pid, 'Gid'), '65534\t65534\t65534\t65534');
    const env = environ(pid);
    assert.ok(env.includes(`HOME=${home}`), `HOME=${home} in ${env.join(' ')}`);
    assert.ok(env.includes('USER=nobody'));
    assert.ok(env.includes('LOGNAME=nobody'));
    const stop = await td(dir, '--pidfile', path.join(dir, 'app.pid'), 'stop', '--stop-timeout', '0.5');
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(sessionMembers(pid), []);
  });

  it("--user (as root) gives the daemon the user's supplementary groups too, watched or not", { skip: !IS_ROOT && 'needs root' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const account = await makeTestAccount(t); // removed after the reaper has ended the daemons
    for (const respawn of [false, true]) {
      const pidfile = path.join(dir, respawn ? 'watched.pid' : 'app.pid');
      const start = await td(dir, '--pidfile', pidfile, 'start', ...(respawn ? ['--respawn'] : []), '--wait', '0.3', '--user', account.user, '--', 'sleep', marker());
      reaper.trackPidfile(pidfile); // the watchdog's pid, for a watched daemon: ended first
      assert.equal(start.code, 0, start.stderr);
      const pid = Number(/started \(pid (\d+)/.exec(start.stdout)?.[1]);
      reaper.track(pid);
      const ids = `${account.uid}\t${account.uid}\t${account.uid}\t${account.uid}`;
      // The same pid switches at its exec of setpriv, which may come a moment after start returns.
      await waitFor(() => procStatusField(pid, 'Uid') === ids, 'real, effective, saved and filesystem uid of the user');
      assert.equal(procStatusField(pid, 'Gid'), `${account.gid}\t${account.gid}\t${account.gid}\t${account.gid}`);
      const groups = procStatusField(pid, 'Groups')!.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
      assert.deepEqual(groups, [account.gid, account.extraGid].sort((a, b) => a - b), `Groups of ${respawn ? 'a watched' : 'a plain'} daemon`);
      const stop = await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
      assert.equal(stop.code, 0, stop.stderr);
    }
  });

  it('--env, --chdir and --umask reach the daemon; the pidfile stays 0644', async (t) => {
    const { dir, reaper } = setUp(t);
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const pidfile = path.join(dir, 'app.pid');
    const mark = marker();
    const start = await td(
      dir, '--pidfile', pidfile, 'start', '--env', 'A=1', '--env', 'B=two words', '--chdir', work, '--umask', '077', '--wait', '0.3',
      '--', 'sh', '-c', `echo made > made; exec sleep ${mark}`,
    );
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    const env = environ(pid);
    assert.ok(env.includes('A=1'), 'A=1 in its environment');
    assert.ok(env.includes('B=two words'), 'B in its environment');
    assert.equal(fs.readlinkSync(`/proc/${pid}/cwd`), work);
    const made = path.join(work, 'made');
    await waitFor(() => fs.existsSync(made), 'the daemon to create its file');
    assert.equal(fs.statSync(made).mode & 0o777, 0o600, 'created under umask 077');
    assert.equal(fs.readFileSync(pidfile, 'utf8'), `${pid}\n`);
    assert.equal(fs.statSync(pidfile).mode & 0o777, 0o644, 'the pidfile is 0644 whatever the umask');
  });

  it('status --json and the status line of a running daemon; the command gets its own options', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const mark = marker();
    // Options after the command are the command's: --log and --wait here go to sh.
    const start = await td(
      dir, 'start', '--pidfile', pidfile, '--wait', '0.3',
      'sh', '-c', `printf '[%s]' "$@" > args; exec sleep ${mark}`, 'sh', '-x', '--log', 'elsewhere.log', '--wait', '9',
    );
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout, `tdaemon: app started (pid ${pid}); log ${path.join(dir, 'app.log')}\n`);
    await waitFor(() => fs.existsSync(path.join(dir, 'args')), 'the command to write its arguments');
    assert.equal(fs.readFileSync(path.join(dir, 'args'), 'utf8'), '[-x][--log][elsewhere.log][--wait][9]');

    const status = await td(dir, 'status', '--pidfile', pidfile);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^app: running \(pid \d+, up \d+s\) /);
    assert.match(status.stdout, new RegExp(`^app: running \\(pid ${pid}, up \\d+s\\) sh -c .*sleep ${mark}.* sh -x --log elsewhere.log --wait 9\\n$`));

    const json = await td(dir, '--pidfile', pidfile, 'status', '--json');
    assert.equal(json.code, 0, json.stderr);
    const object = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(object.status, 'running');
    assert.equal(object.pid, pid);
    assert.deepEqual(object.command, ['sh', '-c', `printf '[%s]' "$@" > args; exec sleep ${mark}`, 'sh', '-x', '--log', 'elsewhere.log', '--wait', '9']);
    assert.equal(object.pidfile, pidfile);
    assert.equal(object.log, path.join(dir, 'app.log'));

    await td(dir, '--pidfile', pidfile, 'stop', '--stop-timeout', '0.5');
    const stopped = await td(dir, '--pidfile', pidfile, 'status', '--json');
    assert.equal(stopped.code, 3);
    const gone = JSON.parse(stopped.stdout) as Record<string, unknown>;
    assert.equal(gone.status, 'not-running');
    assert.equal(gone.pid, null);
  });

  it('--name NAME (as root) keeps its pidfile in /run/tdaemon and its log in /var/log/tdaemon', { skip: !IS_ROOT && 'needs root' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const name = `td-test-${process.pid}-${marker()}`;
    const base = path.join('/run/tdaemon', name);
    t.after(() => {
      for (const suffix of ['.pid', '.state', '.log', '.pid.lock', '.pid.starting']) fs.rmSync(`${base}${suffix}`, { recursive: true, force: true });
      fs.rmSync(`/var/log/tdaemon/${name}.log`, { force: true });
    });
    const mark = marker();
    const start = await td(dir, '--name', name, 'start', '--wait', '0.3', '--', 'sleep', mark);
    const pid = reaper.trackPidfile(`${base}.pid`)!;
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout, `tdaemon: ${name} started (pid ${pid}); log /var/log/tdaemon/${name}.log\n`);
    assert.equal(fs.readFileSync(`${base}.pid`, 'utf8'), `${pid}\n`);
    assert.ok(fs.existsSync(`${base}.state`));
    const status = await td(dir, 'status', '--name', name);
    assert.match(status.stdout, new RegExp(`^${name}: running \\(pid ${pid}, up \\d+s\\) sleep ${mark}\\n$`));
    const stop = await td(dir, '--name', name, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: ${name} stopped (pid ${pid})\n`);
    assert.ok(!fs.existsSync(`${base}.pid`));
  });

  it('the daemon keeps no file descriptor of its caller beyond 0, 1 and 2', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    // A caller with a descriptor open, as a CI runner or an ssh session can
    // have: a daemon that keeps it holds the caller's pipe or file forever.
    const result = await run('bash', ['-c', 'exec 20>"$0"; exec "$@"', path.join(dir, 'caller-file'), TDAEMON, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', marker()], { cwd: dir });
    const pid = reaper.trackPidfile(pidfile)!;
    assert.equal(result.code, 0, result.stderr);
    const fds = fs.readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
    const held = fds.filter((fd) => fd > 2).map((fd) => `${fd} -> ${fs.readlinkSync(`/proc/${pid}/fd/${fd}`)}`);
    assert.deepEqual(held, [], 'descriptors the daemon inherited from the caller of tdaemon start');
  });
});
