import type { DaemonRecord, PidfileReading, StateReading } from '../model/record';

/** What a look at the machine found; gathered by app/probe.ts. */
export interface StatusFacts {
  name: string;
  pidfilePath: string;
  statefilePath: string;
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
  /** With no pidfile: live processes that carry the daemon's tag all the same. */
  untracked: number[];
  /** The live tdaemon, other than the asker, that holds the record's claim. */
  claimedBy: number | null;
  /** Seconds since the process the line reports on started. */
  uptimeSeconds: number | null;
}

export type StatusKind =
  | 'running'
  /** A watchdog runs and has not started its command yet. */
  | 'starting'
  | 'restarting'
  | 'watchdog-lost'
  | 'gave-up'
  | 'dead'
  /**
   * The pidfile names a live process and no record of tdaemon's beside it
   * describes that process (nginx's own pidfile, one written by hand): it
   * runs, but it is not tdaemon's to stop, and its pidfile is not tdaemon's
   * to remove.
   */
  | 'foreign'
  | 'not-running'
  /** Processes carry the daemon's tag, but no pidfile names them: a start was killed before it published one. */
  | 'untracked'
  /** Such processes while another tdaemon holds the claim: it is starting (or stopping) them now. */
  | 'changing'
  | 'unknown';

/** Why a pidfile's process is not the daemon (kind 'dead'). */
export type DeadCause = 'gone' | 'reused';

export interface StatusVerdict {
  kind: StatusKind;
  /** LSB status code: 0 running (foreign too), 1 dead with pidfile (or starting, restarting, gave up), 3 not running, 4 unknown. */
  exitCode: 0 | 1 | 3 | 4;
  /** The process that runs the command, when one does (kind 'foreign': the pidfile's). */
  pid: number | null;
  /** The pid the pidfile names, when it names one. */
  pidfilePid: number | null;
  /** How long that process has run, when it runs. */
  uptimeSeconds: number | null;
  record: DaemonRecord | null;
  /** kind 'unknown': which file cannot be trusted, and what is wrong with it. */
  problem: { file: 'pidfile' | 'state'; path: string; reason: string } | null;
  /** kind 'dead': why the pidfile's pid is not the daemon. */
  deadCause: DeadCause | null;
  /** kind 'dead': live processes of the daemon's session. */
  leftovers: number[];
  /** kinds 'untracked' and 'changing': the processes that carry the tag. */
  untracked: number[];
  /** kind 'changing': the tdaemon that holds the claim. */
  claimedBy: number | null;
}

/**
 * Something of the daemon is up: its command runs, or its watchdog runs and
 * will start the command again. start must not start a second copy then.
 */
export function daemonIsUp(verdict: StatusVerdict): boolean {
  return verdict.kind === 'running' || verdict.kind === 'starting' || verdict.kind === 'restarting' || verdict.kind === 'watchdog-lost';
}

/** The facts judged: one kind, its LSB code, and the data its text needs. Text is status-text.ts's job. */
export function evaluateStatus(facts: StatusFacts): StatusVerdict {
  const verdict: StatusVerdict = { ...judge(facts), uptimeSeconds: null, leftovers: [], untracked: [], claimedBy: null };
  const runs = verdict.kind === 'running' || verdict.kind === 'watchdog-lost';
  if (runs && verdict.pid !== null) verdict.uptimeSeconds = facts.uptimeSeconds;
  if (verdict.kind === 'dead') verdict.leftovers = facts.leftovers;
  if (verdict.kind === 'untracked' || verdict.kind === 'changing') verdict.untracked = facts.untracked;
  if (verdict.kind === 'changing') verdict.claimedBy = facts.claimedBy;
  return verdict;
}

type Judged = Omit<StatusVerdict, 'uptimeSeconds' | 'leftovers' | 'untracked' | 'claimedBy'>;

function judge(facts: StatusFacts): Judged {
  const record = facts.state.kind === 'ok' ? facts.state.record : null;
  const { pidfile } = facts;
  const none = { pid: null, pidfilePid: null, record: null, problem: null, deadCause: null };
  if (pidfile.kind === 'absent') {
    if (facts.untracked.length === 0) return { ...none, kind: 'not-running', exitCode: 3 };
    // Running, but no verb can trust a record of it: unknown to a script.
    return { ...none, kind: facts.claimedBy === null ? 'untracked' : 'changing', exitCode: 4 };
  }
  if (pidfile.kind === 'invalid') {
    return { ...none, kind: 'unknown', exitCode: 4, problem: { file: 'pidfile', path: facts.pidfilePath, reason: pidfile.reason } };
  }
  const pidfilePid = pidfile.pid;
  // A record that cannot be read is unknown, never dead: the pid may well be
  // a daemon tdaemon started, and judging it gone would start a second one.
  if (facts.state.kind === 'invalid') {
    const problem = { file: 'state' as const, path: facts.statefilePath, reason: facts.state.reason };
    return { ...none, pidfilePid, kind: 'unknown', exitCode: 4, problem };
  }
  const recorded = record !== null && record.pid === pidfilePid ? record : null;
  const watch = recorded?.watchdog ?? null;
  const base = { pidfilePid, problem: null, deadCause: null };

  if (facts.pidIsOurs && recorded) {
    if (watch?.state === 'gave-up') return { ...base, kind: 'gave-up', exitCode: 1, pid: null, record: recorded };
    // The watchdog runs, the command does not: not "running" to a script.
    if (watch?.state === 'backoff') return { ...base, kind: 'restarting', exitCode: 1, pid: null, record: recorded };
    // The watchdog has not started its command yet (or its first run already ended and it is about to say so).
    if (watch && watch.childPid === null && watch.state !== 'stopping') return { ...base, kind: 'starting', exitCode: 1, pid: null, record: recorded };
    return { ...base, kind: 'running', exitCode: 0, pid: watch ? watch.childPid : pidfilePid, record: recorded };
  }
  if (recorded && watch && facts.childIsOurs) {
    return { ...base, kind: 'watchdog-lost', exitCode: 0, pid: watch.childPid, record: recorded };
  }
  if (recorded && watch?.state === 'gave-up') return { ...base, kind: 'gave-up', exitCode: 1, pid: null, record: recorded };
  // Only a record of ours that names this pid with another start time makes
  // a live pid stale (reused after a reboot); without one, it may well be
  // the daemon of whoever wrote the pidfile.
  if (facts.pidAlive && !recorded) return { ...base, kind: 'foreign', exitCode: 0, pid: pidfilePid, record: null };
  const deadCause: DeadCause = facts.pidAlive ? 'reused' : 'gone';
  return { ...base, kind: 'dead', exitCode: 1, pid: null, record: recorded, deadCause };
}
