import type { PidfileReading } from './pidfile';
import type { DaemonRecord, StateReading } from './state';

/** What a look at the machine found; gathered by probe.ts. */
export interface StatusFacts {
  name: string;
  pidfilePath: string;
  pidfile: PidfileReading;
  state: StateReading;
  /** The pidfile's pid is the very process the record describes. */
  pidIsOurs: boolean;
  /** The pidfile's pid exists and is not a zombie (ours or not). */
  pidAlive: boolean;
  /** A watched daemon's child is alive and is the recorded one. */
  childIsOurs: boolean;
  /** Live members of the recorded session, when its leader is gone. */
  leftovers: number[];
  /** Seconds since the process the line reports on started. */
  uptimeSeconds: number | null;
}

export type StatusKind = 'running' | 'restarting' | 'watchdog-lost' | 'gave-up' | 'dead' | 'not-running' | 'unknown';

export interface StatusVerdict {
  kind: StatusKind;
  /** LSB status code: 0 running, 1 dead with pidfile, 3 not running, 4 unknown. */
  exitCode: 0 | 1 | 3 | 4;
  /** The line a person reads, without the name prefix. */
  summary: string;
  /** The process that runs the command, when one does. */
  pid: number | null;
  /** How long that process has run, when it runs. */
  uptimeSeconds: number | null;
  record: DaemonRecord | null;
}

/**
 * Something of the daemon is up: its command runs, or its watchdog runs and
 * will start the command again. start must not start a second copy then.
 */
export function daemonIsUp(verdict: StatusVerdict): boolean {
  return verdict.kind === 'running' || verdict.kind === 'restarting' || verdict.kind === 'watchdog-lost';
}

export function evaluateStatus(facts: StatusFacts): StatusVerdict {
  const verdict = judge(facts);
  const runs = verdict.kind === 'running' || verdict.kind === 'watchdog-lost';
  return { ...verdict, uptimeSeconds: runs && verdict.pid !== null ? facts.uptimeSeconds : null };
}

function judge(facts: StatusFacts): Omit<StatusVerdict, 'uptimeSeconds'> {
  const record = facts.state.kind === 'ok' ? facts.state.record : null;
  const { pidfile } = facts;
  if (pidfile.kind === 'absent') {
    return { kind: 'not-running', exitCode: 3, summary: 'not running', pid: null, record: null };
  }
  if (pidfile.kind === 'invalid') {
    return { kind: 'unknown', exitCode: 4, summary: `unknown (pidfile ${facts.pidfilePath}: ${pidfile.reason})`, pid: null, record: null };
  }
  const pid = pidfile.pid;
  const recorded = record !== null && record.pid === pid;
  const command = recorded ? ` ${formatCommand(record.command)}` : '';
  const watch = recorded ? record.watchdog : null;

  if (facts.pidIsOurs && recorded) {
    if (watch?.state === 'gave-up') {
      return { kind: 'gave-up', exitCode: 1, summary: gaveUpSummary(record), pid: null, record };
    }
    if (watch?.state === 'backoff') {
      // The watchdog runs, the command does not: not "running" to a script.
      return { kind: 'restarting', exitCode: 1, summary: watchedSummary(record, null), pid: null, record };
    }
    if (watch) {
      return { kind: 'running', exitCode: 0, summary: watchedSummary(record, facts.uptimeSeconds), pid: watch.childPid, record };
    }
    return {
      kind: 'running',
      exitCode: 0,
      summary: `running (pid ${pid}${uptime(facts.uptimeSeconds)})${command}`,
      pid,
      record,
    };
  }
  if (recorded && watch && facts.childIsOurs) {
    return {
      kind: 'watchdog-lost',
      exitCode: 0,
      summary: `running (pid ${watch.childPid}${uptime(facts.uptimeSeconds)}), watchdog lost (pid ${pid} is gone)${command}`,
      pid: watch.childPid,
      record,
    };
  }
  if (recorded && watch?.state === 'gave-up') {
    return { kind: 'gave-up', exitCode: 1, summary: gaveUpSummary(record), pid: null, record };
  }
  let why: string;
  if (!facts.pidAlive) why = `names pid ${pid}, which is gone`;
  else if (recorded) why = `names pid ${pid}, which is now another process`;
  else why = `names pid ${pid}, which tdaemon did not start`;
  const left = facts.leftovers.length > 0 ? `; ${facts.leftovers.length} of its processes still running (${facts.leftovers.join(' ')})` : '';
  return { kind: 'dead', exitCode: 1, summary: `dead (pidfile ${facts.pidfilePath} ${why}${left})`, pid: null, record };
}

function watchedSummary(record: DaemonRecord, uptimeSeconds: number | null): string {
  const watch = record.watchdog!;
  const restarts = watch.restarts > 0 ? `, ${plural(watch.restarts, 'restart', 'restarts')}` : '';
  const command = ` ${formatCommand(record.command)}`;
  switch (watch.state) {
    case 'running':
    case 'starting':
      return `running (pid ${watch.childPid}${uptime(uptimeSeconds)}, watchdog ${record.pid}${restarts})${command}`;
    case 'backoff': {
      const last = watch.lastExit ? `, last ${describeExit(watch.lastExit.code, watch.lastExit.signal)}` : '';
      const next = watch.nextRestartAt ? `, restarting at ${watch.nextRestartAt.slice(11, 23)}` : '';
      return `restarting (watchdog ${record.pid}${restarts}${last}${next})${command}`;
    }
    default:
      return `${watch.state} (watchdog ${record.pid}${restarts})${command}`;
  }
}

function gaveUpSummary(record: DaemonRecord): string {
  const watch = record.watchdog!;
  const last = watch.lastExit ? `; last ${describeExit(watch.lastExit.code, watch.lastExit.signal)}` : '';
  return `gave up (${watch.reason ?? 'too many restarts'}${last}) ${formatCommand(record.command)}`;
}

export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exited with status ${code}`;
}

export function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

function uptime(seconds: number | null): string {
  return seconds === null ? '' : `, up ${formatUptime(seconds)}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A command line as a person would type it: words with spaces or quotes are quoted. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
