/**
 * tdaemon's ctl commands against one server, the real supervisorctl against
 * an identical twin: the same command sequence must print the same lines and
 * end with the same exit status, state changes included.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ctl from '../../src/control/ctl-commands';
import { createRpcClient, type RpcClient } from '../../src/control/rpc-client';
import { startRpcServer, type RpcServer } from '../../src/control/rpc-server';
import type { CtlOutput } from '../../src/control/status-lines';
import { ProcessStates } from '../../src/model/supervisor-states';
import { FakeSupervisor } from '../helpers/fake-supervisor';
import { SUPERVISORCTL, SupervisorctlDriver } from '../helpers/supervisorctl';
import { makeTempDir } from '../helpers/tmp';

const NOW = 1795976509;

function makeFake(log: string): FakeSupervisor {
  const fake = new FakeSupervisor(
    [
      { group: 'crash', name: 'crash', state: ProcessStates.BACKOFF, spawnerr: 'Exited too quickly (process log may have details)', onStart: 'spawn-error' },
      { group: 'missing', name: 'missing', state: ProcessStates.FATAL, spawnerr: "can't find command '/nonexistent/bin/thing'", onStart: 'no-file' },
      { group: 'server', name: 'server_00', state: ProcessStates.RUNNING, pid: 15169, start: NOW - 3725, stdoutLogfile: log },
      { group: 'web', name: 'web_1', state: ProcessStates.STOPPED, autostart: false },
      { group: 'web', name: 'web_2', state: ProcessStates.EXITED, start: NOW - 100, stop: NOW - 50, autostart: false },
    ],
    () => NOW,
    5,
  );
  fake.define({ group: 'extra', name: 'extra', state: ProcessStates.STOPPED });
  fake.processes.delete('extra');
  return fake;
}

/** Our command for a supervisorctl argument list. */
function ours(caller: ctl.Caller, argv: string[]): Promise<CtlOutput> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'status':
      return ctl.ctlStatus(caller, rest);
    case 'start':
      return ctl.ctlStart(caller, rest);
    case 'stop':
      return ctl.ctlStop(caller, rest);
    case 'restart':
      return ctl.ctlRestart(caller, rest);
    case 'signal':
      return ctl.ctlSignal(caller, rest[0], rest.slice(1));
    case 'pid':
      return ctl.ctlPid(caller, rest);
    case 'avail':
      return ctl.ctlAvail(caller);
    case 'version':
      return ctl.ctlVersion(caller);
    case 'reread':
      return ctl.ctlReread(caller);
    case 'update':
      return ctl.ctlUpdate(caller, rest);
    case 'clear':
      return ctl.ctlClear(caller, rest);
    case 'shutdown':
      return ctl.ctlShutdown(caller);
    case 'tail': {
      const bytes = rest[0].startsWith('-') ? Number(rest.shift()!.slice(1)) : 1600;
      return ctl.ctlTail(caller, rest[0], (rest[1] as 'stdout' | 'stderr') ?? 'stdout', bytes);
    }
    default:
      throw new Error(`no such verb ${verb}`);
  }
}

