import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, TDAEMON } from '../helpers/paths';
import { isDead, isRunning, processesWithArg, readPid, Reaper, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';
import { daemonTestDir } from '../helpers/daemon-test';

type Context = Parameters<typeof makeTempDir>[0];

/** start --ready (issue 13, point 6): start returns when the daemon is ready, or fails and leaves nothing running. */

const setUp = (t: Context) => daemonTestDir(t, 'tdaemon-ready-');

/** Runs bin/tdaemon in DIR, tracking what its pidfile names even if an assertion fails later. */
async function td(dir: string, reaper: Reaper, pidfile: string, ...args: string[]): Promise<RunResult & { ms: number }> {
  const began = Date.now();
  const result = await run(TDAEMON, ['--pidfile', pidfile, ...args], { cwd: dir, timeoutMs: 150000 });
  reaper.trackPidfile(pidfile);
  return { ...result, ms: Date.now() - began };
}

/** A port no one listens on now (the kernel's pick, closed again). */
async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Does HOST:PORT accept a connection now? */
function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const LATE = fixture('late-listener.js');


function assertNothingLeft(dir: string, name: string, mark: string): void {
  assert.ok(!fs.existsSync(path.join(dir, `${name}.pid`)), 'no pidfile is left');
  assert.ok(!fs.existsSync(path.join(dir, `${name}.state`)), 'no state file is left');
  assert.deepEqual(processesWithArg(mark), [], 'no process of the failed start runs');
}

describe('start --ready tcp:', () => {
  it('returns once a server that listens after 1.5 s accepts connections, not after --wait', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const pidfile = path.join(dir, 'late.pid');
    const result = await td(dir, reaper, pidfile, 'start', '--ready', `tcp:${port}`, '--', LATE, String(port), '1500');
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^tdaemon: late started \(pid \d+\); log /);
    assert.ok(result.ms >= 1400, `start waited for the listener (${result.ms} ms)`);
    assert.ok(await accepts(port), 'the port accepts connections when start returns');
    const stop = await td(dir, reaper, pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
  });

  it('takes [::1]:PORT and localhost:PORT', async (t) => {
    const { dir, reaper } = setUp(t);
    for (const [host, spec] of [
      ['::1', (port: number) => `tcp:[::1]:${port}`],
      ['127.0.0.1', (port: number) => `tcp:localhost:${port}`],
    ] as const) {
      const port = await freePort(host);
      const pidfile = path.join(dir, 'six.pid');
      const result = await td(dir, reaper, pidfile, 'start', '--ready', spec(port), '--', LATE, String(port), '300', host);
      assert.equal(result.code, 0, `${spec(port)}: ${result.stderr}`);
      assert.ok(await accepts(port, host), `${spec(port)}: the port accepts connections when start returns`);
      assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);
    }
  });

  it('two http.servers on one port: the second fails at once with its EADDRINUSE, and the first runs on', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const server = ['python3', '-m', 'http.server', '--bind', '127.0.0.1', String(port)];
    const first = await td(dir, reaper, path.join(dir, 'one.pid'), 'start', '--ready', `tcp:${port}`, '--', ...server);
    assert.equal(first.code, 0, first.stderr);
    const firstPid = readPid(path.join(dir, 'one.pid'))!;

    const second = await td(dir, reaper, path.join(dir, 'two.pid'), 'start', '--ready', `tcp:${port}`, '--ready-timeout', '100', '--', ...server);
    assert.equal(second.code, 1, `the second start fails (stdout: ${second.stdout})`);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, /^tdaemon: two exited with status 1 before it was ready \(--ready tcp:127\.0\.0\.1:\d+\); stopped; last lines of .*two\.log:\n/);
    assert.match(second.stderr, /Address already in use/, 'the log tail shows why');
    assert.ok(second.ms < 50000, `it failed when the server died, not after the 100 s timeout (${second.ms} ms)`);
    assert.ok(!fs.existsSync(path.join(dir, 'two.pid')), 'the second leaves no pidfile');
    assert.ok(isRunning(firstPid), 'the first server runs on');
    assert.equal((await td(dir, reaper, path.join(dir, 'one.pid'), 'stop')).code, 0);
  });

  it('a server that stays up but never listens on the port: the first server\'s listener does not count', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const holder = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    t.after(() => holder.close());
    const mark = `9${process.pid}1`;
    const result = await td(dir, reaper, path.join(dir, 'squat.pid'), 'start', '--ready', `tcp:${port}`, '--ready-timeout', '1', '--', 'sleep', mark);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /^tdaemon: squat was not ready within 1 s \(--ready tcp:127\.0\.0\.1:\d+: port \d+ accepts connections, but only on sockets that listened before this start \(another server holds it\)\); stopped; /);
    assertNothingLeft(dir, 'squat', mark);
  });

  it('the timeout: exit 1 after --ready-timeout, the daemon stopped, nothing left', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const mark = `9${process.pid}2`;
    const result = await td(dir, reaper, path.join(dir, 'slow.pid'), 'start', '--ready', `tcp:${port}`, '--ready-timeout', '1.5', '--', 'sleep', mark);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^tdaemon: slow was not ready within 1.5 s \\(--ready tcp:127.0.0.1:${port}: no connection to 127.0.0.1:${port} \\(ECONNREFUSED\\)\\); stopped; its log \\S+ is empty\n$`));
    assert.ok(result.ms >= 1400 && result.ms < 30000, `it waited the timeout (${result.ms} ms)`);
    assertNothingLeft(dir, 'slow', mark);
  });

  it('with --respawn: the first run is judged; a failure stops the watchdog too', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const pidfile = path.join(dir, 'w.pid');
    const ok = await td(dir, reaper, pidfile, 'start', '--respawn', '--ready', `tcp:${port}`, '--', LATE, String(port), '800');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^tdaemon: w started \(pid \d+, watchdog \d+\); log /);
    assert.ok(await accepts(port));
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);

    // The port is held: each run dies on EADDRINUSE, and the watchdog would restart it forever.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    t.after(() => holder.close());
    const bad = await td(dir, reaper, pidfile, 'start', '--respawn', '--ready', `tcp:${port}`, '--ready-timeout', '100', '--', LATE, String(port), '0');
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stderr, /^tdaemon: w exited with status 1 before it was ready \(--ready tcp:127\.0\.0\.1:\d+\); stopped; last lines of [^\n]*\n(.*\n)*.*cannot listen: EADDRINUSE/);
    assert.ok(bad.ms < 50000, `at once, not after the 100 s timeout (${bad.ms} ms)`);
    assert.ok(!fs.existsSync(pidfile), 'no pidfile: the watchdog is gone');
    assert.ok(!fs.existsSync(path.join(dir, 'w.state')), 'no state file');
  });
});

describe('start --ready file: and log:', () => {
  it('file: waits for the file; one left by an earlier run does not count until it is written again', async (t) => {
    const { dir, reaper } = setUp(t);
    const flag = path.join(dir, 'ready.flag');
    fs.writeFileSync(flag, 'stale\n');
    const pidfile = path.join(dir, 'f.pid');
    const mark = `9${process.pid}3`;
    const result = await td(dir, reaper, pidfile, 'start', '--ready', 'file:ready.flag', '--', 'sh', '-c', `sleep 0.5; echo fresh > ready.flag; exec sleep ${mark}`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(flag, 'utf8'), 'fresh\n', 'start returned after the daemon wrote the file');
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);

    const missing = await td(dir, reaper, pidfile, 'start', '--ready', 'file:never', '--ready-timeout', '0.5', '--', 'sleep', mark);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^tdaemon: f was not ready within 0.5 s \(--ready file:never: \/.*\/never does not exist\); stopped; /);
    assertNothingLeft(dir, 'f', mark);
  });

  it('log: matches a line written since this start, never an older line of an appended log', async (t) => {
    const { dir, reaper } = setUp(t);
    const log = path.join(dir, 'l.log');
    fs.writeFileSync(log, 'Ready to accept connections (an earlier run)\n');
    const pidfile = path.join(dir, 'l.pid');
    const mark = `9${process.pid}4`;
    const result = await td(dir, reaper, pidfile, 'start', '--ready', 'log:^Ready to accept', '--', 'sh', '-c', `echo booting; sleep 0.5; echo 'Ready to accept connections'; exec sleep ${mark}`);
    assert.equal(result.code, 0, result.stderr);
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('Ready'));
    assert.equal(lines.length, 2, 'start returned after the new line was written');
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);
  });

  it('log: reads --error-log too', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'e.pid');
    const result = await td(dir, reaper, pidfile, 'start', '--error-log', 'e.err', '--ready', 'log:listening', '--', 'sh', '-c', `sleep 0.3; echo listening >&2; exec sleep 9${process.pid}5`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);
  });

  it('a bad spec or regular expression is a usage error: exit 2, one line, nothing created', async (t) => {
    const { dir, reaper } = setUp(t);
    const pidfile = path.join(dir, 'u.pid');
    const cases: Array<[string[], RegExp]> = [
      [['--ready', 'log:a('], /^tdaemon: --ready log: bad regular expression 'a\(': Unterminated group\n$/],
      [['--ready', 'udp:53'], /^tdaemon: --ready takes tcp:\[HOST:\]PORT, file:PATH or log:REGEX, not 'udp:53'\n$/],
      [['--ready', 'tcp:70000'], /^tdaemon: --ready tcp: needs a port 1-65535, not 'tcp:70000'\n$/],
      [['--ready-timeout', '3'], /^tdaemon: --ready-timeout needs --ready\n$/],
      [['--ready', 'tcp:1', '--ready-timeout', 'soon'], /^tdaemon: --ready-timeout takes a number of seconds, not 'soon'\n$/],
      [['--log', '/dev/null', '--ready', 'log:x'], /^tdaemon: --ready log: reads the log, and \/dev\/null is not a regular file\n$/],
    ];
    for (const [options, line] of cases) {
      const result = await td(dir, reaper, pidfile, 'start', ...options, '--', 'sleep', '1');
      assert.equal(result.code, 2, `${options.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, line, options.join(' '));
    }
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was created');
  });

  it('restart waits for the recorded --ready', async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const pidfile = path.join(dir, 'r.pid');
    assert.equal((await td(dir, reaper, pidfile, 'start', '--ready', `tcp:${port}`, '--', LATE, String(port), '1500')).code, 0);
    const first = readPid(pidfile)!;
    const restart = await td(dir, reaper, pidfile, 'restart');
    assert.equal(restart.code, 0, restart.stderr);
    assert.ok(await accepts(port), 'the new server accepts connections when restart returns');
    await waitFor(() => isDead(first), 'the first server to be gone');
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);
  });
});

