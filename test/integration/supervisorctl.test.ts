/**
 * The real supervisorctl (Debian's `supervisor` package) against our control
 * server with a fake backend: every command's output and exit status must
 * match what supervisorctl printed against the real supervisord 4.2.5
 * (test/fixtures/supervisor-4.2.5/ctl).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatStopTime } from '../../src/control/protocol';
import { startRpcServer, type RpcServer } from '../../src/control/rpc-server';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FakeSupervisor } from '../helpers/fake-supervisor';
import { isDead, waitFor } from '../helpers/processes';
import { FIXTURES } from '../helpers/paths';
import { run } from '../helpers/run';
import { SUPERVISORCTL, SupervisorctlDriver } from '../helpers/supervisorctl';
import { makeTempDir } from '../helpers/tmp';

const CAPTURES = path.join(FIXTURES, 'supervisor-4.2.5', 'ctl');
/** The moment of the status_mixed capture: uptimes and stop dates come out as they did then. */
const NOW = 1795976509;

function captured(name: string): { stdout: string; exitCode: number } {
  return {
    stdout: fs.readFileSync(path.join(CAPTURES, name, 'stdout.txt'), 'utf8'),
    exitCode: Number(fs.readFileSync(path.join(CAPTURES, name, 'exitcode.txt'), 'utf8').trim()),
  };
}

