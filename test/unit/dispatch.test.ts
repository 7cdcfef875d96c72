import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ConfigInfo } from '../../src/control/backend';
import { createDispatcher, type LogReader } from '../../src/control/dispatch';
import { createFileLogReader } from '../../src/control/log-files';
import { RpcFault } from '../../src/control/protocol';
import { decodeMethodResponse, encodeMethodResponse, type XmlRpcValue } from '../../src/control/xmlrpc';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FakeSupervisor } from '../helpers/fake-supervisor';
import { FIXTURES } from '../helpers/paths';
import { makeTempDir } from '../helpers/tmp';

const RESPONSES = path.join(FIXTURES, 'supervisor-4.2.5', 'responses');
const body = (file: string): string => {
  const raw = fs.readFileSync(path.join(RESPONSES, file), 'utf8');
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
};

/** The table and clock of the `status` capture. */
function captureFake(): FakeSupervisor {
  return new FakeSupervisor(
    [
      { group: 'server', name: 'server_00', state: ProcessStates.RUNNING, pid: 11526, start: 1795976497, stdoutLogfile: '/tmp/supexp/server.log' },
      { group: 'web', name: 'web_1', state: ProcessStates.STOPPED },
      { group: 'web', name: 'web_2', state: ProcessStates.STOPPED },
    ],
    () => 1795976509,
    5,
  );
}

const noLogs: LogReader = { exists: async () => false, read: async () => '', tail: async () => ['', 0, false] };

async function fault(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcFault) return [error.code, error.text];
    throw error;
  }
  assert.fail('expected a fault');
}

