// Servers that put themselves in the background, for real: Debian's nginx
// with its stock `daemon on`, and redis-server with --daemonize yes. Both
// call setsid and rewrite their environment area for their process title,
// so neither the session nor the TDAEMON_PIDFILE tag finds them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cgroup2Mount } from '../../src/os/cgroup';
import { binsForNobody, TDAEMON } from '../helpers/paths';
import { isDead, isRunning, readPid, Reaper, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';
import { freePort } from '../helpers/web-supervisor';

type Context = Parameters<typeof makeTempDir>[0];

/** Whether this machine lets tdaemon make a cgroup (root, and a writable cgroup2 mount), as start will try. */
function cgroupsWork(): boolean {
  const mount = cgroup2Mount();
  if (!IS_ROOT || mount === null) return false;
  const probe = path.join(mount, `tdaemon-test-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}
const CGROUPS = cgroupsWork();

function td(dir: string, ...args: string[]): Promise<RunResult> {
  return run(TDAEMON, args, { cwd: dir, timeoutMs: 40000 });
}

/**
 * A fresh directory, and a reaper that ends by pid whatever the test
 * started: what it tracked, and, even when the test failed before tracking
 * them, the processes whose command line holds a marker given to WATCH (a
 * server's config path, or its port while it is bound) and their children.
 */
function setUp(t: Context): { dir: string; reaper: Reaper; watch: (marker: string) => void } {
  const reaper = new Reaper();
  const markers: string[] = [];
  // After-hooks run in order: the markers are looked up before the reaping.
  t.after(() => reaper.track(...markers.flatMap(processesWith)));
  t.after(() => reaper.reap());
  const dir = makeTempDir(t, 'tdaemon-forking-');
  return { dir, reaper, watch: (marker) => markers.push(marker) };
}

/** nginx as Debian ships it (daemon on, two workers), on PORT, with every file it writes in DIR. */
function nginxConfig(dir: string, port: number): string {
  const conf = path.join(dir, 'nginx.conf');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`).join('\n');
  fs.writeFileSync(
    conf,
    `pid ${path.join(dir, 'nginx.pid')};\nerror_log ${path.join(dir, 'error.log')};\nworker_processes 2;\nevents {}\n` +
      `http {\n  access_log off;\n${temp}\n  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } }\n}\n`,
  );
  return conf;
}

function redisCommand(dir: string, port: number): string[] {
  return ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', path.join(dir, 'redis.pid'), '--dir', dir, '--logfile', path.join(dir, 'redis.log'), '--save', ''];
}

/** Live processes whose command line (as they rewrote it) holds TEXT, and their children. */
function processesWith(text: string): number[] {
  const found = new Set<number>();
  const table: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.push({ pid: Number(name), ppid, cmdline: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // gone
    }
  }
  for (const p of table) if (p.cmdline.includes(text) && isRunning(p.pid)) found.add(p.pid);
  for (const p of table) if (found.has(p.ppid) && isRunning(p.pid)) found.add(p.pid);
  return [...found].sort((a, b) => a - b);
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Whether anything accepts connections on PORT. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** redis's PING, by its inline protocol. */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').once('data', (data: string) => {
      socket.destroy();
      resolve(data);
    });
    socket.on('error', reject);
  });
}

const servers = [
  {
    name: 'nginx',
    prepare: (dir: string, port: number) => ({ command: ['nginx', '-c', nginxConfig(dir, port)], own: path.join(dir, 'nginx.pid'), marker: path.join(dir, 'nginx.conf') }),
    answers: async (port: number) => assert.equal(await get(port), 'ok\n'),
    processes: 3,
  },
  {
    name: 'redis-server',
    prepare: (dir: string, port: number) => ({ command: redisCommand(dir, port), own: path.join(dir, 'redis.pid'), marker: `127.0.0.1:${port}` }),
    answers: async (port: number) => assert.equal(await ping(port), '+PONG\r\n'),
    processes: 1,
  },
];