describe('the real supervisorctl against our control server', { skip: SUPERVISORCTL ? false : 'supervisorctl is not installed (apt-get install supervisor)' }, () => {
  let dir: string;
  let conf: string;
  let log: string;
  let server: RpcServer;
  let fake: FakeSupervisor;
  let driver: SupervisorctlDriver;
  const cleanups: Array<() => void | Promise<void>> = [];

  before(async () => {
    dir = makeTempDir({ after: (fn) => void cleanups.push(fn) }, 'tdaemon-ctl-');
    const socket = path.join(dir, 'supervisor.sock');
    log = path.join(dir, 'server.log');
    fs.writeFileSync(log, 'listening on 127.0.0.1:18080\nthis line goes to stderr (redirect_stderr=true merges it)\n');
    conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(conf, `[supervisorctl]\nserverurl=unix://${socket}\n`);
    // The table of the status_mixed capture.
    fake = new FakeSupervisor(
      [
        { group: 'crash', name: 'crash', state: ProcessStates.BACKOFF, spawnerr: 'Exited too quickly (process log may have details)', onStart: 'spawn-error' },
        { group: 'latecrash', name: 'latecrash', state: ProcessStates.STARTING },
        { group: 'missing', name: 'missing', state: ProcessStates.BACKOFF, spawnerr: "can't find command '/nonexistent/bin/thing'", onStart: 'no-file' },
        { group: 'oneshot', name: 'oneshot', state: ProcessStates.STARTING },
        { group: 'server', name: 'server_00', state: ProcessStates.RUNNING, pid: 15169, start: NOW - 11, stdoutLogfile: log },
        { group: 'web', name: 'web_1', state: ProcessStates.STOPPED, autostart: false },
        { group: 'web', name: 'web_2', state: ProcessStates.STOPPED, autostart: false },
      ],
      () => NOW,
    );
    server = await startRpcServer({ backend: fake, socketPath: socket, now: () => NOW, followIntervalMs: 20 });
    driver = new SupervisorctlDriver();
  });

  after(async () => {
    await driver?.close();
    await server?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  /** supervisorctl's main() in the driver; the binary itself is run for the first status and for tail -f. */
  const ctl = (...args: string[]) => driver.run('-c', conf, ...args);

  /** NORMALIZE is applied to both outputs (pids and uptimes differ between runs). */
  async function expectCapture(name: string, args: string[], normalize: (text: string) => string = (t) => t): Promise<void> {
    const result = await ctl(...args);
    const want = captured(name);
    assert.equal(normalize(result.stdout), normalize(want.stdout), `stdout of supervisorctl ${args.join(' ')}`);
    assert.equal(result.code, want.exitCode, `exit status of supervisorctl ${args.join(' ')}`);
    assert.equal(result.stderr, '');
  }

  it('socket has mode 0700', () => {
    assert.equal(fs.statSync(path.join(dir, 'supervisor.sock')).mode & 0o777, 0o700);
  });

  it('status: every line and the exit status as supervisord gave them (the binary itself)', async () => {
    const result = await run(SUPERVISORCTL!, ['-c', conf, 'status'], { timeoutMs: 60000 });
    assert.deepEqual([result.stdout, result.code, result.stderr], [captured('status_mixed').stdout, 3, '']);
    await expectCapture('status_mixed', ['status']);
  });

  it('status NAME, GROUP:* and unknown names', async () => {
    await expectCapture('status_group', ['status', 'server:*'], (t) => t.replace('pid 11526, uptime 0:00:25', 'pid 15169, uptime 0:00:11'));
    await expectCapture('status_one', ['status', 'server:server_00'], (t) => t.replace('pid 11526, uptime 0:00:24', 'pid 15169, uptime 0:00:11'));
    await expectCapture('status_bad', ['status', 'nosuch']);
    await expectCapture('status_badproc', ['status', 'server:nosuch']);
  });

  it('start: a group waits for RUNNING; errors and exit statuses', async () => {
    await expectCapture('start_group_web', ['start', 'web:*']);
    assert.equal(fake.processes.get('web:web_1')!.state, ProcessStates.RUNNING);
    await expectCapture('status_web', ['status', 'web:*'], (t) => t.replace(/pid \d+, uptime \d+:\d\d:\d\d/g, 'PID'));
  });

  it('start: already started, no such process, no such file, spawn error, no argument', async () => {
    await expectCapture('start_again', ['start', 'server:server_00']);
    await expectCapture('start_bad', ['start', 'nosuch']);
    await expectCapture('start_missing', ['start', 'missing']);
    fake.processes.get('crash')!.state = ProcessStates.FATAL;
    await expectCapture('start_fatal', ['start', 'crash']);
    await expectCapture('start_noarg', ['start']);
  });

  it('stop, stop again, stop GROUP (no such process), status of a stopped process', async () => {
    await expectCapture('stop', ['stop', 'server:server_00']);
    await expectCapture('stop_again', ['stop', 'server:server_00']);
    await expectCapture('stop_groupname_only', ['stop', 'server']);
    const result = await ctl('status', 'server:server_00');
    assert.equal(result.stdout, `server:server_00                 STOPPED   ${formatStopTime(NOW)}\n`);
    assert.equal(result.code, 3);
  });

  it('start NAME, restart NAME, stop GROUP:*, start all, stop all', async () => {
    await expectCapture('start', ['start', 'server:server_00']);
    await expectCapture('restart', ['restart', 'server:server_00']);
    await expectCapture('stop_group_web', ['stop', 'web:*']);
    // crash is FATAL (set above): start all tries it too, and its spawn error makes the status 7.
    const all = await ctl('start', 'all');
    assert.equal(all.stdout, 'crash: ERROR (spawn error)\nweb:web_1: started\nweb:web_2: started\n');
    assert.equal(all.code, 7);
    const stopped = await ctl('stop', 'all');
    assert.deepEqual(stopped.stdout.split('\n').sort(), ['', 'latecrash: stopped', 'missing: stopped', 'oneshot: stopped', 'server:server_00: stopped', 'web:web_1: stopped', 'web:web_2: stopped']);
    await expectCapture('start_group_star', ['start', 'server:*']);
  });

  it('signal and pid', async () => {
    await expectCapture('signal', ['signal', 'HUP', 'server:server_00']);
    assert.deepEqual(fake.signals.at(-1), ['server:server_00', 'HUP']);
    await expectCapture('signal_bad', ['signal', 'FOO', 'server:server_00']);
    const pid = await ctl('pid');
    assert.equal(pid.stdout, `${process.pid}\n`);
    const one = await ctl('pid', 'server:server_00');
    assert.equal(one.stdout, `${fake.processes.get('server:server_00')!.pid}\n`);
    await expectCapture('pid_notrunning', ['pid', 'crash']);
  });

  it('avail and version', async () => {
    const avail = await ctl('avail');
    assert.ok(avail.stdout.includes(fs.readFileSync(path.join(CAPTURES, 'avail', 'stdout.txt'), 'utf8')), avail.stdout);
    assert.equal(avail.code, 0);
    const version = await ctl('version');
    assert.deepEqual([version.stdout, version.code], ['4.2.5-fake\n', 0]);
  });

  it('tail, tail -N, tail of a channel without a log, clear', async () => {
    await expectCapture('tail', ['tail', 'server:server_00'], (t) => t.replace(' as uid 65534 pid 11526', ''));
    await expectCapture('tail_bytes', ['tail', '-20', 'server:server_00']);
    await expectCapture('tail_stderr', ['tail', 'server:server_00', 'stderr']);
    await expectCapture('tail_nolog', ['tail', 'latecrash']);
    await expectCapture('clear', ['clear', 'server:server_00']);
    assert.equal(fs.statSync(log).size, 0);
  });

  it("maintail: the supervisor's own log", async () => {
    fake.mainLog = path.join(dir, 'supervisord.log');
    fs.writeFileSync(fake.mainLog, 'x'.repeat(500) + '\n2026-11-29 18:22:25,075 INFO success: server_00 entered RUNNING state\n');
    const result = await ctl('maintail', '-80');
    assert.deepEqual([result.stdout, result.code], [`${fs.readFileSync(fake.mainLog, 'utf8').slice(-80)}\n`, 0]);
  });

  it('tail -f streams what is appended, through /logtail', async () => {
    fs.writeFileSync(log, 'first line\n');
    let stdout = '';
    const child = spawn(SUPERVISORCTL!, ['-c', conf, 'tail', '-f', 'server:server_00'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      await waitFor(() => stdout.includes('first line\n'), 'the first chunk of tail -f');
      fs.appendFileSync(log, 'appended while tailing\n');
      await waitFor(() => stdout.includes('appended while tailing\n'), 'an appended line through tail -f');
      assert.ok(stdout.startsWith('==> Press Ctrl-C to exit <==\nfirst line\n'), stdout);
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null || isDead(child.pid!), 'tail -f to end');
    }
  });

  it('reread and update: added, changed and removed groups', async () => {
    fake.define({ group: 'extra', name: 'extra', state: ProcessStates.STOPPED });
    fake.processes.delete('extra');
    fake.pendingChanges = [['extra'], ['web'], ['latecrash']];
    const reread = await ctl('reread');
    assert.deepEqual([reread.stdout, reread.code], ['extra: available\nlatecrash: disappeared\nweb: changed\n', 0]);
    const update = await ctl('update');
    assert.equal(update.stdout, 'latecrash: stopped\nlatecrash: removed process group\nweb: stopped\nweb: updated process group\nextra: added process group\n');
    assert.equal(update.code, 0);
    await expectCapture('reread_nochange', ['reread']);
    await expectCapture('update_nochange', ['update']);
  });

  it('shutdown, then every call is refused', async () => {
    await expectCapture('shutdown', ['shutdown']);
    const again = await ctl('shutdown');
    assert.equal(again.stdout, 'ERROR: already shutting down\n');
  });
});
