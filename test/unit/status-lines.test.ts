import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { followStart, planRead, planTail } from '../../src/control/log-ranges';
import { parseLogtailPath } from '../../src/control/logtail-path';
import { describeProcess, Faults, formatStopTime, formatUptime, makeNamespec, RpcFault, settleEach, splitNamespec, toProcessInfo } from '../../src/control/protocol';
import {
  clearResultLine,
  CtlExit,
  exitAfterFault,
  faultResult,
  formatAvailLine,
  formatChanges,
  formatStatusTable,
  signalResultLine,
  startResultLine,
  statusOutput,
  stopResultLine,
  type StatusRow,
} from '../../src/control/status-lines';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FIXTURES } from '../helpers/paths';

// Stop times print in the server's zone; pin it for this process.
process.env.TZ = 'UTC';

const CTL = path.join(FIXTURES, 'supervisor-4.2.5', 'ctl');
const stdoutOf = (name: string): string => fs.readFileSync(path.join(CTL, name, 'stdout.txt'), 'utf8');

const row = (namespec: string, statename: keyof typeof ProcessStates, description: string): StatusRow => {
  const [group, name] = splitNamespec(namespec);
  return { group, name: name ?? group, state: ProcessStates[statename], statename, description };
};

/** The rows behind the status_mixed capture. */
const MIXED: StatusRow[] = [
  row('crash', 'BACKOFF', 'Exited too quickly (process log may have details)'),
  row('latecrash', 'STARTING', ''),
  row('missing', 'BACKOFF', "can't find command '/nonexistent/bin/thing'"),
  row('oneshot', 'STARTING', ''),
  row('server:server_00', 'RUNNING', 'pid 15169, uptime 0:00:11'),
  row('web:web_1', 'STOPPED', 'Not started'),
  row('web:web_2', 'STOPPED', 'Not started'),
];

describe('status table', () => {
  it('matches supervisorctl byte for byte, trailing spaces of STARTING included', () => {
    assert.equal(formatStatusTable(MIXED).map((line) => `${line}\n`).join(''), stdoutOf('status_mixed'));
  });

  it('widens the name column for a name longer than 30', () => {
    const long = 'g:' + 'n'.repeat(40);
    assert.deepEqual(formatStatusTable([row(long, 'RUNNING', 'pid 1, uptime 0:00:01'), row('a', 'STOPPED', 'Not started')]), [
      `${long}   RUNNING   pid 1, uptime 0:00:01`,
      `a${' '.repeat(44)}STOPPED   Not started`,
    ]);
  });

  const table: Array<[string, string[], string[], number]> = [
    ['all', [], stdoutOf('status_mixed').trimEnd().split('\n'), 3],
    ['one running', ['server:server_00'], ['server:server_00                 RUNNING   pid 15169, uptime 0:00:11'], 0],
    ['a group', ['server:*'], ['server:server_00                 RUNNING   pid 15169, uptime 0:00:11'], 0],
    ['an unknown name', ['nosuch'], ['nosuch: ERROR (no such process)'], 4],
    ['an unknown process of a known group', ['server:nosuch'], ['server:nosuch: ERROR (no such process)'], 4],
    ['an unknown group', ['nosuch:*'], ['nosuch: ERROR (no such group)'], 4],
    ['a stopped one after an unknown one: 3 wins', ['nosuch', 'web:web_1'], ['nosuch: ERROR (no such process)', 'web:web_1                        STOPPED   Not started'], 3],
    ['names in argument order', ['web:web_2', 'crash'], ['web:web_2                        STOPPED   Not started', 'crash                            BACKOFF   Exited too quickly (process log may have details)'], 3],
    ['"all" among names', ['nosuch', 'all'], stdoutOf('status_mixed').trimEnd().split('\n'), 3],
  ];
  for (const [what, names, lines, exitCode] of table) {
    it(`status of ${what}: exit ${exitCode}`, () => assert.deepEqual(statusOutput(MIXED, names), { lines, exitCode }));
  }
});