describe('tdaemon start --forking with real servers', { concurrency: true }, () => {
  for (const server of servers) {
    it(`${server.name}: start, status, restart (and nginx's reload) and stop track the pid it writes, and stop ends every process of it`, async (t) => {
      const { dir, reaper, watch } = setUp(t);
      const port = await freePort();
      const { command, own, marker } = server.prepare(dir, port);
      watch(marker);
      const pidfile = path.join(dir, 'web.pid');
      const start = await td(dir, '--pidfile', pidfile, 'start', '--forking', '--command-pidfile', own, '--', ...command);
      reaper.track(...processesWith(marker), readPid(own));
      assert.equal(start.stderr, '');
      assert.equal(start.code, 0);
      const main = readPid(own)!;
      assert.equal(start.stdout, `tdaemon: web started (pid ${main}); log ${path.join(dir, 'web.log')}\n`);
      assert.equal(readPid(pidfile), main, "tdaemon's pidfile names the server's main process");
      await server.answers(port);
      const first = await waitFor(() => (processesWith(marker).length === server.processes ? processesWith(marker) : null), `${server.processes} processes of ${server.name}`);
      assert.ok(first.includes(main));

      const status = await td(dir, '--pidfile', pidfile, 'status');
      assert.equal(status.code, 0, status.stdout);
      assert.match(status.stdout, new RegExp(`^web: running \\(pid ${main}, up \\d+s\\) ${command[0]} `));
      const json = JSON.parse((await td(dir, '--pidfile', pidfile, 'status', '--json')).stdout) as { pid: number };
      assert.equal(json.pid, main);

      if (server.name === 'nginx') {
        const reload = await td(dir, '--pidfile', pidfile, 'reload');
        assert.equal(reload.stdout, `tdaemon: sent SIGHUP to web (pid ${main})\n`);
        // nginx starts new workers and ends the old ones: the master stays.
        await waitFor(() => first.filter((pid) => pid !== main).every(isDead), 'the old workers to end');
        reaper.track(...processesWith(marker));
        assert.ok(isRunning(main));
      }
      const before = processesWith(marker);

      const restart = await td(dir, '--pidfile', pidfile, 'restart');
      reaper.track(...processesWith(marker), readPid(own));
      assert.equal(restart.code, 0, restart.stderr);
      const main2 = readPid(own)!;
      assert.notEqual(main2, main);
      assert.equal(restart.stdout, `tdaemon: web stopped (pid ${main})\ntdaemon: web started (pid ${main2}); log ${path.join(dir, 'web.log')}\n`);
      assert.deepEqual(before.filter(isRunning), [], 'every process of the first server ended');
      await server.answers(port);
      const second = await waitFor(() => (processesWith(marker).length === server.processes ? processesWith(marker) : null), 'the restarted server');

      const stop = await td(dir, '--pidfile', pidfile, 'stop');
      assert.equal(stop.stdout, `tdaemon: web stopped (pid ${main2})\n`);
      assert.equal(stop.code, 0);
      assert.deepEqual(second.filter(isRunning), [], 'every process of the server ended, checked by pid');
      assert.equal(await listening(port), false, 'the port is free');
      assert.ok(!fs.existsSync(pidfile));
      assert.equal((await td(dir, '--pidfile', pidfile, 'status')).code, 3);
      if (server.name === 'redis-server') {
        const log = fs.readFileSync(path.join(dir, 'redis.log'), 'utf8');
        assert.equal(log.match(/Received SIGTERM/g)?.length, 2, 'one SIGTERM for each of the two stops (restart, stop)');
      }
    });

    it(`${server.name} without --forking: start exits 1, names and stops what it left; a start --forking then gets the port`, async (t) => {
      const { dir, reaper, watch } = setUp(t);
      const port = await freePort();
      const { command, own, marker } = server.prepare(dir, port);
      watch(marker);
      const pidfile = path.join(dir, 'web.pid');
      const start = await td(dir, '--pidfile', pidfile, 'start', '--', ...command);
      const left = processesWith(marker);
      reaper.track(...left, readPid(own));
      assert.equal(start.code, 1, start.stderr);
      assert.equal(start.stdout, '');
      if (CGROUPS) {
        assert.match(start.stderr, /^tdaemon: web: the command put itself in the background \(pids [\d ]+ still ran; now killed\); run it in the foreground, without '&' or a daemonize option \(nginx -g 'daemon off;', redis-server --daemonize no\), or start it with --forking --command-pidfile FILE\n$/);
        assert.deepEqual(left, [], 'nothing of the server runs');
        assert.equal(await listening(port), false);
      } else {
        // No cgroup: named, left running; the test ends them.
        assert.match(start.stderr, /^tdaemon: web: the command exited 0 and put itself in the background: pids [\d ]+ run its program/);
        for (const pid of left) process.kill(pid, 'SIGKILL');
        await waitFor(() => left.every(isDead), 'the server to end');
      }
      assert.ok(!fs.existsSync(pidfile));
      const again = await td(dir, '--pidfile', pidfile, 'start', '--forking', '--command-pidfile', own, '--', ...command);
      reaper.track(...processesWith(marker), readPid(own));
      assert.equal(again.code, 0, again.stderr);
      await server.answers(port);
      const running = processesWith(marker);
      assert.equal((await td(dir, '--pidfile', pidfile, 'stop')).code, 0);
      assert.deepEqual(running.filter(isRunning), []);
    });
  }

  it('a forking command that fails: exit 1 with its log tail, nothing left running', async (t) => {
    const { dir, reaper, watch } = setUp(t);
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    t.after(() => blocker.close());
    await new Promise((resolve) => blocker.once('listening', resolve));
    const conf = nginxConfig(dir, port);
    watch(conf);
    const pidfile = path.join(dir, 'web.pid');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--forking', '--command-pidfile', path.join(dir, 'nginx.pid'), '--', 'nginx', '-c', conf);
    reaper.track(...processesWith(conf));
    assert.equal(start.code, 1);
    assert.match(start.stderr, /^tdaemon: web: the command exited with status 1 \(with --forking it must exit 0 once the server is in the background\); last lines of \S+web\.log:\n/);
    assert.match(start.stderr, /Address already in use/);
    assert.deepEqual(processesWith(conf), []);
    assert.ok(!fs.existsSync(pidfile));
  });

  it('a command pidfile that is never written: exit 1, and what the command left is stopped', async (t) => {
    const { dir, reaper, watch } = setUp(t);
    const port = await freePort();
    const { command, marker } = servers[1].prepare(dir, port);
    watch(marker);
    const pidfile = path.join(dir, 'web.pid');
    const wrong = path.join(dir, 'elsewhere.pid');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--forking', '--command-pidfile', wrong, '--', ...command);
    const left = processesWith(marker);
    reaper.track(...left);
    assert.equal(start.code, 1);
    if (CGROUPS) {
      assert.match(start.stderr, new RegExp(`^tdaemon: web: the command exited 0, but ${wrong} was not written within 10 s \\(pids \\d+ of it stopped\\); last lines of `));
      assert.deepEqual(left, []);
    } else {
      assert.match(start.stderr, new RegExp(`^tdaemon: web: the command exited 0, but ${wrong} was not written within 10 s \\(pids \\d+ run its program, started since, and were left running\\); last lines of `));
    }
    assert.ok(!fs.existsSync(pidfile));
  });

  it('a server already running outside tdaemon is not started twice', async (t) => {
    const { dir, reaper, watch } = setUp(t);
    const port = await freePort();
    const conf = nginxConfig(dir, port);
    watch(conf);
    const own = path.join(dir, 'nginx.pid');
    const direct = await run('nginx', ['-c', conf]);
    reaper.track(...processesWith(conf), readPid(own));
    assert.equal(direct.code, 0, direct.stderr);
    const master = await waitFor(() => readPid(own), 'nginx to write its pidfile');
    const pidfile = path.join(dir, 'web.pid');
    const start = await td(dir, '--pidfile', pidfile, 'start', '--forking', '--command-pidfile', own, '--', 'nginx', '-c', conf);
    assert.equal(start.code, 1);
    assert.match(start.stderr, new RegExp(`^tdaemon: web: ${own} names pid ${master}, which runs /usr/sbin/nginx: the server already runs outside tdaemon; stop it first\\n$`));
    assert.ok(isRunning(master), 'the running nginx was left alone');
    assert.ok(!fs.existsSync(pidfile));
  });

  for (const [args, message] of [
    [['--forking'], 'tdaemon: --forking needs --command-pidfile FILE, the pidfile the command writes\n'],
    [['--command-pidfile', 'x.pid'], 'tdaemon: --command-pidfile needs --forking\n'],
    [['--forking', '--command-pidfile', 'x.pid', '--respawn'], "tdaemon: --forking cannot be combined with --respawn: run the server in the foreground under --respawn (nginx -g 'daemon off;', redis-server --daemonize no)\n"],
  ] as const) {
    it(`start ${args.join(' ')}: one line, exit 2, nothing started`, async (t) => {
      const { dir } = setUp(t);
      const result = await td(dir, '--pidfile', path.join(dir, 'web.pid'), 'start', ...args, '--', 'true');
      assert.equal(result.code, 2);
      assert.equal(result.stderr, message);
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  }

  it('as an ordinary user (no cgroup): --forking works, and without it the pids left are named, not signalled', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const { dir, reaper, watch } = setUp(t);
    fs.chownSync(dir, 65534, 65534);
    const { tdaemon } = binsForNobody(dir);
    const asNobody = (...args: string[]): Promise<RunResult> => run('runuser', ['-u', 'nobody', '--', tdaemon, ...args], { cwd: dir, timeoutMs: 40000 });
    const port = await freePort();
    const { command, own, marker } = servers[1].prepare(dir, port);
    watch(marker);
    const start = await asNobody('--pidfile', path.join(dir, 'web.pid'), 'start', '--', ...command);
    const left = processesWith(marker);
    reaper.track(...left);
    assert.equal(start.code, 1);
    assert.equal(left.length, 1, 'redis still runs');
    assert.equal(
      start.stderr,
      `tdaemon: web: the command exited 0 and put itself in the background: pids ${left[0]} run its program, started since, and were left running ` +
        "(without a cgroup, which needs root, tdaemon cannot tell them for sure); run it in the foreground (nginx -g 'daemon off;', redis-server --daemonize no), " +
        'or start it with --forking --command-pidfile FILE\n',
    );
    process.kill(left[0], 'SIGTERM');
    await waitFor(() => isDead(left[0]) && !fs.existsSync(own), 'redis to end');

    // By name this time, in nobody's own directory (no home: /tmp/tdaemon-UID): list shows it too.
    const name = `web-${process.pid}-${Date.now()}`;
    const runtime = '/tmp/tdaemon-65534';
    t.after(() => {
      for (const suffix of ['.pid', '.state', '.environ', '.log']) fs.rmSync(path.join(runtime, name + suffix), { force: true });
    });
    const byName = (...args: string[]): Promise<RunResult> => run('runuser', ['-u', 'nobody', '--', tdaemon, '--name', name, ...args], { cwd: dir, timeoutMs: 40000 });
    const forking = await byName('start', '--forking', '--command-pidfile', own, '--', ...command);
    reaper.track(...processesWith(marker), readPid(own));
    assert.equal(forking.code, 0, forking.stderr);
    const main = readPid(own)!;
    assert.equal(readPid(path.join(runtime, `${name}.pid`)), main);
    assert.equal(await ping(port), '+PONG\r\n');
    const list = await run('runuser', ['-u', 'nobody', '--', tdaemon, 'list', '--json'], { cwd: dir });
    const rows = JSON.parse(list.stdout) as Array<{ name: string; state: string; pid: number }>;
    assert.deepEqual(rows.filter((row) => row.name === name).map(({ name, state, pid }) => ({ name, state, pid })), [{ name, state: 'running', pid: main }]);
    assert.equal((await byName('logs', '-n', '1')).code, 0);
    const stop = await byName('stop');
    assert.equal(stop.stdout, `tdaemon: ${name} stopped (pid ${main})\n`);
    assert.ok(isDead(main));
  });
});
