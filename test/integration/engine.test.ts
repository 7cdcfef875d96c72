import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers/paths';
import { isDead, isRunning, Reaper, sessionMembers, waitFor } from '../helpers/processes';

interface UnitReport {
  state: string;
  pid: number | null;
  restarts: number;
}

function report(dir: string, name: string): UnitReport | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as UnitReport;
  } catch {
    return null;
  }
}

describe('the supervision engine hosted twice in one process', () => {
  it('runs two units against real processes: one is respawned alone, and TERM stops both families', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-engine-'));
    const reaper = new Reaper();
    const log = path.join(dir, 'host.log');
    const out = fs.openSync(log, 'a');
    const host = spawn(process.execPath, [
      fixture('two-units.js'),
      dir,
      'echo one; exec sleep 1000',
      'echo two; sleep 1000 & sleep 1000 & wait',
    ], { stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    reaper.track(host.pid);
    const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
    t.after(async () => {
      for (const name of ['u0', 'u1']) reaper.track(report(dir, name)?.pid);
      await reaper.reap();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const first = await waitFor(() => report(dir, 'u0')?.pid, 'u0 to run');
    const other = await waitFor(() => report(dir, 'u1')?.pid, 'u1 to run');
    reaper.track(first, other);
    await waitFor(() => sessionMembers(other).length === 3, "u1's shell and its two sleeps");
    const otherFamily = sessionMembers(other);
    reaper.track(...otherFamily);

    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => {
      const pid = report(dir, 'u0')?.pid;
      return pid && pid !== first ? pid : null;
    }, 'u0 to be respawned');
    reaper.track(second);
    assert.equal(report(dir, 'u0')?.restarts, 1);
    assert.equal(report(dir, 'u1')?.pid, other, 'u1 is untouched');
    assert.equal(report(dir, 'u1')?.restarts, 0);
    assert.ok(isRunning(other));

    process.kill(host.pid!, 'SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of [second, ...otherFamily]) assert.ok(isDead(pid), `pid ${pid} was stopped`);
    assert.equal(report(dir, 'u0')?.state, 'stopped');
    assert.equal(report(dir, 'u1')?.state, 'stopped');
    const text = fs.readFileSync(log, 'utf8');
    assert.match(text, /u0: pid \d+ killed by SIGKILL after [\d.]+ s\n/);
    assert.match(text, /SIGTERM: stopping\n/);
    assert.match(text, /two-units exiting \(status 0\)\n$/);
  });
});