describe('result lines and exit statuses', () => {
  const r = (status: number, description = 'X') => ({ group: 'server', name: 'server_00', status, description });
  it('start', () => {
    const table: Array<[number, string]> = [
      [Faults.SUCCESS, 'server:server_00: started'],
      [Faults.BAD_NAME, 'server:server_00: ERROR (no such process)'],
      [Faults.NO_FILE, 'server:server_00: ERROR (no such file)'],
      [Faults.NOT_EXECUTABLE, 'server:server_00: ERROR (file is not executable)'],
      [Faults.ALREADY_STARTED, 'server:server_00: ERROR (already started)'],
      [Faults.SPAWN_ERROR, 'server:server_00: ERROR (spawn error)'],
      [Faults.ABNORMAL_TERMINATION, 'server:server_00: ERROR (abnormal termination)'],
    ];
    for (const [code, line] of table) assert.equal(startResultLine(r(code)), line);
  });
  it('stop, signal, clear', () => {
    assert.equal(stopResultLine(r(Faults.SUCCESS)), 'server:server_00: stopped');
    assert.equal(stopResultLine(r(Faults.NOT_RUNNING)), 'server:server_00: ERROR (not running)');
    assert.equal(stopResultLine(r(Faults.FAILED, 'FAILED: could not kill')), 'FAILED: could not kill');
    assert.equal(signalResultLine(r(Faults.SUCCESS)), 'server:server_00: signalled');
    assert.equal(signalResultLine(r(Faults.BAD_SIGNAL)), 'server:server_00: ERROR (bad signal name)');
    assert.equal(signalResultLine(r(Faults.BAD_NAME)), 'server:server_00: ERROR (no such process)');
    assert.equal(clearResultLine(r(Faults.SUCCESS)), 'server:server_00: cleared');
    assert.equal(clearResultLine(r(Faults.FAILED)), 'server:server_00: ERROR (failed)');
  });
  it('a fault on one name prints with the name as given', () => {
    assert.equal(startResultLine(faultResult('nosuch', Faults.BAD_NAME, 'BAD_NAME: nosuch')), stdoutOf('start_bad').trimEnd());
    assert.equal(stopResultLine(faultResult('server', Faults.BAD_NAME, 'BAD_NAME: server')), stdoutOf('stop_groupname_only').trimEnd());
  });
  it('exit statuses from faults', () => {
    const table: Array<[number, number | undefined, number]> = [
      [Faults.SUCCESS, undefined, 0],
      [Faults.ALREADY_STARTED, Faults.ALREADY_STARTED, 0],
      [Faults.NOT_RUNNING, Faults.NOT_RUNNING, 0],
      [Faults.SPAWN_ERROR, Faults.ALREADY_STARTED, CtlExit.NOT_RUNNING],
      [Faults.ABNORMAL_TERMINATION, undefined, 7],
      [Faults.NOT_RUNNING, undefined, 7],
      [Faults.BAD_NAME, Faults.ALREADY_STARTED, 1],
      [Faults.NO_FILE, Faults.ALREADY_STARTED, 1],
      [Faults.BAD_SIGNAL, undefined, 1],
    ];
    for (const [code, ignored, exit] of table) assert.equal(exitAfterFault(0, code, ignored), exit, `code ${code}`);
    assert.equal(exitAfterFault(7, Faults.SUCCESS), 7, 'success keeps an earlier failure');
  });
  it('reread changes and avail lines', () => {
    assert.deepEqual(formatChanges([['web', 'crash', 'oneshot', 'missing', 'latecrash'], [], []]), stdoutOf('reread_add').trimEnd().split('\n'));
    assert.deepEqual(formatChanges([[], ['web'], ['latecrash']]), stdoutOf('reread_changed').trimEnd().split('\n'));
    assert.deepEqual(formatChanges([[], [], []]), ['No config updates to processes']);
    assert.equal(formatAvailLine({ group: 'server', name: 'server_00', inuse: true, autostart: true, group_prio: 999, process_prio: 999 }), stdoutOf('avail').trimEnd());
    assert.equal(formatAvailLine({ group: 'web', name: 'web', inuse: false, autostart: false, group_prio: 1, process_prio: 2 }), `web${' '.repeat(30)}avail     manual    1:2`);
  });
});

