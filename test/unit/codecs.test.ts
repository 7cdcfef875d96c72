import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEnvironmentText, parseEnvironmentText, type EnvironmentRecord } from '../../src/model/environ-codec';
import { parsePidfileText } from '../../src/model/pidfile-codec';
import { formatStateText, parseStateText } from '../../src/model/state-codec';
import { formatStopRequest, parseStopRequest, readStopRequestText } from '../../src/model/stop-request';
import type { PlainRecord } from '../../src/model/record';
import { plainRecord } from '../helpers/records';

const record: PlainRecord = plainRecord({ command: ['./app'], env: { A: 'b' } });
const text = formatStateText(record);

describe('the state file codec trusts nothing it did not check', () => {
  it('reads back what it writes', () => {
    assert.deepEqual(parseStateText(text), { kind: 'ok', record });
  });

  it('reads the command file and --ready a start records, and a record of an older tdaemon without them', () => {
    const full = { ...record, commandPath: '/srv/app', ready: 'tcp:127.0.0.1:80', readyTimeoutMs: 30000 };
    assert.deepEqual(parseStateText(formatStateText(full)), { kind: 'ok', record: full });
    assert.equal(record.commandPath, undefined, 'the older record has none');
    assert.deepEqual(parseStateText(text), { kind: 'ok', record });
  });

  // [case, text, reason]
  const table: Array<[string, string, string]> = [
    ['empty', '', 'it is empty'],
    ['truncated', text.slice(0, 200), 'it is not JSON (truncated or corrupt)'],
    ['not an object', '[1,2]', 'it is not a tdaemon state record'],
    ['another format', JSON.stringify({ ...record, format: 2 }), 'it has format 2, and this tdaemon reads format 1'],
    ['no format', JSON.stringify({ pid: 1 }), 'it has format null, and this tdaemon reads format 1'],
    ['a field missing', JSON.stringify({ ...record, command: undefined }), "its field 'command' is missing"],
    ['a pid that is not one', JSON.stringify({ ...record, pid: -3 }), "its field 'pid' has a bad value (-3)"],
    ['an empty command', JSON.stringify({ ...record, command: [] }), "its field 'command' has a bad value ([])"],
    ['half watched', JSON.stringify({ ...record, watchdog: {} }), "its field 'respawn' and 'watchdog' disagree"],
    ['a command file that is not a string', JSON.stringify({ ...record, commandPath: null }), "its field 'commandPath' has a bad value (null)"],
    ['a bad ready timeout', JSON.stringify({ ...record, ready: 'tcp:1', readyTimeoutMs: -1 }), "its field 'readyTimeoutMs' has a bad value (-1)"],
    ['a bad log rotation', JSON.stringify({ ...record, logRotation: { maxBytes: -1, backups: 2 } }), `its field 'logRotation' has a bad value ({"maxBytes":-1,"backups":2})`],
    ['a cgroup that is not a path', JSON.stringify({ ...record, cgroup: 3 }), "its field 'cgroup' has a bad value (3)"],
    ['forking without its session', JSON.stringify({ ...record, forking: { commandPidfile: '/run/x.pid' } }), "its field 'forking' has a bad value ({\"commandPidfile\":\"/run/x.pid\"})"],
  ];
  for (const [name, input, reason] of table) {
    it(name, () => assert.deepEqual(parseStateText(input), { kind: 'invalid', reason }));
  }

  it('reads a forking record with its cgroup back, and a record written before either field as it was', () => {
    const forking: PlainRecord = { ...record, cgroup: '/sys/fs/cgroup/tdaemon/web.pid-0123456789abcdef', forking: { commandPidfile: '/run/nginx.pid', sid: 77, sidStartTicks: '12' } };
    assert.deepEqual(parseStateText(formatStateText(forking)), { kind: 'ok', record: forking });
    assert.equal(Object.hasOwn(record, 'forking'), false);
    assert.deepEqual(parseStateText(text), { kind: 'ok', record });
  });

  it('takes a record with or without logRotation (older records have none)', () => {
    for (const logRotation of [undefined, null, { maxBytes: 1024, backups: 3 }]) {
      const input = { ...record, logRotation };
      assert.deepEqual(parseStateText(JSON.stringify(input)), { kind: 'ok', record: JSON.parse(JSON.stringify(input)) });
    }
  });
});

describe('the environ file codec', () => {
  const environ: EnvironmentRecord = { format: 1, pid: 42, startTicks: '1000', environment: { PATH: '/usr/bin', DATABASE_URL: 'postgres://u:p@db/x' } };
  it('reads back what it writes', () => assert.deepEqual(parseEnvironmentText(formatEnvironmentText(environ)), environ));
  // [case, text]: each is no record at all
  const table: Array<[string, string]> = [
    ['empty', ''],
    ['truncated', formatEnvironmentText(environ).slice(0, 30)],
    ['an array', '[]'],
    ['another format', JSON.stringify({ ...environ, format: 2 })],
    ['no pid', JSON.stringify({ ...environ, pid: undefined })],
    ['no start time', JSON.stringify({ ...environ, startTicks: 7 })],
    ['a value that is not a string', JSON.stringify({ ...environ, environment: { A: 1 } })],
    ['no environment', JSON.stringify({ ...environ, environment: null })],
  ];
  for (const [name, input] of table) it(name, () => assert.equal(parseEnvironmentText(input), null));
});

describe('pidfiles and stop requests', () => {
  it('reads a pidfile strictly', () => {
    assert.deepEqual(parsePidfileText('42\n'), { kind: 'pid', pid: 42, text: '42\n' });
    assert.equal(parsePidfileText('').kind, 'invalid');
    assert.equal(parsePidfileText('0\n').kind, 'invalid');
    assert.equal(parsePidfileText('42 43\n').kind, 'invalid');
    assert.equal(parsePidfileText('99999999\n').kind, 'invalid');
  });

  it('keeps only the well-formed fields of a stop request', () => {
    assert.deepEqual(parseStopRequest(formatStopRequest({ signal: 'SIGINT', timeoutMs: 500, requester: 7 })), { signal: 'SIGINT', timeoutMs: 500, requester: 7 });
    assert.deepEqual(parseStopRequest('{"signal":"rm -rf","timeoutMs":-1,"requester":"x"}'), {});
    assert.deepEqual(parseStopRequest('{"signal":'), {});
  });

  it('says what is wrong with a stop request it could not take whole', () => {
    assert.equal(readStopRequestText(formatStopRequest({ signal: 'SIGTERM', timeoutMs: 1000, requester: 7 })).problem, null);
    assert.equal(readStopRequestText('{"signal":').problem, 'it is not JSON (truncated or corrupt)');
    assert.equal(readStopRequestText('[]').problem, 'it is not a stop request');
    assert.equal(readStopRequestText('{"signal":"TERM;rm","timeoutMs":5}').problem, "its 'signal' has a bad value");
    assert.equal(readStopRequestText('{"timeoutMs":-1,"requester":0}').problem, "its 'timeoutMs', 'requester' have bad values");
  });
});
