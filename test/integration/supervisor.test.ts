import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, supervisorDefaultLog, TDAEMON } from '../helpers/paths';
import { makeTestAccount } from '../helpers/account';
import { isDead, procStatusField, readPid, Reaper, sessionMembers, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';

const HAVE_SUPERVISORCTL = spawnSync('sh', ['-c', 'command -v supervisorctl'], { encoding: 'utf8' }).status === 0;

/** A supervisor of one config in a fresh directory; shut down, and everything it ran ended by pid, when the test ends. */
class Supervised {
  readonly reaper = new Reaper();
  readonly socket: string;
  readonly pidfile: string;

  constructor(readonly dir: string, readonly conf: string) {
    this.socket = path.join(dir, 'supervisor.sock');
    this.pidfile = path.join(dir, 'supervisord.pid');
  }

  async td(...args: string[]): Promise<RunResult> {
    const result = await run(TDAEMON, ['-c', this.conf, ...args], { cwd: this.dir, timeoutMs: 30000 });
    this.supervisorPid ??= readPid(this.pidfile);
    return result;
  }

  supervisorPid: number | null = null;

  ctl(...args: string[]): Promise<RunResult> {
    return run('supervisorctl', ['-c', this.conf, ...args], { cwd: this.dir, timeoutMs: 30000 });
  }

  /** The pid supervisorctl prints for NAME. */
  async pidOf(name: string): Promise<number> {
    const result = await this.td('pid', name);
    const pid = Number(result.stdout.trim());
    this.reaper.track(pid);
    return pid;
  }

  /** Shuts the supervisor down (it stops its programs), then ends by pid whatever is left. */
  async end(): Promise<void> {
    const pid = this.supervisorPid ?? readPid(this.pidfile);
    // A bare file keeps its pidfile elsewhere (the runtime directory): shut it down by its config all the same.
    if (pid === null) await this.td('shutdown');
    if (pid !== null && !isDead(pid)) {
      await this.td('shutdown');
      if (!isDead(pid)) process.kill(pid, 'SIGTERM');
      await waitFor(() => isDead(pid), 'the supervisor to end', 20000);
    }
    this.reaper.track(pid);
    await this.reaper.reap();
  }
}

/** A main config with a socket, pidfile and log in DIR, plus PROGRAMS. */
function supervised(t: { after: (fn: () => void | Promise<void>) => void }, programs: string, main = true): Supervised {
  // Made here, not by makeTempDir: the supervisor must be shut down before its directory goes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-sv-'));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'supervisord.conf');
  const header = main
    ? `[unix_http_server]\nfile=${dir}/supervisor.sock\n\n[supervisord]\npidfile=${dir}/supervisord.pid\nlogfile=${dir}/supervisord.log\nchildlogdir=${dir}\n\n[supervisorctl]\nserverurl=unix://${dir}/supervisor.sock\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n`
    : '';
  fs.writeFileSync(conf, header + programs.replaceAll('DIR', dir));
  const s = new Supervised(dir, conf);
  t.after(async () => {
    await s.end();
    fs.rmSync(dir, { recursive: true, force: true });
    if (!main) fs.rmSync(supervisorDefaultLog(conf), { force: true });
  });
  return s;
}

const SEED = `[program:server]
process_name=%(program_name)s_%(process_num)02d
command=/bin/sh -c "echo listening; exec sleep 1000" # 要执行的命令
autostart=true # 系统开机自动启动
autorestart=true # 进程终止自动重启
numprocs=1 # 启动进程数
redirect_stderr=true # 是否将标准错误重定向到标准输出
stdout_logfile=DIR/server.log # 指定标准输出保存的文件路径
`;

const STATUS_LINE = /^server:server_00 {17}RUNNING {3}pid (\d+), uptime 0:0\d:[0-5]\d\n$/;

describe('tdaemon -c: a supervisord config file under one supervisor', { concurrency: true }, () => {
  it('runs the seed as a bare file: up prints supervisorctl\'s status line, and shutdown leaves nothing', async (t) => {
    const s = supervised(t, SEED, false);
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stderr);
    const pid = Number(STATUS_LINE.exec(up.stdout)?.[1]);
    assert.ok(pid > 0, up.stdout);
    s.reaper.track(pid);
    const status = await s.td('status');
    assert.equal(status.code, 0);
    assert.match(status.stdout, STATUS_LINE);
    await waitFor(() => fs.readFileSync(path.join(s.dir, 'server.log'), 'utf8').includes('listening'), 'the program to write its log');
    const again = await s.td('up');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already runs/);
    const down = await s.td('shutdown');
    assert.equal(down.code, 0, down.stderr);
    assert.ok(isDead(pid));
  });

  it('runs the seed included from a main file, driven by the real supervisorctl', { skip: !HAVE_SUPERVISORCTL && 'supervisorctl is not installed' }, async (t) => {
    const s = supervised(t, '[include]\nfiles=conf.d/*.conf\n');
    fs.mkdirSync(path.join(s.dir, 'conf.d'));
    fs.writeFileSync(path.join(s.dir, 'conf.d', 'server.conf'), SEED.replaceAll('DIR', s.dir));
    assert.equal((await s.td('up')).code, 0);
    const ctlStatus = await s.ctl('status');
    assert.equal(ctlStatus.code, 0, ctlStatus.stdout);
    assert.match(ctlStatus.stdout, STATUS_LINE);
    const first = await s.pidOf('server:server_00');
    const stop = await s.ctl('stop', 'server:*');
    assert.equal(stop.stdout, 'server:server_00: stopped\n');
    assert.ok(isDead(first));
    const stopped = await s.ctl('status');
    assert.equal(stopped.code, 3);
    assert.match(stopped.stdout, /^server:server_00 {17}STOPPED {3}\w{3} \d\d \d\d:\d\d [AP]M\n$/);
    const start = await s.ctl('start', 'all');
    assert.equal(start.stdout, 'server:server_00: started\n');
    const second = await s.pidOf('server:server_00');
    assert.notEqual(second, first);
    const bad = await s.ctl('start', 'nosuch');
    assert.equal(bad.stdout + bad.stderr, 'nosuch: ERROR (no such process)\n');
    assert.equal((await s.ctl('pid', 'server:server_00')).stdout, `${second}\n`);
    assert.equal((await s.ctl('pid')).stdout, `${s.supervisorPid}\n`);
    assert.match((await s.ctl('avail')).stdout, /^server:server_00 +in use +auto +999:999\n$/);
    assert.match((await s.ctl('tail', 'server:server_00')).stdout, /listening\n/);
    assert.equal((await s.ctl('signal', 'CONT', 'server:server_00')).stdout, 'server:server_00: signalled\n');
    assert.equal((await s.ctl('reread')).stdout, 'No config updates to processes\n');
    assert.equal((await s.ctl('clear', 'server:server_00')).stdout, 'server:server_00: cleared\n');
    const restart = await s.ctl('restart', 'all');
    assert.equal(restart.stdout, 'server:server_00: stopped\nserver:server_00: started\n');
    assert.ok(isDead(second));
    const third = await s.pidOf('server:server_00');
    const shutdown = await s.ctl('shutdown');
    assert.equal(shutdown.stdout, 'Shut down\n');
    await waitFor(() => isDead(third), 'shutdown to stop the program');
  });

  it("stop ends the program's whole family, and kill -9 of a program respawns it", async (t) => {
    const s = supervised(t, '[program:family]\ncommand=sh -c "sleep 1000 & sleep 1000 & wait"\nstartsecs=0\n');
    assert.equal((await s.td('up')).code, 0);
    const leader = await s.pidOf('family');
    const members = await waitFor(() => (sessionMembers(leader).length === 3 ? sessionMembers(leader) : null), 'the shell and its two sleeps');
    s.reaper.track(...members);
    process.kill(leader, 'SIGKILL');
    const next = await waitFor(async () => {
      const pid = await s.pidOf('family');
      return pid !== leader && pid > 0 ? pid : null;
    }, 'the program to be respawned');
    for (const pid of members) await waitFor(() => isDead(pid), `pid ${pid} of the dead run to be ended`);
    const family = await waitFor(() => (sessionMembers(next).length === 3 ? sessionMembers(next) : null), 'the new run');
    s.reaper.track(...family);
    const stop = await s.td('stop', 'family');
    assert.equal(stop.stdout, 'family: stopped\n');
    for (const pid of family) assert.ok(isDead(pid), `pid ${pid} was stopped`);
  });

  it('a program starts with SIGHUP at its default, as under supervisord: signal HUP reaches a shell script\'s trap', async (t) => {
    const s = supervised(t, '[program:hup]\ncommand=sh -c "trap \'echo got-hup >> DIR/hups\' HUP; echo ready > DIR/ready; while :; do sleep 0.05; done"\nstartsecs=0\n');
    assert.equal((await s.td('up')).code, 0);
    const pid = await s.pidOf('hup');
    await waitFor(() => fs.existsSync(path.join(s.dir, 'ready')), 'the trap to be set');
    assert.equal((await s.td('signal', 'HUP', 'hup')).code, 0);
    await waitFor(() => fs.existsSync(path.join(s.dir, 'hups')), 'the trap to run');
    assert.equal(fs.readFileSync(path.join(s.dir, 'hups'), 'utf8'), 'got-hup\n');
    assert.equal(await s.pidOf('hup'), pid, 'the program survived its HUP');
  });

  it('status reads only what locates the supervisor: a program section broken since up does not stop it', async (t) => {
    const s = supervised(t, '[program:x]\ncommand=sleep 1000\nstartsecs=0\n');
    assert.equal((await s.td('up')).code, 0);
    s.reaper.track(await s.pidOf('x'));
    fs.appendFileSync(s.conf, 'autorestart=sometimes\n');
    const status = await s.td('status');
    assert.equal(status.code, 0);
    assert.match(status.stdout, /^x {32}RUNNING {3}pid \d+/);
  });

  it('a command that cannot be found goes FATAL with supervisor\'s message; the others run, and up exits 1 naming it', async (t) => {
    const s = supervised(t, '[program:good]\ncommand=sleep 1000\nstartsecs=0\n\n[program:bad]\ncommand=/nonexistent/x\nstartretries=1\n');
    const up = await s.td('up');
    assert.equal(up.code, 1);
    assert.match(up.stdout, /^bad {30}FATAL {5}can't find command '\/nonexistent\/x'\ngood {29}RUNNING {3}pid \d+/);
    assert.match(up.stderr, /bad failed: can't find command '\/nonexistent\/x'/);
    const status = await s.td('status', 'good');
    assert.equal(status.code, 0);
    const both = await s.td('status');
    assert.equal(both.code, 3);
  });

  it('a run that dies before startsecs backs off, then is FATAL after startretries', async (t) => {
    const s = supervised(t, '[program:flaky]\ncommand=sh -c "echo trying; exit 1"\nstartsecs=1\nstartretries=2\n');
    const up = await s.td('up');
    assert.equal(up.code, 1);
    assert.match(up.stdout, /^flaky {28}FATAL {5}Exited too quickly \(process log may have details\)\n$/);
    const log = fs.readFileSync(path.join(s.dir, 'supervisord.log'), 'utf8');
    assert.equal((log.match(/spawned: 'flaky'/g) ?? []).length, 3);
    assert.match(log, /gave up: flaky entered FATAL state, too many start retries too quickly/);
  });

  it('a config error is one line naming the file, section and key, exit 2, and starts nothing', async (t) => {
    const s = supervised(t, '[program:x]\ncommand=sleep 1000\nautorestart=sometimes\n');
    const up = await s.td('up');
    assert.equal(up.code, 2);
    assert.equal(up.stdout, '');
    assert.match(up.stderr, /^tdaemon: [^\n]*supervisord\.conf[^\n]*\[program:x\][^\n]*autorestart[^\n]*sometimes[^\n]*\n$/);
    assert.ok(!fs.existsSync(s.socket));
    const missing = await run(TDAEMON, ['-c', path.join(s.dir, 'nope.conf'), 'up']);
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /^tdaemon: [^\n]*nope\.conf[^\n]*\n$/);
  });

  it('numprocs and groups: one line per process, group:* selects a group', async (t) => {
    const s = supervised(
      t,
      '[program:web]\nprocess_name=web_%(process_num)d\nnumprocs=2\nnumprocs_start=1\ncommand=sleep 1000\nstartsecs=0\n\n' +
        '[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n[program:b]\ncommand=sleep 1000\nstartsecs=0\n\n[group:pair]\nprograms=a,b\n',
    );
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stderr);
    const names = up.stdout.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(names, ['pair:a', 'pair:b', 'web:web_1', 'web:web_2']);
    for (const name of names) await s.pidOf(name);
    const stop = await s.td('stop', 'pair:*');
    assert.equal(stop.stdout, 'pair:a: stopped\npair:b: stopped\n');
    const status = await s.td('status', 'web:*');
    assert.equal(status.code, 0);
    assert.equal(status.stdout.split('\n').filter(Boolean).length, 2);
  });

  it('reread and update: added programs start, removed ones stop, changed ones restart, the others keep their pids', async (t) => {
    const program = (name: string, command = 'sleep 1000') => `[program:${name}]\ncommand=${command}\nstartsecs=0\n\n`;
    const s = supervised(t, program('keep') + program('change') + program('drop'));
    assert.equal((await s.td('up')).code, 0);
    const keep = await s.pidOf('keep');
    const change = await s.pidOf('change');
    const drop = await s.pidOf('drop');
    const text = fs.readFileSync(s.conf, 'utf8');
    fs.writeFileSync(s.conf, text.replace(program('change'), program('change', 'sleep 1001')).replace(program('drop'), program('add')));
    const reread = await s.td('reread');
    assert.equal(reread.stdout, 'add: available\nchange: changed\ndrop: disappeared\n');
    const update = await s.td('update');
    assert.equal(update.code, 0, update.stdout);
    assert.equal(update.stdout, 'drop: stopped\ndrop: removed process group\nchange: stopped\nchange: updated process group\nadd: added process group\n');
    assert.equal(await s.pidOf('keep'), keep, 'an untouched program keeps its pid');
    assert.ok(isDead(change) && isDead(drop));
    assert.notEqual(await s.pidOf('change'), change);
    assert.ok((await s.pidOf('add')) > 0);
    const avail = await s.td('avail');
    assert.deepEqual(avail.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]), ['add', 'change', 'keep']);
  });

  it('a program that reaches RUNNING and then keeps dying is FATAL by the crash-loop rule of its tdaemon_* keys', async (t) => {
    const s = supervised(t, '[program:loop]\ncommand=sh -c "sleep 0.3; exit 1"\nstartsecs=0\ntdaemon_backoff_max=0.2\ntdaemon_crash_limit=4\n');
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stdout);
    await waitFor(async () => (await s.td('status', 'loop')).stdout.includes('FATAL'), 'the crash loop to be given up', 20000);
    const log = fs.readFileSync(path.join(s.dir, 'supervisord.log'), 'utf8');
    assert.equal((log.match(/spawned: 'loop'/g) ?? []).length, 5);
    assert.match(log, /gave up: loop entered FATAL state, 5 deaths in 60 s/);
  });

  it('rotates a log by stdout_logfile_maxbytes, keeping every line whole, with stderr redirected into it', async (t) => {
    const writer = 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "line $i of the rotation test"; echo "err $i" >&2; done; exec sleep 1000';
    const s = supervised(t, `[program:chatty]\ncommand=sh -c '${writer}'\nstartsecs=0\nredirect_stderr=true\nstdout_logfile=DIR/chatty.log\nstdout_logfile_maxbytes=2KB\nstdout_logfile_backups=20\n`);
    assert.equal((await s.td('up')).code, 0);
    await s.pidOf('chatty');
    const files = () => fs.readdirSync(s.dir).filter((f) => f.startsWith('chatty.log')).sort();
    const text = () => files().map((f) => fs.readFileSync(path.join(s.dir, f), 'utf8'));
    await waitFor(() => text().join('').includes('line 300 of'), 'the writer to finish');
    assert.ok(files().length > 5, `rotated into ${files().join(' ')}`);
    for (const chunk of text()) {
      assert.ok(Buffer.byteLength(chunk) <= 2048 + 64, `a file holds ${Buffer.byteLength(chunk)} bytes`);
      assert.ok(chunk === '' || chunk.endsWith('\n'), 'no line is split across files');
    }
    const lines = text().join('').split('\n').filter(Boolean);
    assert.equal(lines.filter((l) => l.startsWith('line ')).length, 300);
    assert.equal(lines.filter((l) => l.startsWith('err ')).length, 300);
  });

  it("user= runs the program with the user's ids, supplementary groups, HOME, USER and LOGNAME", { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
    const account = await makeTestAccount(t);
    const s = supervised(t, `[program:as]\ncommand=sleep 1000\nuser=${account.user}\nstartsecs=0\n`);
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const pid = await s.pidOf('as');
    assert.equal(procStatusField(pid, 'Uid'), `${account.uid}\t${account.uid}\t${account.uid}\t${account.uid}`);
    assert.equal(procStatusField(pid, 'Gid'), `${account.gid}\t${account.gid}\t${account.gid}\t${account.gid}`);
    const groups = procStatusField(pid, 'Groups')!.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
    assert.deepEqual(groups, [account.gid, account.extraGid].sort((a, b) => a - b));
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    for (const entry of ['HOME=/nonexistent', `USER=${account.user}`, `LOGNAME=${account.user}`]) assert.ok(env.includes(entry), `${entry} in its environment`);
    assert.equal((await s.td('shutdown')).code, 0);
  });

  it('a supervisor SIGKILLed loses nothing: the next up adopts its programs (no duplicate), stops and respawns them', async (t) => {
    const s = supervised(t, '[program:kept]\ncommand=sh -c "sleep 1000 & wait"\nstartsecs=0\nstdout_logfile_maxbytes=0\n\n[program:other]\ncommand=sleep 1000\nstartsecs=0\nstdout_logfile_maxbytes=0\n');
    assert.equal((await s.td('up')).code, 0);
    const kept = await s.pidOf('kept');
    const other = await s.pidOf('other');
    const family = await waitFor(() => (sessionMembers(kept).length === 2 ? sessionMembers(kept) : null), "kept's shell and its sleep");
    s.reaper.track(...family);
    const first = s.supervisorPid!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => isDead(first), 'the supervisor to die');
    assert.ok(!isDead(kept) && !isDead(other), 'its programs run on');
    s.supervisorPid = null;
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stderr);
    assert.notEqual(s.supervisorPid, first);
    assert.equal(up.stdout.split('\n').filter(Boolean).length, 2, 'each program once');
    assert.equal(await s.pidOf('kept'), kept, 'adopted, not started again');
    assert.equal(await s.pidOf('other'), other);
    const log = fs.readFileSync(path.join(s.dir, 'supervisord.log'), 'utf8');
    assert.match(log, /adopted: 'kept' with pid \d+/);
    process.kill(other, 'SIGKILL');
    const respawned = await waitFor(async () => {
      const pid = await s.pidOf('other');
      return pid !== other && pid > 0 ? pid : null;
    }, 'the adopted program to be respawned after its death');
    assert.ok(respawned > 0);
    const stop = await s.td('stop', 'kept');
    assert.equal(stop.stdout, 'kept: stopped\n');
    for (const pid of family) assert.ok(isDead(pid), `pid ${pid} of the adopted program was stopped`);
  });

  it('a supervisor SIGKILLed loses no line of a program writing through rotating logs: no SIGPIPE, and what it wrote meanwhile reaches the logs', async (t) => {
    // A numbered line every 30 ms on stdout and on stderr (kept apart), and the number in a side file that shows progress while no supervisor reads.
    const writer = 'i=0; while :; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; echo $i > DIR/counter; sleep 0.03; done';
    const s = supervised(t, `[program:num]\ncommand=sh -c '${writer}'\nstartsecs=0\nstdout_logfile=DIR/out.log\nstdout_logfile_maxbytes=300\nstdout_logfile_backups=100\nstderr_logfile=DIR/err.log\n`);
    assert.equal((await s.td('up')).code, 0);
    const pid = await s.pidOf('num');
    const counter = () => Number(fs.readFileSync(path.join(s.dir, 'counter'), 'utf8').trim() || 0);
    const holders = () => (JSON.parse(fs.readFileSync(`${s.pidfile}.runs`, 'utf8')) as { holders: Array<{ pid: number }> }).holders.map((h) => h.pid);
    const [holder] = holders();
    assert.ok(holder > 0 && !isDead(holder), 'a pipe holder runs');
    s.reaper.track(holder);
    assert.match(fs.readFileSync(`/proc/${holder}/cmdline`, 'utf8'), /^tdaemon-pipe-holder\0infinity\0$/);
    if (process.arch === 'x64') {
      // The 185-byte program the build writes (scripts/pipe-holder.js), not sleep(1).
      assert.equal(fs.readlinkSync(`/proc/${holder}/exe`), path.join(ROOT, 'dist', 'tdaemon-pipe-holder-x64'));
      const rssKb = parseInt(procStatusField(holder, 'VmRSS') ?? '', 10);
      assert.ok(rssKb < 100, `the holder's VmRSS is ${rssKb} kB`);
    }
    // Oldest first: FILE.N ... FILE.1, FILE.
    const age = (file: string) => Number(/\.(\d+)$/.exec(file)?.[1] ?? 0);
    const logFiles = (prefix: string) => fs.readdirSync(s.dir).filter((f) => f.startsWith(prefix)).sort((x, y) => age(y) - age(x));
    const logText = (prefix: string) => logFiles(prefix).map((f) => fs.readFileSync(path.join(s.dir, f), 'utf8')).join('');
    await waitFor(() => logText('out.log').includes('out 10\n'), 'the first lines in the log');
    const first = s.supervisorPid!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => isDead(first), 'the supervisor to die');
    s.supervisorPid = null;
    // About a second of output while nothing reads the pipes.
    const atKill = counter();
    await waitFor(() => counter() >= atKill + 30, 'the program to write on while no supervisor runs');
    assert.ok(!isDead(pid), 'no SIGPIPE: the program runs on');
    const up = await s.td('up');
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await s.pidOf('num'), pid, 'adopted');
    await waitFor(() => isDead(holder), 'the old pipe holder to be ended by the new supervisor');
    const [second] = holders();
    s.reaper.track(second);
    assert.ok(second !== holder && !isDead(second), 'the new supervisor has its own holder');
    const later = counter() + 10;
    await waitFor(() => logText('out.log').includes(`out ${later}\n`) && logText('err.log').includes(`err ${later}\n`), 'lines written after the new up');
    const stop = await s.td('stop', 'num');
    assert.equal(stop.code, 0, stop.stdout);
    const last = counter();
    for (const channel of ['out', 'err']) {
      const numbers = logText(`${channel}.log`).split('\n').filter(Boolean).map((line) => {
        assert.match(line, new RegExp(`^${channel} \\d+$`), `a whole line of ${channel}`);
        return Number(line.split(' ')[1]);
      });
      const sorted = [...numbers].sort((a, b) => a - b);
      assert.deepEqual(sorted, Array.from({ length: sorted.length }, (_, i) => i + 1), `${channel}: every number from 1 once`);
      assert.ok(sorted.length >= last - 1, `${channel}: ${sorted.length} lines, the program counted ${last}`);
      assert.deepEqual(numbers, sorted, `${channel}: in order`);
    }
    assert.ok(logFiles('out.log').length > 1, `stdout rotated: ${logFiles('out.log').join(' ')}`);
    assert.equal((await s.td('shutdown')).code, 0);
    assert.ok(isDead(second), 'shutdown ends the pipe holder');
    assert.ok(!fs.existsSync(`${s.pidfile}.pipes`), 'and removes the FIFOs');
  });
});
