import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  initialStatus,
  isSettled,
  KILL_GRACE_MS,
  step,
  type UnitEffect,
  type UnitEvent,
  type UnitRules,
  type UnitStatus,
} from '../../src/policy/machine';
import { DEFAULTS } from '../../src/policy/defaults';

const WATCHDOG: UnitRules = {
  startMs: 0,
  startRetries: 0,
  respawn: { restart: 'on-failure', noRestartExitCodes: [], minUptimeMs: 10000, backoffMaxMs: 30000, maxRestarts: 10, restartWindowMs: 60000 },
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 3000,
  reloadSignal: 'SIGHUP',
};

/** supervisor's defaults: startsecs 1, startretries 3. */
const SUPERVISED: UnitRules = { ...WATCHDOG, startMs: 1000, startRetries: 3, respawn: { ...WATCHDOG.respawn, restart: 'always' } };

/** A fake clock and a unit fed by hand: each event's time comes from the clock. */
class Bench {
  status: UnitStatus = initialStatus();
  effects: UnitEffect[] = [];
  now = 1_000_000;
  private nextPid = 100;

  constructor(readonly rules: UnitRules) {}

  feed(event: UnitEvent): UnitEffect[] {
    const result = step(this.status, event, this.rules);
    this.status = result.unit;
    this.effects = result.effects;
    return result.effects;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** want-up, then the spawn it asks for succeeds. */
  up(): number {
    this.feed({ type: 'want-up' });
    return this.spawned();
  }

  spawned(): number {
    const pid = this.nextPid++;
    this.feed({ type: 'spawned', pid, startTicks: String(pid * 10), at: this.now });
    return pid;
  }

  exit(code: number | null, signal: string | null = null): UnitEffect[] {
    return this.feed({ type: 'exited', code, signal, at: this.now });
  }

  timer(): UnitEffect[] {
    return this.feed({ type: 'timer', at: this.now });
  }

  types(): string[] {
    return this.effects.map((e) => (e.type === 'log' ? `log:${e.event.kind}` : e.type));
  }
}

function timerMs(effects: UnitEffect[]): number | null {
  const timer = effects.find((e) => e.type === 'set-timer' || e.type === 'escalate-after');
  return timer && 'ms' in timer ? timer.ms : null;
}

describe('the supervision machine, row by row', () => {
  it('want-up spawns; spawned with no start phase is running, persisted and logged', () => {
    const b = new Bench(WATCHDOG);
    assert.deepEqual(b.feed({ type: 'want-up' }), [{ type: 'spawn' }]);
    assert.equal(b.status.state, 'starting');
    assert.equal(b.status.want, 'up');
    const pid = b.spawned();
    assert.equal(b.status.state, 'running');
    assert.deepEqual(b.types(), ['persist', 'log:started']);
    assert.equal(b.status.run?.pid, pid);
  });

  it('with startsecs, a run is starting until its timer, then running', () => {
    const b = new Bench(SUPERVISED);
    b.up();
    assert.equal(b.status.state, 'starting');
    assert.equal(timerMs(b.effects), 1000);
    b.advance(1000).timer();
    assert.equal(b.status.state, 'running');
    assert.deepEqual(b.types(), ['persist', 'log:entered-running']);
  });

  it('a death in the start phase backs off 1, 2, 3 s, then is FATAL after startretries', () => {
    const b = new Bench(SUPERVISED);
    b.up();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      b.advance(200).exit(1);
      assert.equal(b.status.state, 'backoff');
      waits.push(timerMs(b.effects)!);
      b.advance(timerMs(b.effects)!).timer();
      assert.deepEqual(b.effects, [{ type: 'spawn' }]);
      b.spawned();
    }
    assert.deepEqual(waits, [1000, 2000, 3000]);
    b.advance(200).exit(1);
    assert.equal(b.status.state, 'fatal');
    assert.equal(b.status.reason, 'too many start retries too quickly');
    assert.ok(isSettled(b.status));
  });

  it('reaching RUNNING forgets the failed starts', () => {
    const b = new Bench(SUPERVISED);
    b.up();
    b.advance(100).exit(1);
    b.advance(1000).timer();
    b.spawned();
    b.advance(1000).timer();
    assert.equal(b.status.state, 'running');
    assert.equal(b.status.startFailures, 0);
  });

  it('a spawn failure is a failed start with a start phase, and a status-127 death without one', () => {
    const s = new Bench(SUPERVISED);
    s.feed({ type: 'want-up' });
    s.feed({ type: 'spawn-failed', error: "can't find command '/x'", at: s.now });
    assert.equal(s.status.state, 'backoff');
    assert.equal(s.status.reason, "can't find command '/x'");
    const w = new Bench(WATCHDOG);
    w.feed({ type: 'want-up' });
    w.feed({ type: 'spawn-failed', error: 'EAGAIN', at: w.now });
    assert.equal(w.status.state, 'backoff');
    assert.equal(w.status.lastExit, null);
    assert.equal(timerMs(w.effects), 100);
  });

  it('a death after the start phase: the death is logged (after its remains are reaped) before the next spawn', () => {
    const b = new Bench(WATCHDOG);
    const pid = b.up();
    b.advance(20000).exit(null, 'SIGKILL');
    assert.deepEqual(b.types(), ['reap-remains', 'log:exited', 'spawn']);
    assert.deepEqual(b.effects[1], { type: 'log', event: { kind: 'exited', pid, code: null, signal: 'SIGKILL', uptimeMs: 20000 } });
    assert.equal(b.status.restarts, 1);
  });

  it('short runs back off 0.1 s doubling to the cap; a crash loop gives up', () => {
    const b = new Bench({ ...WATCHDOG, respawn: { ...WATCHDOG.respawn, backoffMaxMs: 400, maxRestarts: 4 } });
    b.up();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      b.advance(50).exit(1);
      waits.push(timerMs(b.effects)!);
      b.advance(timerMs(b.effects)!).timer();
      b.spawned();
    }
    assert.deepEqual(waits, [100, 200, 400, 400]);
    b.advance(50).exit(1);
    assert.equal(b.status.state, 'fatal');
    assert.equal(b.status.reason, '5 deaths in 60 s');
    assert.ok(b.types().includes('log:giving-up'));
  });

