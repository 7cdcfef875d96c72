import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlainRecord, WatchdogReport, WatchedRecord } from '../../src/model/record';
import { formatCommand, formatUptime } from '../../src/policy/describe';
import { describeStarted, describeStatus } from '../../src/policy/status-text';
import { evaluateStatus, type StatusFacts } from '../../src/policy/status-verdict';
import { plainRecord } from '../helpers/records';

const record: PlainRecord = plainRecord();

const watch: WatchdogReport = {
  state: 'running',
  childPid: 5000,
  childStartTicks: '1100',
  childStartedAt: '2026-11-24T00:00:01.000Z',
  restarts: 2,
  lastExit: { code: 1, signal: null, at: '2026-11-24T00:00:00.900Z', afterMs: 50 },
  nextRestartAt: null,
  reason: null,
  watchdogRssKb: 43000,
};

const base: StatusFacts = {
  name: 'app',
  pidfilePath: '/srv/app.pid',
  statefilePath: '/srv/app.state',
  pidfile: { kind: 'pid', pid: 4242, text: '4242\n' },
  state: { kind: 'ok', record },
  pidIsOurs: true,
  pidAlive: true,
  childIsOurs: false,
  leftovers: [],
  untracked: [],
  claimedBy: null,
  uptimeSeconds: 11520,
};
const watched: WatchedRecord = { ...record, respawn: { restart: 'on-failure', noRestartExitCodes: [], minUptimeMs: 10000, backoffMaxMs: 30000, maxRestarts: 10, restartWindowMs: 60000 }, watchdog: watch };

// [case, facts, kind, exit status, summary]
const table: Array<[string, Partial<StatusFacts>, string, number, string]> = [
  ['running', {}, 'running', 0, 'running (pid 4242, up 3h12m) ./app --port 8080'],
  ['no pidfile', { pidfile: { kind: 'absent' } }, 'not-running', 3, 'not running'],
  ['empty pidfile', { pidfile: { kind: 'invalid', problem: 'empty', reason: 'it is empty' } }, 'unknown', 4, 'unknown (pidfile /srv/app.pid: it is empty)'],
  ['pid gone', { pidIsOurs: false, pidAlive: false }, 'dead', 1, 'dead (pidfile /srv/app.pid names pid 4242, which is gone)'],
  ['pid reused', { pidIsOurs: false }, 'dead', 1, 'dead (pidfile /srv/app.pid names pid 4242, which is now another process)'],
  ['no record: a pidfile tdaemon did not write', { state: { kind: 'absent' }, pidIsOurs: false }, 'foreign', 0,
    'running (pid 4242), not started by tdaemon: no record of it beside /srv/app.pid'],
  ['a record of another pid', { state: { kind: 'ok', record: { ...record, pid: 99 } }, pidIsOurs: false }, 'foreign', 0,
    'running (pid 4242), not started by tdaemon: no record of it beside /srv/app.pid'],
  ['no record, pid gone', { state: { kind: 'absent' }, pidIsOurs: false, pidAlive: false }, 'dead', 1, 'dead (pidfile /srv/app.pid names pid 4242, which is gone)'],
  ['session left', { pidIsOurs: false, pidAlive: false, leftovers: [7, 8] }, 'dead', 1,
    'dead (pidfile /srv/app.pid names pid 4242, which is gone; 2 of its processes still running (7 8))'],
  ['corrupt state file', { state: { kind: 'invalid', reason: 'it is not JSON (truncated or corrupt)' }, pidIsOurs: false }, 'unknown', 4,
    'unknown (state file /srv/app.state: it is not JSON (truncated or corrupt))'],
  ['watched', { state: { kind: 'ok', record: watched }, uptimeSeconds: 65 }, 'running', 0,
    'running (pid 5000, up 1m5s, watchdog 4242, 2 restarts) ./app --port 8080'],
  ['watchdog lost', { state: { kind: 'ok', record: watched }, pidIsOurs: false, pidAlive: false, childIsOurs: true, uptimeSeconds: 5 }, 'watchdog-lost', 0,
    'running (pid 5000, up 5s), watchdog lost (pid 4242 is gone) ./app --port 8080'],
  ['gave up', { state: { kind: 'ok', record: { ...watched, watchdog: { ...watch, state: 'gave-up', childPid: null, reason: '11 deaths in 60 s' } } }, pidIsOurs: false, pidAlive: false }, 'gave-up', 1,
    'gave up (11 deaths in 60 s; last exited with status 1) ./app --port 8080'],
  ['backoff', { state: { kind: 'ok', record: { ...watched, watchdog: { ...watch, state: 'backoff', childPid: null, nextRestartAt: '2026-11-24T00:00:02.400Z' } } } }, 'restarting', 1,
    'restarting (watchdog 4242, 2 restarts, last exited with status 1, restarting at 00:00:02.400) ./app --port 8080'],
  ['watchdog, no command yet', { state: { kind: 'ok', record: { ...watched, watchdog: { ...watch, state: 'starting', childPid: null, childStartTicks: null, restarts: 0, lastExit: null } } } }, 'starting', 1,
    'starting (watchdog 4242, no command yet) ./app --port 8080'],
  ['first run over, next not begun', { state: { kind: 'ok', record: { ...watched, watchdog: { ...watch, state: 'starting', childPid: null, childStartTicks: null } } } }, 'starting', 1,
    'starting (watchdog 4242, no command yet, 2 restarts) ./app --port 8080'],
  ['untracked', { pidfile: { kind: 'absent' }, state: { kind: 'absent' }, untracked: [77, 78] }, 'untracked', 4,
    "untracked (no pidfile, but pids 77 78 carry its tag: a start was killed before it recorded them; 'tdaemon stop' ends them)"],
  ['being started', { pidfile: { kind: 'absent' }, state: { kind: 'absent' }, untracked: [77], claimedBy: 90 }, 'changing', 4,
    'being changed (tdaemon pid 90 is starting or stopping pid 77)'],
];

describe('evaluateStatus gives LSB codes and one readable line', () => {
  for (const [name, facts, kind, exitCode, summary] of table) {
    it(name, () => {
      const verdict = evaluateStatus({ ...base, ...facts });
      assert.equal(verdict.kind, kind);
      assert.equal(verdict.exitCode, exitCode);
      assert.equal(describeStatus(verdict, base.pidfilePath), summary);
      assert.doesNotMatch(summary, /null/, 'no null is ever printed');
    });
  }

  it("start's line never says pid null: a watched command not running yet, or whose first run already ended", () => {
    assert.equal(describeStarted(4242, null, null), 'pid 4242');
    assert.equal(describeStarted(5000, 4242, null), 'pid 5000, watchdog 4242');
    assert.equal(describeStarted(null, 4242, null), 'watchdog 4242, no command yet');
    assert.equal(
      describeStarted(null, 4242, 'exited with status 1'),
      'watchdog 4242, no command running: its first run exited with status 1; the watchdog restarts it by its policy',
    );
  });

  it('formats uptimes and command lines for people', () => {
    assert.deepEqual([5, 65, 3600, 11520, 90000].map(formatUptime), ['5s', '1m5s', '1h0m', '3h12m', '1d1h']);
    assert.equal(formatCommand(['sh', '-c', "echo 'hi' there"]), `sh -c 'echo '\\''hi'\\'' there'`);
  });
});
