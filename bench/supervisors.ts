// Helpers for the supervisor section: config files that tdaemon -c and the
// real supervisord 4.2.5 both run as written, one running supervisor of
// either kind, and what /proc says of a supervisor's own processes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readProcStat } from '../src/common/proc';
import { expectDead, livePidsNaming, readPidfile, runTimed, type DaemonRegistry } from './daemons';
import { delay, waitUntil } from './measure';
import type { Tracked } from './processes';
import type { BenchContext } from './types';

export const OURS = 'tdaemon -c';
export const SUPERVISORD = 'supervisord 4.2.5';

/**
 * A config for DIR: socket, pidfile and logs inside it, then PROGRAMS (the
 * [program:x] sections). Both supervisors read the same file.
 */
export function writeConfig(dir: string, programs: string): string {
  const file = path.join(dir, 'supervisord.conf');
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const text = [
    '[unix_http_server]',
    `file=${dir}/supervisor.sock`,
    '[supervisord]',
    `logfile=${dir}/supervisord.log`,
    `pidfile=${dir}/supervisord.pid`,
    `childlogdir=${dir}/logs`,
    '[supervisorctl]',
    `serverurl=unix://${dir}/supervisor.sock`,
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    programs,
  ].join('\n');
  fs.writeFileSync(file, `${text}\n`);
  return file;
}

/** The argv[0] the sleep programs run under: it names DIR, so leftovers are found by their command line. */
export function sleepTag(dir: string): string {
  return `${dir}/sleep`;
}

/**
 * N `sleep` programs, startsecs=0, each writing a marker file in DIR/m as its
 * first line. bash's `exec -a` gives the sleep a command line naming DIR.
 */
export function sleepPrograms(dir: string, n: number): string {
  fs.mkdirSync(path.join(dir, 'm'), { recursive: true });
  return [
    '[program:p]',
    `command=bash -c 'echo > ${dir}/m/%(process_num)03d; exec -a ${sleepTag(dir)} sleep 100000'`,
    'process_name=p_%(process_num)03d',
    `numprocs=${n}`,
    'startsecs=0',
    'redirect_stderr=true',
  ].join('\n');
}

export function countMarkers(dir: string): number {
  try {
    return fs.readdirSync(path.join(dir, 'm')).length;
  } catch {
    return 0;
  }
}

/** One running supervisor of either kind, started and stopped by the bench. */
export interface RunningSupervisor {
  label: string;
  /** The supervisor process itself. */
  pid: number;
  config: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * `tdaemon -c CONFIG up`, not waited for: resolves with its tracked process
 * (which exits once every program runs). The supervisor it leaves behind is
 * detached, so it is recorded in REGISTRY by its pidfile.
 */
export function launchOurs(context: BenchContext, config: string): Tracked {
  return context.processes.start(path.join(context.root, 'bin', 'tdaemon'), ['-c', config, 'up'], path.dirname(config));
}

export async function adoptOurs(context: BenchContext, config: string, up: Tracked, registry: DaemonRegistry): Promise<RunningSupervisor> {
  const dir = path.dirname(config);
  const pid = await waitUntil(() => readPidfile(path.join(dir, 'supervisord.pid')), `${dir}/supervisord.pid`, 20_000);
  registry.record(pid);
  await up.exited;
  if (up.child.exitCode !== 0) throw new Error(`tdaemon -c ${config} up: exited with ${up.child.exitCode ?? up.child.signalCode}`);
  return {
    label: OURS,
    pid,
    config,
    dir,
    async stop() {
      runTimed('tdaemon shutdown', path.join(context.root, 'bin', 'tdaemon'), ['-c', config, 'shutdown'], dir);
      await expectDead([{ pid, what: 'tdaemon supervisor' }], 20_000);
      await expectProgramsGone(dir);
    },
  };
}

/** The real supervisord in the foreground (-n), as the bench's own child, ended by pid. */
export function launchSupervisord(context: BenchContext, config: string): RunningSupervisor & { tracked: Tracked } {
  const dir = path.dirname(config);
  const tracked = context.processes.start('supervisord', ['-n', '-c', config], dir);
  return {
    label: SUPERVISORD,
    pid: tracked.pid,
    config,
    dir,
    tracked,
    async stop() {
      // SIGTERM: it stops every program by its rules; then SIGKILL for what is left.
      try {
        process.kill(tracked.pid, 'SIGTERM');
      } catch {
        // gone already
      }
      await Promise.race([tracked.exited, delay(20_000)]);
      await context.processes.stop(tracked);
      await expectProgramsGone(dir);
    },
  };
}

async function expectProgramsGone(dir: string): Promise<void> {
  const left = livePidsNaming(sleepTag(dir));
  await expectDead(left.map((pid) => ({ pid, what: 'a program' })), 10_000);
}

/** PID and its live descendants. */
function listTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (!stat || stat.state === 'Z') continue;
    const siblings = parents.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    parents.set(stat.ppid, siblings);
  }
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    for (const c of parents.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The supervisor's own processes: PID and its descendants, the programs (and theirs) excluded. */
export function listOwnProcesses(pid: number, programTag: string): number[] {
  const programs = listTree(pid).filter((p) => p !== pid && readCmdline(p).startsWith(programTag));
  const excluded = new Set(programs.flatMap((p) => listTree(p)));
  return listTree(pid).filter((p) => !excluded.has(p));
}

function readKb(file: string, field: string): number {
  const match = new RegExp(`^${field}:\\s*(\\d+) kB$`, 'm').exec(fs.readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no ${field}`);
  return Number(match[1]);
}

/** VmRSS and Pss (smaps_rollup) summed over PIDS, in MiB. */
export function readTreeMemory(pids: readonly number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += readKb(`/proc/${pid}/status`, 'VmRSS');
    pss += readKb(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

/** Voluntary plus involuntary context switches of every thread of PIDS. */
export function countContextSwitches(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      for (const m of text.matchAll(/^(?:non)?voluntary_ctxt_switches:\s*(\d+)$/gm)) sum += Number(m[1]);
    }
  }
  return sum;
}