  it('a clean exit under on-failure, or a final exit code, is exited for good', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.advance(100).exit(0);
    assert.equal(b.status.state, 'exited');
    assert.equal(b.status.reason, 'exited with status 0 (--restart on-failure)');
    const f = new Bench({ ...WATCHDOG, respawn: { ...WATCHDOG.respawn, restart: 'always', noRestartExitCodes: [4] } });
    f.up();
    f.exit(4);
    assert.equal(f.status.state, 'exited');
  });

  it('want-down while running: the family gets the stop signal and CONT, with escalation; stopped once main and family are gone', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    const effects = b.feed({ type: 'want-down', spare: [42] });
    assert.deepEqual(effects.slice(0, 2), [
      { type: 'signal-family', signals: ['SIGTERM', 'SIGCONT'], spare: [42] },
      { type: 'escalate-after', ms: 3000 },
    ]);
    assert.equal(b.status.state, 'stopping');
    b.advance(500).exit(null, 'SIGTERM');
    assert.equal(b.status.state, 'stopping', 'the rest of the family may still be ending');
    assert.ok(!b.types().includes('reap-remains'), 'a stop gives the family its own time');
    b.feed({ type: 'family-gone', at: b.now });
    assert.equal(b.status.state, 'stopped');
    assert.ok(b.types().includes('cancel-timer'));
    assert.ok(isSettled(b.status));
  });

  it('a stop request can carry its own signal and timeout', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    const effects = b.feed({ type: 'want-down', signal: 'SIGINT', timeoutMs: 500 });
    assert.deepEqual(effects.slice(0, 2), [
      { type: 'signal-family', signals: ['SIGINT', 'SIGCONT'], spare: [] },
      { type: 'escalate-after', ms: 500 },
    ]);
  });

  it('a family that outlives the timeout gets SIGKILL; one that outlives that too is given up on', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.feed({ type: 'want-down' });
    b.advance(3000).timer();
    assert.deepEqual(b.effects.slice(1), [
      { type: 'signal-family', signals: ['SIGKILL'], spare: [] },
      { type: 'escalate-after', ms: KILL_GRACE_MS },
    ]);
    b.advance(KILL_GRACE_MS).timer();
    assert.equal(b.status.state, 'stopped');
    assert.ok(b.types().includes('log:survivors'));
  });

  it('TERM during backoff cancels the timer and stops what earlier runs left', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.advance(50).exit(1);
    assert.equal(b.status.state, 'backoff');
    b.feed({ type: 'want-down' });
    assert.deepEqual(b.types().slice(0, 3), ['cancel-timer', 'signal-family', 'escalate-after']);
    assert.equal(b.status.state, 'stopping');
    b.feed({ type: 'family-gone', at: b.now });
    assert.equal(b.status.state, 'stopped');
    b.timer(); // a timer that fired anyway changes nothing
    assert.equal(b.status.state, 'stopped');
  });

  it('USR2 while running: stop in the run\'s own time, then start again with the counters reset', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.advance(50).exit(1);
    b.advance(100).timer();
    b.spawned();
    assert.equal(b.status.restarts, 1);
    b.feed({ type: 'restart-now', at: b.now });
    assert.equal(b.status.state, 'stopping');
    assert.equal(b.status.want, 'up');
    b.advance(2000).exit(null, 'SIGTERM');
    b.feed({ type: 'family-gone', at: b.now });
    assert.deepEqual(b.effects.at(-1), { type: 'spawn' });
    b.spawned();
    assert.equal(b.status.state, 'running');
    assert.equal(b.status.restarts, 0);
    assert.deepEqual(b.status.history.deaths, []);
  });

  it('a stop sent while a USR2 restart is in flight is kept: the run ends in its own time and nothing starts again', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.feed({ type: 'restart-now', at: b.now });
    const effects = b.feed({ type: 'want-down', spare: [77] });
    assert.deepEqual(effects, [], 'no second signal: the stop under way goes on');
    assert.equal(b.status.want, 'down');
    assert.deepEqual(b.status.stopping?.spare, [77]);
    b.advance(2000).exit(null, 'SIGTERM');
    b.feed({ type: 'family-gone', at: b.now });
    assert.equal(b.status.state, 'stopped');
    assert.ok(!b.effects.some((e) => e.type === 'spawn'));
    assert.ok(b.effects.some((e) => e.type === 'cancel-timer'), 'the escalation is cancelled: no SIGKILL after the timeout');
  });

  it('USR2 during backoff starts at once, counters reset', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.advance(50).exit(1);
    b.feed({ type: 'restart-now', at: b.now });
    assert.deepEqual(b.types(), ['log:restart-now', 'cancel-timer', 'spawn']);
    assert.equal(b.status.restarts, 0);
  });

  it('USR2 while a stop of the user\'s is under way is ignored', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.feed({ type: 'want-down' });
    b.feed({ type: 'restart-now', at: b.now });
    b.exit(0);
    b.feed({ type: 'family-gone', at: b.now });
    assert.equal(b.status.state, 'stopped');
  });

  it('want-up during a stop starts again once the stop is done', () => {
    const b = new Bench(WATCHDOG);
    b.up();
    b.feed({ type: 'want-down' });
    b.feed({ type: 'want-up' });
    b.feed({ type: 'family-gone', at: b.now });
    b.exit(null, 'SIGTERM');
    assert.deepEqual(b.effects.at(-1), { type: 'spawn' });
  });

  it('a run spawned just as a stop began is stopped too', () => {
    const b = new Bench(WATCHDOG);
    b.feed({ type: 'want-up' });
    b.feed({ type: 'want-down' });
    const effects = b.feed({ type: 'spawned', pid: 9, startTicks: '90', at: b.now });
    assert.deepEqual(effects, [{ type: 'signal-family', signals: ['SIGTERM', 'SIGCONT'], spare: [] }]);
    assert.equal(b.status.stopping?.mainGone, false);
  });

  it('reload signals the run with the reload signal, and only while one runs', () => {
    const b = new Bench(WATCHDOG);
    const pid = b.up();
    assert.deepEqual(b.feed({ type: 'reload' }), [{ type: 'signal-main', pid, signal: 'SIGHUP' }]);
    b.advance(50).exit(1);
    assert.deepEqual(b.feed({ type: 'reload' }), []);
  });

  it('want-up after FATAL or EXITED starts afresh', () => {
    const b = new Bench(SUPERVISED);
    b.up();
    for (let i = 0; i < 4; i++) {
      b.advance(10).exit(1);
      if (b.status.state === 'fatal') break;
      b.advance(timerMs(b.effects)!).timer();
      b.spawned();
    }
    assert.equal(b.status.state, 'fatal');
    b.feed({ type: 'want-up' });
    assert.equal(b.status.state, 'starting');
    assert.equal(b.status.startFailures, 0);
  });
});

