import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRestart, freshHistory, type DeathHistory } from '../../src/policy/restart-policy';
import type { RespawnPolicy } from '../../src/model/record';

const policy: RespawnPolicy = {
  restart: 'on-failure',
  noRestartExitCodes: [3],
  minUptimeMs: 10000,
  backoffMaxMs: 1000,
  maxRestarts: 10,
  restartWindowMs: 60000,
};

function deathsAt(times: number[], uptimeMs = 50, start: DeathHistory = freshHistory()) {
  let history = start;
  const decisions = [];
  for (const at of times) {
    const decision = decideRestart(policy, history, { code: 1, signal: null, uptimeMs, at });
    decisions.push(decision);
    history = decision.history;
  }
  return decisions;
}

describe('decideRestart', () => {
  it('doubles the wait from 0.1 s up to backoff-max for quick deaths', () => {
    const delays = deathsAt([1, 2, 3, 4, 5, 6, 7]).map((d) => (d.action === 'restart' ? d.delayMs : d.action));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('restarts at once after a healthy run, then backs off again from 0.1 s', () => {
    const history: DeathHistory = { deaths: [], lastDelayMs: 800 };
    const healthy = decideRestart(policy, history, { code: 1, signal: null, uptimeMs: 10000, at: 100000 });
    assert.equal(healthy.action, 'restart');
    assert.equal(healthy.action === 'restart' && healthy.delayMs, 0);
    const quick = decideRestart(policy, healthy.history, { code: 1, signal: null, uptimeMs: 5, at: 100010 });
    assert.equal(quick.action === 'restart' && quick.delayMs, 100);
  });

  it('gives up after more than max-restarts deaths inside the window, in any phase', () => {
    const decisions = deathsAt([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 20000);
    assert.deepEqual(decisions.slice(0, 10).map((d) => d.action), Array(10).fill('restart'));
    assert.equal(decisions[10].action, 'give-up');
    assert.equal(decisions[10].action === 'give-up' && decisions[10].reason, '11 deaths in 60 s');
  });

  it('forgets deaths older than the window', () => {
    const times = Array.from({ length: 30 }, (_, i) => i * 7000); // one death every 7 s
    assert.ok(deathsAt(times).every((d) => d.action === 'restart'));
  });

  it('ends the daemon on exit 0 under on-failure, restarts it under always', () => {
    const exit = { code: 0, signal: null, uptimeMs: 50, at: 1 };
    assert.equal(decideRestart(policy, freshHistory(), exit).action, 'stop');
    assert.equal(decideRestart({ ...policy, restart: 'always' }, freshHistory(), exit).action, 'restart');
  });

  it('ends the daemon on a --no-restart-exit code, but not on a signal', () => {
    assert.equal(decideRestart(policy, freshHistory(), { code: 3, signal: null, uptimeMs: 50, at: 1 }).action, 'stop');
    assert.equal(decideRestart(policy, freshHistory(), { code: null, signal: 'SIGSEGV', uptimeMs: 50, at: 1 }).action, 'restart');
  });
});
