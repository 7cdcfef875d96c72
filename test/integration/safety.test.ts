import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { binsForNobody, TDAEMON, TNOHUP } from '../helpers/paths';
import { isDead, isRunning, readPid, Reaper, startTicks, waitFor } from '../helpers/processes';
import { plainRecord } from '../helpers/records';
import { run, runInPty, sh, type RunResult } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';
import { daemonTestDir, tdaemonIn } from '../helpers/daemon-test';

type Context = Parameters<typeof makeTempDir>[0];

const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

const setUp = (t: Context) => daemonTestDir(t, 'tdaemon-safety-');

const td = tdaemonIn;

let markers = 0;
/** An argument no other process has: `sleep MARKER` is a process the test can tell from every other. */
function marker(): string {
  markers += 1;
  return `2000${process.pid}${String(markers).padStart(3, '0')}`;
}

/** A failure: nothing on stdout, one `tdaemon: ` line on stderr matching LINE, and CODE. */
function assertOneLineError(result: RunResult, code: number, line: RegExp | string, what: string): void {
  assert.equal(result.code, code, `${what}: exit status (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', `${what}: nothing on stdout`);
  assert.match(result.stderr, /^tdaemon: [^\n]*\n$/, `${what}: one line on stderr`);
  if (typeof line === 'string') assert.equal(result.stderr, `${line}\n`, what);
  else assert.match(result.stderr, line, what);
}

/** A root process the test owns: `sleep MARKER`, in a session of its own. */
function startVictim(reaper: Reaper): { pid: number; ticks: string } {
  const child = spawn('sleep', [marker()], { detached: true, stdio: 'ignore' });
  child.unref();
  reaper.track(child.pid);
  return { pid: child.pid!, ticks: startTicks(child.pid!)! };
}

/** Writes TEXT to FILE as nobody (the file is nobody's). */
async function writeAsNobody(file: string, text: string): Promise<void> {
  const result = await run('setpriv', [...AS_NOBODY, 'sh', '-c', 'cat > "$1"', 'sh', file], { input: text });
  assert.equal(result.code, 0, result.stderr);
}

describe('point 1: as root, a pidfile or state file another user could forge is refused', { concurrency: true, skip: !IS_ROOT && 'needs root' }, () => {
  it("nobody's pidfile and state in nobody's directory naming a root process: every verb exits 4, nothing is signalled", async (t) => {
    const { dir, reaper } = setUp(t);
    const victim = startVictim(reaper);
    const forged = path.join(dir, 'srv');
    fs.mkdirSync(forged);
    fs.chownSync(forged, 65534, 65534);
    const pidfile = path.join(forged, 'app.pid');
    const record = plainRecord({ pid: victim.pid, startTicks: victim.ticks, command: ['sleep', 'x'], cwd: forged, log: path.join(forged, 'app.log') });
    await writeAsNobody(path.join(forged, 'app.state'), JSON.stringify(record));
    await writeAsNobody(pidfile, `${victim.pid}\n`);

    const refused = `tdaemon: refusing pidfile ${pidfile}: it is owned by uid 65534, not root, so another user could make it name any process for root to signal; ` +
      'as root, use --name (files in /run/tdaemon) or a pidfile in a directory only root can write';
    for (const args of [['stop'], ['restart'], ['reload'], ['status'], ['logs'], ['start', '--', 'sleep', marker()]]) {
      assertOneLineError(await td(dir, '--pidfile', pidfile, ...args), 4, refused, args[0]);
    }
    assert.ok(isRunning(victim.pid), 'the root process was not signalled');
    assert.deepEqual(fs.readdirSync(forged).sort(), ['app.pid', 'app.state'], 'nothing was removed or created');
  });

  it("root's own files in a directory another user owns (the README's /srv/app) are refused, and so is a start there", async (t) => {
    const { dir, reaper } = setUp(t);
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    const pidfile = path.join(app, 'app.pid');
    const started = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', marker());
    const pid = reaper.trackPidfile(pidfile);
    assert.equal(started.code, 0, started.stderr);
    fs.chownSync(app, 65534, 65534); // handed to the app user afterwards

    const refused = new RegExp(`^tdaemon: refusing pidfile ${pidfile}: its directory ${app} is owned by uid 65534, not root, `);
    assertOneLineError(await td(dir, '--pidfile', pidfile, 'stop'), 4, refused, 'stop');
    const other = path.join(app, 'other.pid');
    const refusedStart = new RegExp(`^tdaemon: refusing pidfile ${other}: its directory ${app} is owned by uid 65534, not root, `);
    assertOneLineError(await td(dir, '--pidfile', other, 'start', '--', 'sleep', marker()), 4, refusedStart, 'start');
    assert.ok(!fs.existsSync(path.join(app, 'other.log')), 'the refused start created no log');
    assert.ok(isRunning(pid!), 'the daemon was not signalled');

    // What the README says to do: a directory only root can write.
    fs.chownSync(app, 0, 0);
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    await waitFor(() => isDead(pid!), 'the daemon to stop');
  });

  it("a pidfile reached through root's symbolic link is judged by the directory it leads to", async (t) => {
    const { dir, reaper } = setUp(t);
    const theirs = path.join(dir, 'theirs');
    const ours = path.join(dir, 'ours');
    fs.mkdirSync(theirs);
    fs.mkdirSync(ours);
    fs.chownSync(theirs, 65534, 65534);
    fs.symlinkSync(theirs, path.join(dir, 'to-theirs'));
    fs.symlinkSync(ours, path.join(dir, 'to-ours'));
    const refused = new RegExp(`^tdaemon: refusing pidfile ${path.join(dir, 'to-theirs', 'app.pid')}: its directory ${theirs} is owned by uid 65534, not root, `);
    assertOneLineError(await td(dir, '--pidfile', path.join(dir, 'to-theirs', 'app.pid'), 'start', '--', 'sleep', marker()), 4, refused, 'start');
    assert.deepEqual(fs.readdirSync(theirs), [], 'the refused start left nothing there');

    const pidfile = path.join(dir, 'to-ours', 'app.pid');
    const started = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0', '--', 'sleep', marker());
    const pid = reaper.trackPidfile(pidfile);
    assert.equal(started.code, 0, started.stderr);
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    await waitFor(() => isDead(pid!), 'the daemon to stop');
  });

  it('a state file another user owns, or one others may write, is refused even in a root directory', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const started = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', marker());
    const pid = reaper.trackPidfile(pidfile);
    assert.equal(started.code, 0, started.stderr);
    const statefile = path.join(dir, 'app.state');

    fs.chownSync(statefile, 65534, 65534);
    assertOneLineError(await td(dir, '--pidfile', pidfile, 'stop'), 4, new RegExp(`^tdaemon: refusing state file ${statefile}: it is owned by uid 65534, not root, `), 'stop');
    fs.chownSync(statefile, 0, 0);
    fs.chmodSync(pidfile, 0o666);
    assertOneLineError(await td(dir, '--pidfile', pidfile, 'status'), 4, new RegExp(`^tdaemon: refusing pidfile ${pidfile}: it is writable by group or others \\(mode 0666\\), `), 'status');
    assert.ok(isRunning(pid!));
    fs.chmodSync(pidfile, 0o644);
    assert.equal((await td(dir, '--pidfile', pidfile, 'stop')).code, 0);
    assert.ok(isDead(pid!));
  });
});

describe('point 3: a stop the caller may not carry out exits 4 at once', { concurrency: true, skip: !IS_ROOT && 'needs root to become nobody' }, () => {
  for (const kind of ['plain', 'watched']) {
    it(`nobody's stop and restart of root's ${kind} daemon: exit 4 in well under the stop timeout, nothing signalled`, async (t) => {
      const { dir, reaper } = setUp(t); // 0755: nobody may read the record
      const pidfile = path.join(dir, 'app.pid');
      // A stop timeout of 60 s: a stop that waited for processes it never signalled would take that long.
      const extra = ['--stop-timeout', '60', ...(kind === 'watched' ? ['--respawn'] : [])];
      const started = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', ...extra, '--', 'sleep', marker());
      assert.equal(started.code, 0, started.stderr);
      const pid = reaper.trackPidfile(pidfile)!;
      const status = JSON.parse((await td(dir, '--pidfile', pidfile, 'status', '--json')).stdout) as { pid: number };
      reaper.track(status.pid);
      const nobodysTdaemon = binsForNobody(dir).tdaemon;

      for (const verb of ['stop', 'restart']) {
        const began = Date.now();
        const result = await run('setpriv', [...AS_NOBODY, nobodysTdaemon, '--pidfile', pidfile, verb], { cwd: dir, timeoutMs: 90000 });
        const tookMs = Date.now() - began;
        assertOneLineError(result, 4, `tdaemon: app: cannot signal pid ${pid}, which belongs to uid 0 (this is uid 65534); nothing signalled`, verb);
        assert.ok(tookMs < 30000, `${verb} answered at once, not after the 60 s stop timeout (${tookMs} ms)`);
      }
      assert.ok(isRunning(pid) && isRunning(status.pid), 'the daemon runs on');
      assert.equal(readPid(pidfile), pid, 'the pidfile is unchanged');
      assert.equal((await run(TDAEMON, ['--pidfile', pidfile, 'stop', '--stop-timeout', '5'], { cwd: dir, timeoutMs: 30000 })).code, 0, "root's stop still works");
    });
  }
});

/** A TCP port no one listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('point 4: a pidfile tdaemon did not write is left alone', { concurrency: true }, () => {
  it("the real nginx's own pidfile: status says it runs, not started by tdaemon; stop exits 4; nginx -s reload still works", { skip: !IS_ROOT && 'nginx needs root here' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const pidfile = path.join(dir, 'nginx.pid');
    const conf = path.join(dir, 'nginx.conf');
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
    fs.writeFileSync(
      conf,
      `error_log ${path.join(dir, 'error.log')};\nevents {}\nhttp {\n  access_log off;\n  ` +
        ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ') +
        `\n  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } }\n}\n`,
    );
    const nginx = (...args: string[]) => run('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf, '-g', `pid ${pidfile};`, ...args]);
    const up = await run('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf, '-g', `pid ${pidfile}; daemon on;`]);
    assert.equal(up.code, 0, up.stderr);
    const master = await waitFor(() => readPid(pidfile), "nginx's pidfile");
    reaper.track(master);
    t.after(async () => {
      if (startTicks(master) !== null) process.kill(master, 'SIGTERM');
      await waitFor(() => isDead(master), 'nginx to end');
    });

    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 0);
    assert.equal(status.stdout, `nginx: running (pid ${master}), not started by tdaemon: no record of it beside ${pidfile}\n`);
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assertOneLineError(
      stop,
      4,
      `tdaemon: nginx: pid ${master} of ${pidfile} was not started by tdaemon (no record of it beside the pidfile); not signalling it, and the pidfile stays`,
      'stop',
    );
    assert.equal(readPid(pidfile), master, "nginx's pidfile is still there");
    assert.ok(isRunning(master));
    const reload = await nginx('-s', 'reload');
    assert.equal(reload.code, 0, `nginx -s reload works: ${reload.stderr}`);
    const start = await td(dir, '--pidfile', pidfile, 'start', '--', 'sleep', marker());
    assert.equal(start.code, 4, start.stderr);
    assert.equal(readPid(pidfile), master, 'start did not replace it either');
    const quit = await nginx('-s', 'quit');
    assert.equal(quit.code, 0, quit.stderr);
    await waitFor(() => isDead(master), 'nginx to quit');
  });

  it('a stale pidfile with a record of ours whose pid is now another process is still replaced', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'app.pid');
    const other = startVictim(reaper); // holds a pid the record says began at another time
    fs.writeFileSync(path.join(dir, 'app.state'), JSON.stringify(plainRecord({ pid: other.pid, startTicks: '1', cwd: dir, log: path.join(dir, 'app.log') })));
    fs.writeFileSync(pidfile, `${other.pid}\n`);
    assert.equal((await td(dir, '--pidfile', pidfile, 'status')).code, 1);
    const started = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.3', '--', 'sleep', marker());
    const pid = reaper.trackPidfile(pidfile);
    assert.equal(started.code, 0, started.stderr);
    assert.notEqual(pid, other.pid);
    assert.ok(isRunning(other.pid), 'the process that holds the old pid was not signalled');
    assert.equal((await td(dir, '--pidfile', pidfile, 'stop')).code, 0);
  });
});

describe('point 4: tnohup -p writes the record tdaemon trusts', { concurrency: true }, () => {
  it("status, logs and stop work on tnohup's pidfile (output in nohup.out, from a terminal)", async (t) => {
    const { dir, reaper } = setUp(t);
    const mark = marker();
    const shown = await runInPty(
      `${sh(TNOHUP)} -p app.pid sh -c 'echo hello; exec sleep ${mark}' & echo "tnohup=$!"; until [ -s app.pid ]; do sleep 0.02; done`,
      { cwd: dir },
    );
    const tnohup = Number(/tnohup=(\d+)/.exec(shown.stdout)?.[1]);
    reaper.track(tnohup);
    const pid = reaper.trackPidfile(path.join(dir, 'app.pid'))!;
    assert.ok(pid > 0 && pid !== tnohup, 'the pidfile names the command');
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'app.state'), 'utf8')) as { log: string; startTicks: string; command: string[] };
    assert.equal(record.log, path.join(dir, 'nohup.out'));
    assert.equal(record.startTicks, startTicks(pid));
    assert.deepEqual(record.command, ['sh', '-c', `echo hello; exec sleep ${mark}`]);

    const status = await td(dir, '--pidfile', 'app.pid', 'status');
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^app: running \\(pid ${pid}, up \\d+s\\) sh -c 'echo hello; exec sleep ${mark}'\n$`));
    await waitFor(() => fs.readFileSync(path.join(dir, 'nohup.out'), 'utf8').includes('hello'), 'the output');
    const logs = await td(dir, '--pidfile', 'app.pid', 'logs');
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'hello\n');
    const stop = await td(dir, '--pidfile', 'app.pid', 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `tdaemon: app stopped (pid ${pid})\n`);
    await waitFor(() => isDead(pid) && isDead(tnohup), 'the command and its tnohup to end');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['nohup.out'], 'pidfile and record are gone');
  });

  it('with -o FILE the record names FILE; a command that ends takes its record with it', async (t) => {
    const { dir, reaper } = setUp(t);
    const gate = path.join(dir, 'gate');
    const done = run(TNOHUP, ['-p', 'app.pid', '-o', 'out.log', 'sh', '-c', `echo started; until [ -e ${sh(gate)} ]; do sleep 0.02; done`], {
      cwd: dir,
      onSpawn: (pid) => reaper.track(pid),
    });
    const pid = await waitFor(() => readPid(path.join(dir, 'app.pid')), 'the pidfile');
    reaper.track(pid);
    const json = JSON.parse((await td(dir, '--pidfile', 'app.pid', 'status', '--json')).stdout) as { status: string; log: string };
    assert.equal(json.status, 'running');
    assert.equal(json.log, path.join(dir, 'out.log'));
    await waitFor(async () => (await td(dir, '--pidfile', 'app.pid', 'logs')).stdout === 'started\n', 'logs to show the output');
    fs.writeFileSync(gate, '');
    assert.equal((await done).code, 0);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['gate', 'out.log']);
    assert.equal((await td(dir, '--pidfile', 'app.pid', 'status')).code, 3);
  });
});