describe('process descriptions', () => {
  it('uptime as Python prints a timedelta', () => {
    const table: Array<[number, string]> = [[0, '0:00:00'], [4, '0:00:04'], [86399, '23:59:59'], [86404, '1 day, 0:00:04'], [2 * 86400 + 3723, '2 days, 1:02:03'], [-30, '0:00:00']];
    for (const [seconds, text] of table) assert.equal(formatUptime(seconds), text);
  });
  it('stop times in the C locale, 12-hour clock', () => {
    assert.equal(formatStopTime(Date.UTC(2026, 10, 29, 18, 22) / 1000), 'Nov 29 06:22 PM');
    assert.equal(formatStopTime(Date.UTC(2026, 10, 29, 0, 5) / 1000), 'Nov 29 12:05 AM');
    assert.equal(formatStopTime(Date.UTC(2026, 0, 3, 12, 0) / 1000), 'Jan 03 12:00 PM');
  });
  it('by state', () => {
    const base = { name: 'web_1', pid: 0, start: 0, stop: 0, now: 1000, spawnerr: '' };
    const table: Array<[number, Partial<typeof base>, string]> = [
      [ProcessStates.RUNNING, { pid: 41382, start: 996 }, 'pid 41382, uptime 0:00:04'],
      [ProcessStates.BACKOFF, { spawnerr: 'Exited too quickly (process log may have details)' }, 'Exited too quickly (process log may have details)'],
      [ProcessStates.FATAL, {}, 'unknown error (try "tail web_1")'],
      [ProcessStates.STOPPED, {}, 'Not started'],
      [ProcessStates.EXITED, { start: 1795976497, stop: Date.UTC(2026, 10, 29, 18, 22) / 1000 }, 'Nov 29 06:22 PM'],
      [ProcessStates.STARTING, { pid: 5, start: 999 }, ''],
      [ProcessStates.STOPPING, { pid: 5, start: 999 }, ''],
      [ProcessStates.UNKNOWN, {}, ''],
    ];
    for (const [state, fields, text] of table) assert.equal(describeProcess({ ...base, ...fields, state }), text, `state ${state}`);
  });
  it('the process struct in supervisor key order, times truncated and capped', () => {
    const info = toProcessInfo({ name: 'server_00', group: 'server', start: 1795976497.7, stop: 0, state: 20, spawnerr: '', exitstatus: 0, stdoutLogfile: '/tmp/s.log', stderrLogfile: '', pid: 11526 }, 1795976509.9);
    assert.deepEqual(Object.keys(info), ['name', 'group', 'start', 'stop', 'now', 'state', 'statename', 'spawnerr', 'exitstatus', 'logfile', 'stdout_logfile', 'stderr_logfile', 'pid', 'description']);
    assert.equal(info.description, 'pid 11526, uptime 0:00:12');
    assert.equal(info.logfile, '/tmp/s.log');
    assert.equal(toProcessInfo({ ...info, stdoutLogfile: '', stderrLogfile: '', start: 2 ** 40 }, 0).start, 2 ** 31 - 1);
  });
});

