import fs = require('node:fs');
import path = require('node:path');
import type * as ChildProcess from 'node:child_process';
import { LEAN_NODE_FLAGS } from '../../common/lean-node';
import type { SupervisorConfig } from '../../config';
import type { Caller } from '../../control/ctl-commands';
import { createRpcClient, type RpcClient } from '../../control/rpc-client';
import type { ProcessInfo } from '../../control/protocol';
import { DaemonError } from '../../model/errors';
import { sleep } from '../../os/family';
import { lastLines } from '../../os/log-tail';
import { planTcpListeners } from './listeners';
import { readConfig, supervisorFiles, type SupervisorFiles } from './load';
import { runningSupervisor } from './running';

/** A connection to the supervisor of a config file, as supervisorctl makes it. */
export interface Connection {
  config: SupervisorConfig;
  files: SupervisorFiles;
  caller: Caller;
  client: RpcClient;
}

/**
 * PROGRAMS false reads only what locates and reaches the supervisor (the
 * config's groups are then empty): enough for every verb the supervisor
 * answers by itself.
 */
export function connect(configFile: string, options: { programs?: boolean } = {}): Connection {
  const { config } = readConfig(configFile, options);
  const files = supervisorFiles(config);
  const ctl = config.supervisorctl;
  const client = createRpcClient({
    serverUrl: files.serverUrl,
    username: ctl?.username ?? undefined,
    password: ctl?.password ?? undefined,
    timeoutMs: 0,
  });
  return { config, files, client, caller: { serverUrl: files.serverUrl, call: (method, params) => client.call(method, params) } };
}

export type UpOutcome =
  | { kind: 'already-running'; pid: number }
  | { kind: 'up'; pid: number; failed: Array<{ info: ProcessInfo; tail: string[] }> };

/** How long up waits for the new supervisor to answer on its socket. */
const ANSWER_LIMIT_MS = 15000;

/**
 * Starts the supervisor in the background unless one runs, then waits until
 * every autostart program is RUNNING or has failed (FATAL, or exited for
 * good), and says which failed with the end of their logs.
 */
export async function bringUp(connection: Connection, supervisorEntry: string): Promise<UpOutcome> {
  const { config, files } = connection;
  const running = runningSupervisor(files);
  if (running !== null) return { kind: 'already-running', pid: running };
  planTcpListeners(config); // refused here too: one line and status 2, not a supervisor that died in the background
  for (const file of [files.socket, files.pidfile, files.logfile]) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const out = fs.openSync(files.logfile, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  // Loaded here: only up starts anything, and node:child_process costs every other verb its load.
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  const child = spawn(process.execPath, [...LEAN_NODE_FLAGS, supervisorEntry, config.file], { detached: true, stdio: ['ignore', out, out], cwd: process.cwd() });
  fs.closeSync(out);
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with status ${code}`));
  const pid = child.pid!;
  const answerBy = Date.now() + ANSWER_LIMIT_MS;
  for (;;) {
    if (exited !== null) {
      throw new DaemonError('FAILED', `the supervisor ${exited}; last lines of ${files.logfile}:\n${lastLines(files.logfile, 10).map((l) => `  ${l}`).join('\n')}`);
    }
    try {
      await connection.client.call('supervisor.getState');
      break;
    } catch {
      if (Date.now() > answerBy) throw new DaemonError('FAILED', `the supervisor (pid ${pid}) did not answer on ${files.socket} within ${ANSWER_LIMIT_MS / 1000} s`);
      await sleep(20);
    }
  }
  child.unref();
  const autostart = new Set(config.groups.flatMap((g) => g.processes.filter((p) => p.autostart).map((p) => `${p.group}:${p.name}`)));
  for (;;) {
    const infos = (await connection.client.call('supervisor.getAllProcessInfo')) as unknown as ProcessInfo[];
    const watched = infos.filter((i) => autostart.has(`${i.group}:${i.name}`));
    const failed = watched.filter((i) => i.statename === 'FATAL' || i.statename === 'EXITED');
    if (watched.every((i) => i.statename === 'RUNNING' || failed.includes(i))) {
      return { kind: 'up', pid, failed: failed.map((info) => ({ info, tail: lastLines(info.stdout_logfile, 10) })) };
    }
    await sleep(50);
  }
}

/** Shutdown, then wait until the supervisor's pid is gone. */
export async function waitForExit(pid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'latin1') : '';
    if (stat === '' || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return true;
    await sleep(20);
  }
  return false;
}
