// tdaemon export: every unit it writes passes `systemd-analyze verify`
// (Debian's systemd package; it runs without systemd as PID 1), and a daemon
// exported as a [program:x] section runs under the real supervisord with the
// command, directory, environment and umask it had under tdaemon.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { nodeConfigDeps } from '../../src/app/config-deps';
import { loadConfig } from '../../src/config';
import { findGroup, findUser } from '../../src/os/accounts';
import { readState } from '../../src/os/state-file';
import { fixture, ROOT } from '../helpers/paths';
import { isDead, Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';
import { valueOf } from '../helpers/unit-file';
import { tdaemonIn } from '../helpers/daemon-test';

type Context = Parameters<typeof makeTempDir>[0];

const have = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const HAVE_ANALYZE = have('systemd-analyze');

/** Where PATH finds COMMAND, as start and export find it. */
function findInPath(command: string): string {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
}
const HAVE_SUPERVISORD = have('supervisord');

const td = tdaemonIn;

/**
 * What verify may say of a good unit: systemd before 254 does not know the
 * backoff keys (the unit says so), and it frowns on User=nobody.
 */
const HARMLESS = [/Unknown key '(RestartSteps|RestartMaxDelaySec)' in section \[Service\], ignoring\.$/, /Special user nobody configured, this is not safe!$/];

/** Verifies every unit in DIR: services, targets, and each instance that has a drop-in. */
async function verifyAll(dir: string): Promise<string[]> {
  const names = fs.readdirSync(dir);
  const units = names.filter((n) => /(?<!@)\.(service|target)$/.test(n));
  const instances = names.filter((n) => n.endsWith('.service.d')).map((n) => n.slice(0, -2));
  for (const template of names.filter((n) => n.endsWith('@.service'))) {
    assert.ok(instances.some((i) => i.startsWith(template.slice(0, -8))), `no instance of ${template} to verify`);
  }
  const all = [...units, ...instances];
  const result = await run('systemd-analyze', ['verify', ...all.map((n) => path.join(dir, n))], { cwd: dir, timeoutMs: 30000 });
  const complaints = result.stderr.split('\n').filter((line) => line !== '' && !HARMLESS.some((re) => re.test(line)));
  assert.deepEqual(complaints, []);
  assert.equal(result.code, 0, result.stderr);
  return all;
}

function seed(dir: string): string {
  fs.mkdirSync(path.join(dir, 'conf.d'));
  fs.mkdirSync(path.join(dir, 'log'));
  fs.writeFileSync(
    path.join(dir, 'conf.d', 'server.conf'),
    `[program:server]
process_name=%(program_name)s_%(process_num)02d
command=node ${fixture('report-self.js')} # 要执行的命令
autostart=true # 系统开机自动启动
autorestart=true # 进程终止自动重启
user=nobody # 用户
numprocs=1 # 启动进程数
redirect_stderr=true # 是否将标准错误重定向到标准输出
stdout_logfile=%(here)s/../log/server.log # 指定标准输出保存的文件路径
`,
  );
  const main = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(main, '[supervisord]\nlogfile=%(here)s/log/sd.log\n\n[include]\nfiles = conf.d/*.conf\n');
  return main;
}

describe('tdaemon export systemd: systemd-analyze verify accepts every unit', { skip: !HAVE_ANALYZE && 'systemd-analyze is not installed (apt-get install systemd)', concurrency: true }, () => {
  it('the seed of issue 10, included from a main file', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const main = seed(dir);
    fs.mkdirSync(path.join(dir, 'units'));
    const result = await td(dir, '-c', main, 'export', 'systemd', '--dir', 'units');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^tdaemon: export: server: stdout_logfile_maxbytes=50MB, stdout_logfile_backups=10: systemd does not rotate by size; [^\n]*\n$/);
    const units = await verifyAll(path.join(dir, 'units'));
    assert.deepEqual(units.sort(), ['supervisord-server.service', 'supervisord.target']);
    const unit = fs.readFileSync(path.join(dir, 'units', 'supervisord-server.service'), 'utf8');
    assert.equal(valueOf(unit, 'Service', 'ExecStart'), `${findInPath('node')} ${fixture('report-self.js')}`);
    assert.equal(valueOf(unit, 'Service', 'StandardOutput'), `append:${dir}/log/server.log`);
    assert.match(result.stdout, /^tdaemon: next: systemctl daemon-reload && systemctl enable --now supervisord\.target$/m);
  });

  it('a config that uses every key, with a template and its instances', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    fs.mkdirSync(path.join(dir, 'log'));
    const conf = path.join(dir, 'every.conf');
    fs.writeFileSync(
      conf,
      `[supervisord]
umask=027
minfds=4096
minprocs=300
environment=BASE="b"

[program:all]
command=sleep 100%(process_num)d
process_name=%(program_name)s_%(process_num)d
numprocs=2
numprocs_start=5
priority=10
autostart=false
autorestart=unexpected
startsecs=5
startretries=20
exitcodes=2,3
stopsignal=INT
stopwaitsecs=0
stopasgroup=false
killasgroup=true
user=nobody
redirect_stderr=false
stdout_logfile=%(here)s/log/%(process_num)d.out
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=3
stdout_capture_maxbytes=1KB
stdout_events_enabled=true
stdout_syslog=true
stderr_logfile=NONE
stderr_syslog=true
environment=NUM="%(process_num)d",TEXT="a \\"quoted\\" 100%% value"
directory=%(here)s
umask=002
serverurl=AUTO
tdaemon_min_uptime=5
tdaemon_backoff_max=60
tdaemon_crash_limit=none
tdaemon_crash_window=120
tdaemon_wait_priority=true
tdaemon_fatal_exits=true

[program:first]
command=/bin/sh -c "exec sleep 1000"
priority=1
`,
    );
    fs.mkdirSync(path.join(dir, 'units'));
    const result = await td(dir, '-c', conf, 'export', 'systemd', '--dir', 'units', '--prefix', 'every');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stderr.trimEnd().split('\n');
    assert.ok(lines.length >= 5 && lines.every((line) => line.startsWith('tdaemon: export: all: ')), result.stderr);
    const units = await verifyAll(path.join(dir, 'units'));
    assert.deepEqual(units.sort(), ['every-all@5.service', 'every-all@6.service', 'every-first.service', 'every.target']);
  });

  it('the supervisor itself (--supervisor)', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const main = seed(dir);
    fs.mkdirSync(path.join(dir, 'units'));
    const result = await td(dir, '-c', main, 'export', 'systemd', '--supervisor', '--dir', 'units', '--prefix', 'sv');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await verifyAll(path.join(dir, 'units')), ['sv.service']);
    const unit = fs.readFileSync(path.join(dir, 'units', 'sv.service'), 'utf8');
    assert.equal(valueOf(unit, 'Service', 'ExecStart'), `${path.join(ROOT, 'bin', 'tdaemon')} -c ${main} supervise`);
    assert.equal(valueOf(unit, 'Service', 'KillMode'), 'mixed');
  });
});

