import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
