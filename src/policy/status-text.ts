import type { WatchedRecord } from '../model/record';
import { describeExit, formatCommand, formatUptime, plural } from './describe';
import type { StatusVerdict } from './status-verdict';

/** The status line a person reads, without the name prefix. */
export function describeStatus(verdict: StatusVerdict, pidfilePath: string): string {
  const { record } = verdict;
  const command = record ? ` ${formatCommand(record.command)}` : '';
  const watched = record?.watchdog ? (record as WatchedRecord) : null;
  switch (verdict.kind) {
    case 'not-running':
      return 'not running';
    case 'unknown':
      return `unknown (${describeProblem(verdict)})`;
    case 'gave-up':
      return gaveUpSummary(watched!);
    case 'restarting':
      return watchedSummary(watched!, null);
    case 'starting':
      return `starting (watchdog ${verdict.pidfilePid}, no command yet${restartsOf(watched!)})${command}`;
    case 'untracked':
      return (
        `untracked (no pidfile, but ${pidList(verdict.untracked)} ${verdict.untracked.length === 1 ? 'carries' : 'carry'} its tag: ` +
        `a start was killed before it recorded them; 'tdaemon stop' ends them)`
      );
    case 'changing':
      return `being changed (tdaemon pid ${verdict.claimedBy} is starting or stopping ${pidList(verdict.untracked)})`;
    case 'running':
      if (watched) return watchedSummary(watched, verdict.uptimeSeconds);
      return `running (pid ${verdict.pid}${uptime(verdict.uptimeSeconds)})${command}`;
    case 'watchdog-lost':
      return (
        `running (pid ${verdict.pid}${uptime(verdict.uptimeSeconds)}), ` +
        `watchdog lost (pid ${verdict.pidfilePid} is gone)${command}`
      );
    case 'foreign':
      return `running (pid ${verdict.pid}), not started by tdaemon: no record of it beside ${pidfilePath}`;
    case 'dead': {
      const why = {
        gone: 'which is gone',
        reused: 'which is now another process',
      }[verdict.deadCause ?? 'gone'];
      const left = verdict.leftovers.length > 0
        ? `; ${verdict.leftovers.length} of its processes still running (${verdict.leftovers.join(' ')})`
        : '';
      return `dead (pidfile ${pidfilePath} names pid ${verdict.pidfilePid}, ${why}${left})`;
    }
  }
}

/** Why a verb leaves alone a pidfile tdaemon did not write (kind 'foreign'): one line, without the name; WONT says what it does not do. */
export function foreignRefusal(verdict: StatusVerdict, pidfilePath: string, wont: string): string {
  return `pid ${verdict.pidfilePid} of ${pidfilePath} was not started by tdaemon (no record of it beside the pidfile); ${wont}, and the pidfile stays`;
}

/** "pidfile F: reason" or "state file F: reason", for a verdict of kind unknown. */
export function describeProblem(verdict: StatusVerdict): string {
  const problem = verdict.problem!;
  return `${problem.file === 'pidfile' ? 'pidfile' : 'state file'} ${problem.path}: ${problem.reason}`;
}

/** How to get out of an unreadable state file: a person has to decide. */
export function recoveryHint(verdict: StatusVerdict): string {
  if (verdict.problem?.file !== 'state') return '';
  return ` (if pid ${verdict.pidfilePid} is not the daemon, remove ${verdict.problem.path} and its pidfile; if it is, end it by pid)`;
}

function pidList(pids: number[]): string {
  return `${pids.length === 1 ? 'pid' : 'pids'} ${pids.join(' ')}`;
}

function restartsOf(record: WatchedRecord): string {
  const n = record.watchdog.restarts;
  return n > 0 ? `, ${plural(n, 'restart', 'restarts')}` : '';
}

function watchedSummary(record: WatchedRecord, uptimeSeconds: number | null): string {
  const watch = record.watchdog;
  const restarts = restartsOf(record);
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

function gaveUpSummary(record: WatchedRecord): string {
  const watch = record.watchdog;
  const last = watch.lastExit ? `; last ${describeExit(watch.lastExit.code, watch.lastExit.signal)}` : '';
  return `gave up (${watch.reason ?? 'too many restarts'}${last}) ${formatCommand(record.command)}`;
}

function uptime(seconds: number | null): string {
  return seconds === null ? '' : `, up ${formatUptime(seconds)}`;
}

/** What `tdaemon start` says of a daemon it started: the pid that runs the command, or that none runs yet, and why. */
export function describeStarted(pid: number | null, watchdog: number | null, firstExit: string | null): string {
  if (watchdog === null) return `pid ${pid}`;
  if (pid !== null) return `pid ${pid}, watchdog ${watchdog}`;
  const why = firstExit === null ? 'no command yet' : `no command running: its first run ${firstExit}; the watchdog restarts it by its policy`;
  return `watchdog ${watchdog}, ${why}`;
}
