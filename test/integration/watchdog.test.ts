import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, TDAEMON } from '../helpers/paths';
import { isDead, isRunning, procSession, readPid, Reaper, sessionMembers, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';

const RUNS = fixture('wd-runs.sh');

interface Report {
  state: string;
  childPid: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null } | null;
  reason: string | null;
  watchdogRssKb: number | null;
}

/** One watched daemon in its own directory, ended by pid when the test ends. */
class Watched {
  readonly pidfile: string;
  readonly statefile: string;
  readonly log: string;
  readonly reaper = new Reaper();

  constructor(readonly dir: string) {
    this.pidfile = path.join(dir, 'app.pid');
    this.statefile = path.join(dir, 'app.state');
    this.log = path.join(dir, 'app.log');
  }

  td(...args: string[]): Promise<RunResult> {
    return run(TDAEMON, ['--pidfile', this.pidfile, ...args], { cwd: this.dir });
  }

  async start(options: string[], command: string[]): Promise<RunResult> {
    return this.run(['--stop-timeout', '1', ...options], command);
  }

  /** start --respawn with OPTIONS as given (no --stop-timeout of the test's). */
  async run(options: string[], command: string[]): Promise<RunResult> {
    const result = await this.td('start', '--respawn', ...options, '--', ...command);
    this.track();
    return result;
  }

  report(): Report | null {
    try {
      return JSON.parse(fs.readFileSync(this.statefile, 'utf8')).watchdog as Report;
    } catch {
      return null;
    }
  }

  watchdogPid(): number | null {
    return readPid(this.pidfile);
  }

  /** Every pid seen is recorded for the final reaping. */
  track(): void {
    this.reaper.track(this.watchdogPid(), this.report()?.childPid);
  }

  logText(): string {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8') : '';
  }

  async end(): Promise<void> {
    this.track();
    await this.td('stop', '--stop-timeout', '0.5');
    await this.reaper.reap();
  }
}

