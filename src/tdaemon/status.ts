import { procStatusField } from '../common/proc';
import { writeQuietly } from '../common/say';
import type { DaemonPaths } from './paths';
import { probe } from './probe';

/** Prints one line (or one JSON object) and returns the LSB status code. */
export function statusDaemon(paths: DaemonPaths, json: boolean): number {
  const verdict = probe(paths);
  const record = verdict.record;
  if (json) {
    const watch = record?.watchdog ?? null;
    const object = {
      name: paths.name,
      status: verdict.kind,
      exitCode: verdict.exitCode,
      summary: verdict.summary,
      pid: verdict.pid,
      pidfile: paths.pidfile,
      statefile: paths.statefile,
      command: record?.command ?? null,
      cwd: record?.cwd ?? null,
      log: record?.log ?? null,
      errorLog: record?.errorLog ?? null,
      startedAt: record?.startedAt ?? null,
      uptimeSeconds: verdict.uptimeSeconds === null ? null : Math.floor(verdict.uptimeSeconds),
      watchdog: watch
        ? {
            pid: record!.pid,
            alive: verdict.kind === 'running' || verdict.kind === 'restarting',
            state: watch.state,
            childPid: watch.childPid,
            restarts: watch.restarts,
            lastExit: watch.lastExit,
            nextRestartAt: watch.nextRestartAt,
            reason: watch.reason,
            rssKb: liveRssKb(record!.pid, verdict.kind) ?? watch.watchdogRssKb,
          }
        : null,
    };
    writeQuietly(1, `${JSON.stringify(object)}\n`);
  } else {
    writeQuietly(1, `${paths.name}: ${verdict.summary}\n`);
  }
  return verdict.exitCode;
}

/** The watchdog's memory now, from /proc, while it runs; else what it last recorded. */
function liveRssKb(pid: number, kind: string): number | null {
  if (kind !== 'running' && kind !== 'restarting') return null;
  const match = /^(\d+) kB$/.exec(procStatusField(pid, 'VmRSS') ?? '');
  return match ? Number(match[1]) : null;
}