describe('dispatch', () => {
  it('answers getAllProcessInfo byte for byte as supervisord did', async () => {
    const fake = captureFake();
    fake.processes.delete('web:web_1');
    fake.processes.delete('web:web_2');
    const d = createDispatcher({ backend: fake, logs: noLogs, now: () => 1795976509 });
    assert.equal(encodeMethodResponse(await d.call('supervisor.getAllProcessInfo', [])), body('getAllProcessInfo.http'));
    assert.equal(encodeMethodResponse(await d.call('supervisor.getVersion', [])), body('getVersion.http'));
  });

  it('answers startProcessGroup and reloadConfig as supervisord did', async () => {
    const d = createDispatcher({ backend: captureFake(), logs: noLogs });
    assert.equal(encodeMethodResponse(await d.call('supervisor.startProcessGroup', ['web'])), body('startProcessGroup.http'));
    assert.equal(encodeMethodResponse(await d.call('supervisor.reloadConfig', [])), body('reloadConfig.http'));
  });

  it('sends config structs in supervisor key order', async () => {
    const decoded = decodeMethodResponse(body('getAllConfigInfo.http'));
    assert.ok(decoded.ok && decoded.value.kind === 'value');
    const infos = decoded.value.value as unknown as ConfigInfo[];
    // Shuffle each struct's keys: the order on the wire must come from the dispatcher.
    const shuffled = infos.map((info) => Object.fromEntries(Object.entries(info).reverse()) as unknown as ConfigInfo);
    const backend = Object.assign(captureFake(), { getAllConfigInfo: () => shuffled });
    const d = createDispatcher({ backend, logs: noLogs });
    assert.equal(encodeMethodResponse(await d.call('supervisor.getAllConfigInfo', [])), body('getAllConfigInfo.http'));
  });

  it('multicall: bare values or fault structs, in order; no nesting', async () => {
    const d = createDispatcher({ backend: captureFake(), logs: noLogs });
    const calls: XmlRpcValue = [
      { methodName: 'supervisor.getAPIVersion', params: [] },
      { methodName: 'supervisor.getProcessInfo', params: ['nosuch'] },
      { methodName: 'supervisor.getState', params: [] },
      { methodName: 'system.multicall', params: [[]] },
      { params: [] },
    ];
    assert.deepEqual(await d.call('system.multicall', [calls]), [
      '3.0',
      { faultCode: 10, faultString: 'BAD_NAME: nosuch' },
      { statecode: 1, statename: 'RUNNING' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
      { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
    ]);
  });

  it('unknown and private methods, arity and types', async () => {
    const d = createDispatcher({ backend: captureFake(), logs: noLogs });
    assert.deepEqual(await fault(d.call('supervisor.noSuchMethod', [])), [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(await fault(d.call('supervisor._getAllProcesses', [])), [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(await fault(d.call('supervisor.getState.__class__', [])), [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(await fault(d.call('supervisor.sendRemoteCommEvent', ['a', 'b'])), [1, 'UNKNOWN_METHOD']);
    assert.deepEqual(await fault(d.call('supervisor.getProcessInfo', [])), [2, 'INCORRECT_PARAMETERS']);
    assert.deepEqual(await fault(d.call('supervisor.getProcessInfo', ['a', 'b'])), [2, 'INCORRECT_PARAMETERS']);
    assert.deepEqual(await fault(d.call('supervisor.getProcessInfo', [3])), [2, 'INCORRECT_PARAMETERS']);
    assert.deepEqual(await fault(d.call('supervisor.readProcessStdoutLog', ['web:web_1', 'x', 0])), [2, 'INCORRECT_PARAMETERS']);
    assert.deepEqual(await fault(d.call('system.methodHelp', ['nope'])), [4, 'SIGNATURE_UNSUPPORTED']);
    assert.deepEqual(await d.call('system.methodSignature', ['supervisor.startProcess']), ['boolean', 'string', 'boolean']);
    const names = (await d.call('system.listMethods', [])) as string[];
    assert.ok(names.includes('supervisor.getVersion') && names.includes('system.multicall') && !names.includes('supervisor.restart'));
  });

  it('group:* on single-process methods runs the group method; one-process methods refuse it', async () => {
    const d = createDispatcher({ backend: captureFake(), logs: noLogs });
    const started = (await d.call('supervisor.startProcess', ['web:*', true])) as Array<{ status: number }>;
    assert.deepEqual(started.map((r) => r.status), [80, 80]);
    assert.deepEqual(await fault(d.call('supervisor.startProcess', ['nosuch:*'])), [10, 'BAD_NAME: nosuch:*']);
    assert.deepEqual(await fault(d.call('supervisor.getProcessInfo', ['web:*'])), [10, 'BAD_NAME: web:*']);
    assert.equal(await d.call('supervisor.signalProcess', ['web:web_1', 1]), true, 'a signal may be a number');
    assert.deepEqual(await fault(d.call('supervisor.signalProcess', ['web:web_1', 'FOO'])), [11, 'BAD_SIGNAL: FOO']);
  });

  it('every supervisor.* method refuses with SHUTDOWN_STATE once the supervisor is shutting down', async () => {
    const fake = captureFake();
    const d = createDispatcher({ backend: fake, logs: noLogs });
    assert.equal(await d.call('supervisor.shutdown', []), true);
    assert.deepEqual(await fault(d.call('supervisor.getVersion', [])), [6, 'SHUTDOWN_STATE']);
    assert.deepEqual(await fault(d.call('supervisor.shutdown', [])), [6, 'SHUTDOWN_STATE']);
    assert.ok(Array.isArray(await d.call('system.listMethods', [])));
  });

  it('reads and tails logs by the backend path only, with supervisor faults', async (t) => {
    const dir = makeTempDir(t);
    const log = path.join(dir, 'server.log');
    fs.writeFileSync(log, '0123456789'.repeat(10));
    const fake = captureFake();
    fake.processes.get('server:server_00')!.stdoutLogfile = log;
    fake.processes.get('web:web_1')!.stdoutLogfile = path.join(dir, 'not-yet.log');
    const d = createDispatcher({ backend: fake, logs: createFileLogReader() });
    assert.equal(await d.call('supervisor.readProcessStdoutLog', ['server:server_00', -12, 0]), '890123456789');
    assert.equal(await d.call('supervisor.readProcessLog', ['server:server_00', 95, 0]), '56789');
    assert.deepEqual(await d.call('supervisor.tailProcessStdoutLog', ['server:server_00', 0, 4]), ['6789', 100, true]);
    assert.deepEqual(await fault(d.call('supervisor.readProcessStdoutLog', ['server:server_00', -5, 3])), [3, 'BAD_ARGUMENTS']);
    assert.deepEqual(await fault(d.call('supervisor.readProcessStderrLog', ['server:server_00', -5, 0])), [20, 'NO_FILE']);
    assert.deepEqual(await fault(d.call('supervisor.readProcessStdoutLog', ['web:web_1', -5, 0])), [20, `NO_FILE: ${path.join(dir, 'not-yet.log')}`]);
    assert.deepEqual(await fault(d.call('supervisor.readProcessStdoutLog', ['../../etc/passwd', -5, 0])), [10, 'BAD_NAME: ../../etc/passwd']);
    assert.deepEqual(await d.call('supervisor.tailProcessStderrLog', ['server:server_00', 0, 10]), ['', 0, false]);
  });
});