/** A watched daemon in a fresh directory; stopped, reaped and removed when the test ends. */
function watched(t: { after: (fn: () => Promise<void> | void) => void }): Watched {
  const daemon = new Watched(fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-wd-')));
  t.after(async () => {
    await daemon.end();
    fs.rmSync(daemon.dir, { recursive: true, force: true });
  });
  return daemon;
}

/** Timestamps (ms) of the watchdog's "started pid" log lines. */
function startTimes(log: string): number[] {
  return [...log.matchAll(/^(\S+) tdaemon\[\d+\]: started pid \d+$/gm)].map((m) => Date.parse(m[1]));
}

describe('tdaemon start --respawn', { concurrency: true }, () => {
  it('starts a new child after kill -9, and the log shows both generations', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    const started = await d.start(['--wait', '0.2', '--min-uptime', '0.2'], [RUNS, count, 'stay']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^tdaemon: app started \(pid (\d+), watchdog (\d+)\); log /);
    const first = d.report()!.childPid!;
    // Killed before its first line, the first run would leave no trace in the log.
    await waitFor(() => d.logText().includes('line 1'), 'the first run to print');
    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => {
      const pid = d.report()?.childPid;
      const log = d.logText();
      // The child's line and the watchdog's "started" line come in either order.
      return pid && pid !== first && log.includes('line 2') && startTimes(log).length === 2 ? pid : null;
    }, 'a new child').catch((error) => {
      throw new Error(`${error.message}; state: ${JSON.stringify(d.report())}; log:\n${d.logText()}`);
    });
    d.track();
    assert.ok(isRunning(second));
    assert.ok(isDead(first));
    const log = d.logText();
    // The child's first line may land before or after the watchdog's "started" line.
    assert.match(log, /line 1\n[\s\S]*pid \d+ killed by SIGKILL after [\d.]+ s\n[\s\S]*line 2\n/);
    assert.equal((log.match(/started pid \d+\n/g) ?? []).length, 2);
    const status = await d.td('status');
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^app: running \\(pid ${second}, up \\d+s, watchdog ${d.watchdogPid()}, 1 restart\\) `));
  });

  it('backs off 0.1, 0.2, 0.4 s in a crash loop, gives up after --max-restarts, and leaves nothing running', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    const result = await d.start(
      ['--wait', '0', '--max-restarts', '4', '--restart-window', '30', '--backoff-max', '0.4'],
      [RUNS, count, 'exit:1'],
    );
    assert.equal(result.code, 0, result.stderr);
    const watchdog = d.watchdogPid()!;
    await waitFor(() => d.report()?.state === 'gave-up', 'the watchdog to give up', 8000);
    await waitFor(() => isDead(watchdog), 'the watchdog to exit');
    const times = startTimes(d.logText());
    assert.equal(times.length, 5, 'the first run and four restarts');
    const waits = times.slice(1).map((time, i) => time - times[i]);
    const announced = [...d.logText().matchAll(/restarting in ([\d.]+) s/g)].map((m) => m[1]);
    assert.deepEqual(announced, ['0.1', '0.2', '0.4', '0.4']);
    // Never early; late only by what a busy machine adds.
    [100, 200, 400, 400].forEach((expected, i) => {
      assert.ok(waits[i] >= expected - 5 && waits[i] < expected + 1000, `wait ${i + 1} was ${waits[i]} ms, expected ${expected}`);
    });
    assert.match(d.logText(), /giving up after 5 deaths in 30 s\n/);
    const status = await d.td('status');
    assert.equal(status.code, 1);
    assert.equal(status.stdout, `app: gave up (5 deaths in 30 s; last exited with status 1) ${RUNS} ${count} exit:1\n`);
    assert.deepEqual(sessionMembers(watchdog), []);
    // restart resets a daemon that gave up
    fs.writeFileSync(count, '0');
    const again = await d.td('restart', '--wait', '0');
    d.track();
    assert.equal(again.code, 0, again.stderr);
    await waitFor(() => (d.report()?.restarts ?? 0) >= 1, 'a restart of the new watchdog');
    assert.notEqual(d.watchdogPid(), watchdog);
  });

  it('resets the backoff after a run that outlived --min-uptime', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    await d.start(
      ['--wait', '0', '--min-uptime', '0.5', '--backoff-max', '5'],
      [RUNS, count, 'exit:1', 'exit:1', 'exit:1', 'sleep:0.7:1', 'exit:1', 'stay'],
    );
    await waitFor(() => d.logText().includes('line 6'), 'the sixth run', 8000);
    d.track();
    const waits = [...d.logText().matchAll(/restarting in ([\d.]+) s/g)].map((m) => m[1]);
    assert.deepEqual(waits, ['0.1', '0.2', '0.4', '0.1'], 'after the healthy fourth run: at once, then 0.1 s again');
  });

  it('does not restart exit 0 under on-failure, nor a --no-restart-exit code', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    await d.start(['--wait', '0'], [RUNS, count, 'sleep:0.2:0']);
    await waitFor(() => !fs.existsSync(d.pidfile), 'the daemon to end for good');
    assert.match(d.logText(), /not restarting: exited with status 0 \(--restart on-failure\)/);
    assert.equal((await d.td('status')).code, 3);

    const e = watched(t);
    await e.start(['--wait', '0', '--no-restart-exit', '3', '--no-restart-exit', '4'], [RUNS, path.join(e.dir, 'count'), 'sleep:0.2:4']);
    await waitFor(() => !fs.existsSync(e.pidfile), 'the daemon to end for good');
    assert.match(e.logText(), /not restarting: exit status 4 is listed in --no-restart-exit/);
    assert.equal(fs.readFileSync(path.join(e.dir, 'count'), 'utf8'), '1\n');
  });

  it('stops at once while waiting to restart, and leaves nothing', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    await d.start(['--wait', '0', '--backoff-max', '30', '--max-restarts', '100'], [RUNS, count, 'exit:1']);
    await waitFor(() => /restarting in 1\.6 s/.test(d.logText()), 'a long backoff', 8000);
    const watchdog = d.watchdogPid()!;
    const before = d.report();
    // Its command is down: a script must not read that as running; but no second copy starts.
    const status = await d.td('status');
    const again = await d.td('start', '--respawn', '--', RUNS, count, 'exit:1');
    const after = d.report();
    // Judged only if both calls fell inside one and the same wait.
    if (before?.state === 'backoff' && after?.state === 'backoff' && before.restarts === after.restarts) {
      assert.equal(status.code, 1);
      assert.match(status.stdout, new RegExp(`^app: restarting \\(watchdog ${watchdog}, \\d+ restarts, last exited with status 1, restarting at `));
      assert.equal(again.code, 0);
      assert.match(again.stdout, new RegExp(`^tdaemon: app already running \\((pid \\d+, )?watchdog ${watchdog}(, restarting|, starting)?\\)\n$`));
    }
    // Stop inside a wait: on a slow machine the calls above may outlast one.
    await waitFor(() => /restarting in [\d.]+ s\n$/.test(d.logText()), 'the watchdog to wait again', 15000);
    const stop = await d.td('stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(isDead(watchdog));
    // It did not wait for the restart: no run began after the last wait was announced.
    assert.match(d.logText(), /restarting in [\d.]+ s\n[^\n]*SIGTERM: stopping\n[^\n]*watchdog exiting \(status 0\)\n$/);
    assert.deepEqual(fs.readdirSync(d.dir).sort(), ['app.log', 'count']);
  });

  it('stop ends what a child left behind in a session of its own, as well as the child', async (t) => {
    const d = watched(t);
    const gone = path.join(d.dir, 'gone.pid');
    const command = `(setsid sh -c 'echo $$ > ${gone}; exec sleep 1000' &); exec sleep 1000`;
    const started = await d.start(['--wait', '0.2'], ['sh', '-c', command]);
    assert.equal(started.code, 0, started.stderr);
    const escapee = await waitFor(() => readPid(gone), 'the escapee to write its pid');
    d.reaper.track(escapee);
    const child = d.report()!.childPid!;
    assert.notEqual(procSession(escapee), child, 'it left the child\'s session');
    const stop = await d.td('stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(isDead(child) && isDead(escapee), 'child and escapee are gone when stop returns');
  });

  it('stop gives the rest of the child\'s group its stop timeout even when the child itself ends at once', async (t) => {
    const d = watched(t);
    const done = path.join(d.dir, 'done');
    // A worker that takes 0.3 s to shut down cleanly, beside a leader that dies of TERM at once.
    const worker = `trap 'sleep 0.3; echo clean > ${done}; exit 0' TERM; echo ready > ${done}; while :; do sleep 0.05; done`;
    const started = await d.start(['--wait', '0.2'], ['sh', '-c', `sh -c "${worker}" & exec sleep 1000`]);
    assert.equal(started.code, 0, started.stderr);
    await waitFor(() => fs.existsSync(done), 'the worker to be ready');
    const stop = await d.td('stop', '--stop-timeout', '3');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(fs.readFileSync(done, 'utf8'), 'clean\n', 'the worker finished its shutdown');
  });

  it('keeps the child when the watchdog is SIGKILLed: status, start and stop still work', async (t) => {
    const d = watched(t);
    await d.start(['--wait', '0.2'], ['sh', '-c', 'sleep 1000 & exec sleep 1000']);
    const watchdog = d.watchdogPid()!;
    const child = d.report()!.childPid!;
    process.kill(watchdog, 'SIGKILL');
    await waitFor(() => isDead(watchdog), 'the watchdog to die');
    const status = await d.td('status');
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^app: running \\(pid ${child}, up \\d+s\\), watchdog lost \\(pid ${watchdog} is gone\\) `));
    const again = await d.start(['--wait', '0.2'], ['sh', '-c', 'sleep 1000 & exec sleep 1000']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, `tdaemon: app already running (pid ${child}, watchdog lost)\n`);
    const stop = await d.td('stop');
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(sessionMembers(child), [], 'the child and its group are gone');
    assert.ok(!fs.existsSync(d.pidfile));
  });

  it('lets exactly one of 10 concurrent starts run a watchdog and a child', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => d.td('start', '--respawn', '--wait', '0.3', '--', RUNS, count, 'stay')),
    );
    d.track();
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const winners = results.filter((r) => /started/.test(r.stdout));
    assert.equal(winners.length, 1, results.map((r) => r.stdout + r.stderr).join(''));
    const watchdog = d.watchdogPid()!;
    for (const result of results) {
      if (result !== winners[0]) assert.match(result.stdout, new RegExp(`^tdaemon: app already running \\((pid \\d+, )?watchdog ${watchdog}(, starting)?\\)\n$`));
    }
    assert.equal(fs.readFileSync(count, 'utf8'), '1\n', 'the command ran once');
  });

  it('keeps every line of every generation in the log, in order', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    await d.start(['--wait', '0', '--min-uptime', '0', '--max-restarts', '7'], [RUNS, count, 'exit:2']);
    await waitFor(() => !isRunning(d.watchdogPid() ?? 0) && d.report()?.state === 'gave-up', 'the crash loop to end', 8000);
    const lines = d.logText().split('\n').filter((line) => line.startsWith('line '));
    assert.deepEqual(lines, Array.from({ length: 8 }, (_, i) => `line ${i + 1}`));
  });

  it('passes HUP on (reload), restarts on USR2 with counters reset, and ends cleanly on TERM', async (t) => {
    const d = watched(t);
    const got = path.join(d.dir, 'got');
    await d.start(['--wait', '0.2'], [fixture('hup-recorder.js'), got]);
    const watchdog = d.watchdogPid()!;
    const first = d.report()!.childPid!;
    await waitFor(() => fs.existsSync(got) && fs.readFileSync(got, 'utf8') === 'ready\n', 'the child to set its handler');
    const reload = await d.td('reload');
    assert.equal(reload.code, 0, reload.stderr);
    await waitFor(() => fs.readFileSync(got, 'utf8') === 'ready\ngot HUP\n', 'the child to get SIGHUP');
    process.kill(watchdog, 'SIGHUP');
    await waitFor(() => fs.readFileSync(got, 'utf8') === 'ready\ngot HUP\ngot HUP\n', 'HUP to the watchdog to reach the child');
    assert.ok(isRunning(watchdog), 'the watchdog ignores HUP itself');

    process.kill(watchdog, 'SIGUSR2');
    const second = await waitFor(() => {
      const pid = d.report()?.childPid;
      return pid && pid !== first ? pid : null;
    }, 'USR2 to restart the child');
    d.track();
    assert.ok(isDead(first));
    assert.equal(d.report()!.restarts, 0);

    process.kill(watchdog, 'SIGTERM');
    await waitFor(() => isDead(watchdog) && isDead(second), 'TERM to end watchdog and child');
    assert.ok(!fs.existsSync(d.pidfile) && !fs.existsSync(d.statefile));
    assert.ok(!fs.existsSync(`${d.pidfile}.lock`), 'the lock is released');
    assert.match(d.logText(), /SIGTERM: stopping\n[\s\S]*watchdog exiting \(status 0\)\n$/);
  });

  it('fails start when the first run dies within --wait, and the watchdog goes on', async (t) => {
    const d = watched(t);
    const count = path.join(d.dir, 'count');
    const result = await d.start(['--wait', '1'], [RUNS, count, 'exit:7', 'stay']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^tdaemon: app exited with status 7 within 1 s of starting; its watchdog goes on/);
    assert.match(result.stderr, /\n {2}line 1\n/);
    await waitFor(() => d.report()?.state === 'running' && d.logText().includes('line 2'), 'the watchdog to restart it');
    d.track();
    const status = await d.td('status', '--json');
    const json = JSON.parse(status.stdout);
    assert.equal(json.status, 'running');
    assert.equal(json.watchdog.restarts, 1);
    assert.deepEqual(json.watchdog.lastExit.code, 7);
    assert.ok(json.watchdog.rssKb > 1000);
  });

  it('stop during a USR2 restart is kept: the child ends in its own time, nothing is left, no SIGKILL', async (t) => {
    const d = watched(t);
    // The child's TERM trap ends only when the test says so: the stop is sure
    // to arrive while the restart's stop is still under way, however slow the machine.
    const release = path.join(d.dir, 'release');
    const script = `trap 'while [ ! -e ${release} ]; do sleep 0.05; done; echo cleaned up; exit 0' TERM; echo ready; while :; do sleep 0.1; done`;
    const result = await d.run(['--wait', '0.2', '--stop-timeout', '30'], ['sh', '-c', script]);
    assert.equal(result.code, 0, result.stderr);
    const watchdog = d.watchdogPid()!;
    const child = d.report()!.childPid!;
    await waitFor(() => d.logText().includes('ready'), 'the child to set its trap');
    process.kill(watchdog, 'SIGUSR2');
    await waitFor(() => d.logText().includes('SIGUSR2: restarting now'), 'the watchdog to begin the restart');
    const stopping = d.td('stop');
    await waitFor(() => d.logText().includes('SIGTERM: stopping'), 'the stop to reach the watchdog');
    const released = Date.now();
    fs.writeFileSync(release, '');
    const stop = await stopping;
    const tookMs = Date.now() - released;
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /^tdaemon: app stopped /);
    assert.ok(isDead(child) && isDead(watchdog));
    assert.match(d.logText(), /cleaned up\n/, 'the child finished its TERM trap');
    assert.doesNotMatch(d.logText(), /sending SIGKILL/);
    assert.equal((d.logText().match(/started pid/g) ?? []).length, 1, 'no new child was started');
    // Once the child is done, so is the stop: not the stop timeout (30 s) + 5 s as before the fix.
    assert.ok(tookMs < 10000, `stop took ${tookMs} ms after the child was released`);
    assert.ok(!fs.existsSync(d.pidfile) && !fs.existsSync(d.statefile), 'pidfile and state are gone');
    assert.ok(!fs.existsSync(`${d.pidfile}.lock`), 'the lock directory is gone');
  });
});