describe('tdaemon export: printing and writing files', { concurrency: true }, () => {
  it('prints several files, each after a # ==> NAME <== line', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const result = await td(dir, '-c', seed(dir), 'export', 'systemd', '--prefix', 'p');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.match(/^# ==> .* <==$/gm), ['# ==> p-server.service <==', '# ==> p.target <==']);
  });

  it('leaves an equal file alone, refuses to replace another without --force, and replaces it with', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const main = seed(dir);
    const out = path.join(dir, 'units');
    fs.mkdirSync(out);
    assert.equal((await td(dir, '-c', main, 'export', 'systemd', '--dir', out)).code, 0);
    const again = await td(dir, '-c', main, 'export', 'systemd', '--dir', out);
    assert.match(again.stdout, /^tdaemon: unchanged .*supervisord-server\.service$/m);
    const unit = path.join(out, 'supervisord-server.service');
    fs.writeFileSync(unit, '# mine\n');
    const refused = await td(dir, '-c', main, 'export', 'systemd', '--dir', out);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /supervisord-server\.service exists with other content; nothing written: --force replaces it/);
    assert.equal(fs.readFileSync(unit, 'utf8'), '# mine\n');
    const forced = await td(dir, '-c', main, 'export', 'systemd', '--dir', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(fs.readFileSync(unit, 'utf8'), /^ExecStart=/m);
    assert.deepEqual(fs.readdirSync(out).filter((n) => n.startsWith('.')), [], 'no temporary file is left');
  });

  it('refuses what makes no sense, with exit 2; a daemon with no record is exit 7', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const main = seed(dir);
    const cases: Array<[string[], number, RegExp]> = [
      [['-c', main, 'export'], 2, /export needs a format/],
      [['-c', main, 'export', 'launchd'], 2, /unknown format 'launchd'/],
      [['-c', main, 'export', 'supervisord'], 2, /works on one daemon/],
      [['--name', 'x', 'export', 'systemd', '--supervisor'], 2, /needs -c FILE/],
      [['-c', main, 'export', 'systemd', '--prefix', 'a/b'], 2, /--prefix takes/],
      [['-c', main, 'export', 'systemd', '--dir', path.join(dir, 'none')], 2, /--dir .*No such file or directory/],
      [['--pidfile', path.join(dir, 'none.pid'), 'export', 'systemd'], 7, /no record/],
    ];
    for (const [args, code, message] of cases) {
      const result = await td(dir, ...args);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});

interface Report {
  pid: number;
  argv: string[];
  cwd: string;
  umask: string;
  env: Record<string, string | null>;
}

/** The JSON lines report-self.js wrote to LOG. */
function reports(log: string): Report[] {
  try {
    return fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Report);
  } catch {
    return [];
  }
}