describe('namespecs and group results', () => {
  it('split and make', () => {
    assert.deepEqual(splitNamespec('server:server_00'), ['server', 'server_00']);
    assert.deepEqual(splitNamespec('web:*'), ['web', null]);
    assert.deepEqual(splitNamespec('web:'), ['web', null]);
    assert.deepEqual(splitNamespec('crash'), ['crash', 'crash']);
    assert.deepEqual(splitNamespec('a:b:c'), ['a', 'b:c']);
    assert.equal(makeNamespec('crash', 'crash'), 'crash');
    assert.equal(makeNamespec('web', 'web_1'), 'web:web_1');
  });
  it('fault strings', () => {
    assert.equal(new RpcFault(Faults.BAD_NAME, 'x').text, 'BAD_NAME: x');
    assert.equal(new RpcFault(Faults.UNKNOWN_METHOD).text, 'UNKNOWN_METHOD');
    assert.equal(new RpcFault(999).text, 'UNKNOWN');
  });
  it('settleEach lists outcomes as they settle', async () => {
    const results = await settleEach(
      [
        { group: 'web', name: 'web_1' },
        { group: 'web', name: 'web_2' },
      ],
      async (ns) => {
        if (ns === 'web:web_2') throw new RpcFault(Faults.ALREADY_STARTED, ns);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    );
    assert.deepEqual(results, [
      { name: 'web_2', group: 'web', status: 60, description: 'ALREADY_STARTED: web:web_2' },
      { name: 'web_1', group: 'web', status: 80, description: 'OK' },
    ]);
  });
});

describe('log byte ranges (values from supervisor readFile/tailFile on a 100-byte file)', () => {
  it('read', () => {
    const table: Array<[number, number, [number, number] | 'BAD']> = [
      [-20, 0, [80, 100]], [-200, 0, [0, 100]], [0, 0, [0, 100]], [5, 10, [5, 15]], [95, 10, [95, 100]], [200, 0, [100, 100]], [200, 5, [100, 100]], [-5, 3, 'BAD'], [5, -1, 'BAD'],
    ];
    for (const [offset, length, want] of table) {
      if (want === 'BAD') assert.throws(() => planRead(100, offset, length), (e: RpcFault) => e.code === Faults.BAD_ARGUMENTS);
      else assert.deepEqual(planRead(100, offset, length), { start: want[0], end: want[1] }, `${offset},${length}`);
    }
    assert.deepEqual(planRead(100, 0, 0, 10), { start: 0, end: 10 });
  });
  it('tail', () => {
    const table: Array<[number, number, number, number, boolean]> = [
      [0, 64, 36, 64, true], [0, 200, 0, 100, false], [50, 10, 90, 10, true], [99, 10, 90, 10, false], [100, 10, 100, 0, false], [150, 10, 100, 0, false], [0, 0, 99, 0, true], [-5, 10, 90, 10, true], [90, -3, 99, 0, true],
    ];
    for (const [offset, length, start, count, overflow] of table) {
      assert.deepEqual(planTail(100, offset, length), { start, end: start + count, next: 100, overflow }, `${offset},${length}`);
    }
  });
  it('tail -f starts 1024 bytes from the end', () => {
    assert.equal(followStart(5000), 3976);
    assert.equal(followStart(1024), 0);
    assert.equal(followStart(10), 0);
  });
});

describe('/logtail paths name a process, never a file', () => {
  const table: Array<[string, ReturnType<typeof parseLogtailPath>]> = [
    ['/logtail/server:server_00/stdout', { namespec: 'server:server_00', channel: 'stdout' }],
    ['/logtail/server:server_00', { namespec: 'server:server_00', channel: 'stdout' }],
    ['/logtail/server%3Aserver_00/stderr', { namespec: 'server:server_00', channel: 'stderr' }],
    ['//logtail/crash/stdout?x=1', { namespec: 'crash', channel: 'stdout' }],
    ['/logtail/../../etc/passwd', null],
    ['/logtail/..%2F..%2Fetc%2Fpasswd', null],
    ['/logtail/x/stdin', null],
    ['/logtail/web:*/stdout', null],
    ['/logtail/', null],
    ['/logtail/%E0%A4%A', null],
    ['/logtailx/a', null],
  ];
  for (const [url, want] of table) it(url, () => assert.deepEqual(parseLogtailPath(url), want));
});