const HAS_NGINX = fs.existsSync('/usr/sbin/nginx');
const HAS_REDIS = fs.existsSync('/usr/bin/redis-server');

/** A foreground nginx on 127.0.0.1:PORT, everything it writes kept in DIR. */
function nginxConfig(dir: string, name: string, port: number): string {
  const file = path.join(dir, `${name}.conf`);
  // nginx hands its temporary directories to its worker user (nobody): a
  // directory of their own, so the test's directory stays root's (as root,
  // tdaemon refuses pidfiles in a directory another user owns).
  const tempDir = path.join(dir, `${name}-temp`);
  fs.mkdirSync(tempDir, { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${tempDir};`).join('\n');
  fs.writeFileSync(file, `daemon off;\npid ${dir}/${name}.nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n${temp}\n  server { listen 127.0.0.1:${port}; }\n}\n`);
  return file;
}

describe('start --ready with the real servers of issue 13', () => {
  it('nginx: a second nginx on the same port fails start with its bind() errors, where --wait 1 called it running', { skip: !HAS_NGINX && 'no nginx' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const nginx = (name: string): string[] => ['/usr/sbin/nginx', '-e', 'stderr', '-p', dir, '-c', nginxConfig(dir, name, port)];
    const first = await td(dir, reaper, path.join(dir, 'one.pid'), 'start', '--ready', `tcp:${port}`, '--', ...nginx('one'));
    assert.equal(first.code, 0, first.stderr);
    const second = await td(dir, reaper, path.join(dir, 'two.pid'), 'start', '--ready', `tcp:${port}`, '--ready-timeout', '100', '--', ...nginx('two'));
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stderr, /^tdaemon: two exited with status 1 before it was ready \(--ready tcp:127\.0\.0\.1:\d+\); stopped; last lines of [^\n]*\n/);
    assert.match(second.stderr, /still could not bind\(\)/);
    assert.ok(second.ms < 50000, `when nginx gave up, not after the 100 s timeout (${second.ms} ms)`);
    assert.ok(!fs.existsSync(path.join(dir, 'two.pid')));
    assert.ok(isRunning(readPid(path.join(dir, 'one.pid'))!), 'the first nginx runs on');
    assert.equal((await td(dir, reaper, path.join(dir, 'one.pid'), 'stop')).code, 0);
  });

  it("redis-server: ready on its 'Ready to accept connections' line", { skip: !HAS_REDIS && 'no redis-server' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const port = await freePort();
    const pidfile = path.join(dir, 'redis.pid');
    const result = await td(dir, reaper, pidfile, 'start', '--ready', 'log:Ready to accept connections', '--', '/usr/bin/redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(await accepts(port), 'redis accepts connections when start returns');
    assert.equal((await td(dir, reaper, pidfile, 'stop')).code, 0);
  });
});