const SEQUENCE: string[][] = [
  ['status'], ['status', 'server:*'], ['status', 'nosuch'], ['status', 'nosuch:*'], ['status', 'nosuch', 'web:web_1'], ['status', 'web:web_2', 'crash'],
  ['start'], ['start', 'web:*'], ['start', 'web:*'], ['start', 'nosuch'], ['start', 'nosuch:*'], ['start', 'missing'], ['start', 'crash'],
  ['stop', 'server'], ['stop', 'server:server_00'], ['stop', 'server:server_00'], ['stop', 'nosuch:*'], ['stop'], ['status'],
  ['restart', 'server:server_00'], ['restart', 'web:*'], ['restart'],
  ['signal', 'HUP', 'server:server_00'], ['signal', 'FOO', 'server:server_00'], ['signal', 'HUP', 'web:*'], ['signal', 'HUP', 'nosuch:*'], ['signal', 'HUP', 'all'], ['signal', 'HUP'],
  ['pid'], ['pid', 'all'], ['pid', 'server:server_00'], ['pid', 'missing'], ['pid', 'nosuch'],
  ['avail'], ['version'],
  ['tail', 'server:server_00'], ['tail', '-20', 'server:server_00'], ['tail', 'server:server_00', 'stderr'], ['tail', 'nosuch'], ['tail', 'web:web_1'],
  ['clear', 'server:server_00'], ['clear', 'nosuch'], ['clear', 'all'],
  ['stop', 'all'], ['start', 'all'], ['status'],
  ['reread'], ['update', 'nosuch'], ['update'], ['reread'], ['status'],
  ['shutdown'], ['shutdown'],
];

describe("tdaemon's ctl commands print what supervisorctl prints", { skip: SUPERVISORCTL ? false : 'supervisorctl is not installed (apt-get install supervisor)' }, () => {
  const servers: RpcServer[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  let conf: string;
  let client: RpcClient;
  let caller: ctl.Caller;
  let theirs: FakeSupervisor;
  let mine: FakeSupervisor;
  let driver: SupervisorctlDriver;

  before(async () => {
    const dir = makeTempDir({ after: (fn) => void cleanups.push(fn) }, 'tdaemon-twins-');
    const make = async (name: string) => {
      const log = path.join(dir, `${name}.log`);
      fs.writeFileSync(log, 'line one\nline two of the log, a little longer\n');
      const fake = makeFake(log);
      const socket = path.join(dir, `${name}.sock`);
      servers.push(await startRpcServer({ backend: fake, socketPath: socket, now: () => NOW }));
      return { fake, socket };
    };
    const a = await make('theirs');
    const b = await make('mine');
    theirs = a.fake;
    mine = b.fake;
    conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(conf, `[supervisorctl]\nserverurl=unix://${a.socket}\n`);
    client = createRpcClient({ serverUrl: `unix://${b.socket}` });
    caller = { serverUrl: `unix://${b.socket}`, call: client.call };
    driver = new SupervisorctlDriver();
  });

  after(async () => {
    await driver?.close();
    client?.close();
    await Promise.all(servers.map((server) => server.close()));
    for (const cleanup of cleanups) await cleanup();
  });

  it('the whole sequence, command by command', async () => {
    for (const argv of SEQUENCE) {
      if (argv[0] === 'reread' && theirs.pendingChanges[0].length === 0 && argv === SEQUENCE.find((a) => a[0] === 'reread')) {
        theirs.pendingChanges = [['extra'], ['web'], ['crash']];
        mine.pendingChanges = [['extra'], ['web'], ['crash']];
      }
      const real = await driver.run('-c', conf, ...argv);
      const got = await ours(caller, [...argv]);
      const label = `supervisorctl ${argv.join(' ')}`;
      assert.equal(real.stderr, '', label);
      assert.equal(got.lines.map((line) => `${line}\n`).join(''), real.stdout, label);
      assert.equal(got.exitCode, real.code, `exit status of ${label}`);
    }
  });

  it('connection failures: a missing socket', async () => {
    const missing = createRpcClient({ serverUrl: 'unix:///nonexistent/x.sock' });
    const gone: ctl.Caller = { serverUrl: 'unix:///nonexistent/x.sock', call: missing.call };
    try {
      for (const argv of [['status'], ['start', 'x'], ['version']]) {
        const real = await driver.run('-s', 'unix:///nonexistent/x.sock', ...argv);
        const got = await ours(gone, argv);
        assert.equal(got.lines.map((line) => `${line}\n`).join(''), real.stdout, argv.join(' '));
        assert.equal(got.exitCode, real.code, argv.join(' '));
      }
    } finally {
      missing.close();
    }
  });
});