/** A supervisord of our own: its socket, log and pidfile in DIR, ended by its pid. */
async function runSupervisord(t: Context, reaper: Reaper, dir: string, include: string): Promise<number> {
  const conf = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(
    conf,
    `[unix_http_server]
file=${dir}/supervisor.sock
[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[include]
files=${include}
`,
  );
  const child = spawn('supervisord', ['-n', '-c', conf], { stdio: 'ignore' });
  const pid = child.pid!;
  reaper.track(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (!isDead(pid)) process.kill(pid, 'SIGTERM'); // it stops its program, then exits
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10000))]);
  });
  return pid;
}

describe('tdaemon --pidfile P export: a recorded daemon', () => {
  it('as a unit that verifies, and as a [program:x] section that supervisord runs as tdaemon ran it', { skip: !HAVE_SUPERVISORD && 'supervisord is not installed (apt-get install supervisor)' }, async (t) => {
    const dir = makeTempDir(t, 'tdaemon-export-');
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    const work = path.join(dir, 'work dir');
    fs.mkdirSync(work);
    const pidfile = path.join(dir, 'web.pid');
    const log = path.join(dir, 'web.log');
    const env = { GREETING: 'hello "world", 100%', SPACES: 'a b', BACKSLASH: 'C:\\dir', REPORT_ENV: 'GREETING,SPACES,BACKSLASH' };
    const args = ['two words', '50%', 'a #b', 'c ;d', "it's", ''];
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const start = await td(dir, '--pidfile', pidfile, 'start', '--respawn', '--no-restart-exit', '3', '--max-restarts', '4', '--chdir', work, '--umask', '027', '--log', log, ...envArgs, '--', 'node', fixture('report-self.js'), ...args);
    assert.equal(start.code, 0, start.stderr);
    reaper.trackPidfile(pidfile);
    const underTdaemon = await waitFor(() => reports(log)[0], 'the daemon to report itself');
    reaper.track(underTdaemon.pid);

    const record = readState(path.join(dir, 'web.state'));
    assert.equal(record.kind, 'ok');
    fs.mkdirSync(path.join(dir, 'units'));
    const unit = await td(dir, '--pidfile', pidfile, 'export', 'systemd', '--dir', 'units');
    assert.equal(unit.code, 0, unit.stderr);
    if (HAVE_ANALYZE) assert.deepEqual(await verifyAll(path.join(dir, 'units')), ['tdaemon-web.service']);

    fs.mkdirSync(path.join(dir, 'conf.d'));
    const section = await td(dir, '--pidfile', pidfile, 'export', 'supervisord', '--dir', 'conf.d');
    assert.equal(section.code, 0, section.stderr);
    assert.equal(section.stderr, '');
    const sectionFile = path.join(dir, 'conf.d', 'web.conf');

    // What tdaemon -c would run: the section read back by our loader.
    const spec = loadConfig(sectionFile, nodeConfigDeps({ lookupUser: findUser, lookupGroup: findGroup })).config.groups[0].processes[0];
    const recorded = record.kind === 'ok' ? record.record : assert.fail();
    assert.deepEqual(spec.argv.slice(1), recorded.command.slice(1));
    assert.equal(spec.argv[0], findInPath('node'));
    assert.deepEqual([spec.directory, spec.environment, spec.umask, spec.stdout.logfile, spec.redirectStderr], [work, recorded.env, 0o27, log, true]);
    assert.deepEqual([spec.autorestart, spec.exitcodes, spec.tdaemon.crashLimit], ['unexpected', [0, 3], 4]);

    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);

    // The real supervisord runs the section: the same words, directory, environment and umask.
    await runSupervisord(t, reaper, dir, path.join(dir, 'conf.d', '*.conf'));
    const underSupervisord = await waitFor(() => reports(log)[1], 'supervisord to start the program', 15000);
    reaper.track(underSupervisord.pid);
    assert.notEqual(underSupervisord.pid, underTdaemon.pid);
    assert.deepEqual({ ...underSupervisord, pid: 0 }, { ...underTdaemon, pid: 0 });
  });
});