describe("supervisor's autorestart before the respawn policy", () => {
  const rules = (mode: 'true' | 'false' | 'unexpected'): UnitRules => ({ ...SUPERVISED, autorestart: { mode, exitcodes: [0, 2] } });
  const table: Array<[mode: 'true' | 'false' | 'unexpected', code: number | null, signal: string | null, state: string]> = [
    ['true', 0, null, 'starting'],
    ['false', 1, null, 'exited'],
    ['unexpected', 2, null, 'exited'],
    ['unexpected', 0, null, 'exited'],
    ['unexpected', 1, null, 'starting'],
    ['unexpected', null, 'SIGKILL', 'starting'],
  ];
  for (const [mode, code, signal, state] of table) {
    it(`autorestart=${mode}, ${signal ?? `exit ${code}`} after RUNNING: ${state}`, () => {
      const b = new Bench(rules(mode));
      b.up();
      b.advance(1000).timer();
      b.advance(60_000).exit(code, signal);
      assert.equal(b.status.state, state);
    });
  }
  it('a death before startsecs backs off whatever autorestart says', () => {
    const b = new Bench(rules('false'));
    b.up();
    b.advance(10).exit(0);
    assert.equal(b.status.state, 'backoff');
  });
});

describe('the defaults end a crash loop after RUNNING (issue 10)', () => {
  it('a program that reaches RUNNING and dies 1-2 s after every start is FATAL within 60 s, before its 13th start', () => {
    const r = DEFAULTS.respawn;
    for (const lifeMs of [1100, 1500, 2000]) {
      const b = new Bench({
        ...SUPERVISED,
        respawn: { restart: 'always', noRestartExitCodes: [], minUptimeMs: r.minUptimeMs, backoffMaxMs: r.backoffMaxMs, maxRestarts: r.maxRestarts, restartWindowMs: r.restartWindowMs },
      });
      const began = b.now;
      let starts = 0;
      b.up();
      starts++;
      while (b.status.state !== 'fatal' && starts < 50) {
        b.advance(1000).timer(); // startsecs: RUNNING
        b.advance(lifeMs - 1000).exit(1);
        if (b.status.state === 'backoff') b.advance(b.status.timerAt! - b.now).timer();
        if (b.status.state === 'starting' && b.status.run === null) {
          b.spawned();
          starts++;
        }
      }
      assert.equal(b.status.state, 'fatal', `life ${lifeMs} ms`);
      assert.ok(starts < 13, `life ${lifeMs} ms: ${starts} starts`);
      assert.ok(b.now - began <= 60_000, `life ${lifeMs} ms: FATAL after ${(b.now - began) / 1000} s`);
    }
  });
});
