import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRestart, freshHistory, type DeathHistory } from '../../src/policy/restart-policy';
import type { RespawnPolicy } from '../../src/model/record';
import { DEFAULTS } from '../../src/policy/defaults';

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
    const history: DeathHistory = { deaths: [], lastDelayMs: 800, shortRuns: 0 };
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
    // One death every 7 s, each after a healthy run (short runs in a row are a crash loop of their own, below).
    const times = Array.from({ length: 30 }, (_, i) => i * 7000);
    assert.ok(deathsAt(times, policy.minUptimeMs).every((d) => d.action === 'restart'));
  });

  it('gives up at the run after max-restarts short runs in a row, however far apart', () => {
    const times = Array.from({ length: 12 }, (_, i) => i * 600_000); // one death every 10 minutes
    const decisions = deathsAt(times, 50);
    assert.deepEqual(decisions.slice(0, 10).map((d) => d.action), Array(10).fill('restart'));
    assert.equal(decisions[10].action, 'give-up');
    assert.equal(decisions[10].action === 'give-up' && decisions[10].reason, '11 runs in a row lasted less than 10 s');
  });

  it('a healthy run starts the count of short runs again', () => {
    let history = freshHistory();
    for (let i = 0; i < 30; i++) {
      const uptimeMs = i % 10 === 9 ? policy.minUptimeMs : 50; // every tenth run is healthy
      const decision = decideRestart(policy, history, { code: 1, signal: null, uptimeMs, at: i * 600_000 });
      assert.equal(decision.action, 'restart', `death ${i + 1}`);
      history = decision.history;
    }
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

/**
 * The defaults themselves, on a simulated clock: each run lasts UPTIME_MS,
 * the next starts after the decided wait. Returns when the watchdog gave
 * up (ms after the first start) and how many starts it made, or null if it
 * never gave up within LIMIT_MS.
 */
function simulateDefaults(uptimeMs: (run: number) => number, limitMs = 3_600_000): { gaveUpAtMs: number; starts: number } | null {
  let history = freshHistory();
  let now = 0;
  for (let starts = 1; now < limitMs; starts++) {
    const runMs = uptimeMs(starts);
    now += runMs;
    const decision = decideRestart(DEFAULTS_POLICY, history, { code: 1, signal: null, uptimeMs: runMs, at: now });
    if (decision.action === 'give-up') return { gaveUpAtMs: now, starts };
    assert.equal(decision.action, 'restart');
    history = decision.history;
    if (decision.action === 'restart') now += decision.delayMs;
  }
  return null;
}

const DEFAULTS_POLICY: RespawnPolicy = { ...DEFAULTS.respawn, noRestartExitCodes: [] };

describe('the default crash-loop rule (tdaemon(1), RESTART POLICY)', () => {
  it('gives up a command that cannot start at all: 11 starts, within 30 s', () => {
    const end = simulateDefaults(() => 5);
    assert.ok(end, 'it gives up');
    assert.equal(end.starts, 11);
    assert.ok(end.gaveUpAtMs < 30_000, `${end.gaveUpAtMs} ms`);
  });

  it('gives up a command that dies 1 to 2 s after every start: FATAL within 60 s and before its 13th start', () => {
    for (const runMs of [1000, 1500, 2000]) {
      const end = simulateDefaults(() => runMs);
      assert.ok(end, `runs of ${runMs} ms: it gives up`);
      assert.ok(end.starts < 13, `runs of ${runMs} ms: ${end.starts} starts`);
      assert.ok(end.gaveUpAtMs <= 50_000, `runs of ${runMs} ms: given up at ${end.gaveUpAtMs} ms`);
    }
    // Runs of 1 to 2 s at random: the same bounds hold whatever the mix.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const end = simulateDefaults(() => 1000 + Math.floor(random() * 1000));
      assert.ok(end && end.starts < 13 && end.gaveUpAtMs < 60_000, JSON.stringify(end));
    }
  });

  it('gives up a command that crash-loops after a healthy start, as fast as one that never started', () => {
    const end = simulateDefaults((run) => (run === 1 ? 3_600_000 - 1 : 1500), 7_200_000);
    assert.ok(end, 'it gives up');
    // The healthy run's death falls in the same minute: 11 deaths in 60 s come one run before 11 short runs in a row.
    assert.equal(end.starts, 11, 'the healthy run, then 10 short ones');
    assert.ok(end.gaveUpAtMs - 3_600_000 < 60_000, `${end.gaveUpAtMs - 3_600_000} ms after the healthy run ended`);
  });

  it('never gives up a command whose runs all last the minimum uptime', () => {
    assert.equal(simulateDefaults(() => DEFAULTS.respawn.minUptimeMs), null);
  });

  it('the old backoff limit of 30 s never gave up a command that cannot start (issue 8)', () => {
    let history = freshHistory();
    let now = 0;
    const old = { ...DEFAULTS_POLICY, backoffMaxMs: 30_000 };
    const windowOnly = (h: DeathHistory): DeathHistory => ({ ...h, shortRuns: 0 }); // the rule before the count in a row
    for (let starts = 1; starts < 200; starts++) {
      now += 5;
      const decision = decideRestart(old, windowOnly(history), { code: 1, signal: null, uptimeMs: 5, at: now });
      assert.equal(decision.action, 'restart');
      if (decision.action === 'restart') now += decision.delayMs;
      history = decision.history;
    }
  });
});
