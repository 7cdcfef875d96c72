import { procStatusField } from '../common/proc';
import type { DaemonPaths } from '../model/daemon-paths';
import type { StatusVerdict } from '../policy/status-verdict';
import { probe } from './probe';

export interface StatusOutcome {
  paths: DaemonPaths;
  verdict: StatusVerdict;
  /** The watchdog's memory, read live while it runs; null once it is gone (an old reading would pass for a live one). */
  watchdogRssKb: number | null;
}

export function statusDaemon(paths: DaemonPaths): StatusOutcome {
  const verdict = probe(paths);
  const watch = verdict.record?.watchdog ?? null;
  let watchdogRssKb: number | null = null;
  if (watch) watchdogRssKb = liveRssKb(verdict.record!.pid, verdict);
  return { paths, verdict, watchdogRssKb };
}

function liveRssKb(pid: number, verdict: StatusVerdict): number | null {
  if (verdict.kind !== 'running' && verdict.kind !== 'starting' && verdict.kind !== 'restarting') return null;
  const match = /^(\d+) kB$/.exec(procStatusField(pid, 'VmRSS') ?? '');
  return match ? Number(match[1]) : null;
}
