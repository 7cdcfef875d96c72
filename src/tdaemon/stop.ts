import fs = require('node:fs');
import { writeFileAtomic } from '../common/atomic-file';
import { EXIT } from './exit-codes';
import type { DaemonPaths } from './paths';
import { probe } from './probe';
import { familyMembers, isSameProcess, sleep, stopFamily, trySignal } from './session';
import { familyOfRecord, leftoversOf } from './family';
import { complain, say } from './messages';
import { forgetRecord, type DaemonRecord } from './state';

export interface StopOptions {
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

/**
 * Stops the daemon and everything in its session, then removes pidfile and
 * state. A process tdaemon did not start is never signalled.
 */
export async function stopDaemon(paths: DaemonPaths, options: StopOptions): Promise<number> {
  const verdict = probe(paths);
  const record = verdict.record;
  switch (verdict.kind) {
    case 'not-running':
      say(`${paths.name} not running`);
      return EXIT.OK;
    case 'unknown':
      complain(`${paths.name}: ${verdict.summary.replace(/^unknown \((.*)\)$/, '$1')}; not touching anything`);
      return EXIT.FAILURE;
    case 'gave-up':
    case 'dead': {
      let survivors: number[] = [];
      const family = record ? leftoversOf(paths, record) : null;
      const leftovers = family ? familyMembers(family).length : 0;
      if (leftovers > 0) survivors = await stopFamily(family!, 'SIGKILL', 0);
      forgetRecord(paths, verdict.record?.pid ?? null);
      if (survivors.length > 0) return reportSurvivors(paths, survivors);
      const killed = leftovers > 0 ? `; killed ${leftovers} leftover process${leftovers === 1 ? '' : 'es'}` : '';
      say(`${paths.name} not running (${verdict.summary}); removed its pidfile${killed}`);
      return EXIT.OK;
    }
    case 'watchdog-lost': {
      const watch = record!.watchdog!;
      const survivors = await stopFamily(familyOfRecord(paths, record!), signalOf(options, record!), timeoutOf(options, record!));
      forgetRecord(paths, record!.pid);
      if (survivors.length > 0) return reportSurvivors(paths, survivors);
      say(`${paths.name} stopped (pid ${watch.childPid}; its watchdog was already gone)`);
      return EXIT.OK;
    }
    case 'restarting':
    case 'running': {
      if (record!.watchdog) return stopWatched(paths, record!, options);
      const survivors = await stopFamily(familyOfRecord(paths, record!), signalOf(options, record!), timeoutOf(options, record!));
      if (survivors.length > 0) return reportSurvivors(paths, survivors);
      forgetRecord(paths, record!.pid);
      say(`${paths.name} stopped (pid ${record!.pid})`);
      return EXIT.OK;
    }
  }
}

/** The watchdog stops its child the way stop would, then ends; this waits for both. */
async function stopWatched(paths: DaemonPaths, record: DaemonRecord, options: StopOptions): Promise<number> {
  const signal = signalOf(options, record);
  const timeoutMs = timeoutOf(options, record);
  // The watchdog spares the asker: a script inside the daemon may run this stop.
  writeFileAtomic(paths.stopfile, JSON.stringify({ signal, timeoutMs, requester: process.pid }));
  const child = record.watchdog!;
  trySignal(record.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs + 5000;
  while (isSameProcess(record.pid, record.startTicks) && Date.now() < deadline) await sleep(10);
  // Whatever the watchdog managed, nothing of the child's session, nor what
  // left it, may stay.
  const latest = probe(paths).record?.watchdog ?? child;
  const survivors: number[] = [];
  for (const watch of child === latest ? [child] : [child, latest]) {
    survivors.push(...(await stopFamily(familyOfRecord(paths, { ...record, watchdog: watch }), 'SIGKILL', 0)));
  }
  if (isSameProcess(record.pid, record.startTicks)) {
    trySignal(record.pid, 'SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (isSameProcess(record.pid, record.startTicks) && Date.now() < killDeadline) await sleep(10);
    if (isSameProcess(record.pid, record.startTicks)) survivors.push(record.pid);
  }
  fs.rmSync(paths.stopfile, { force: true }); // unless the watchdog took it
  if (survivors.length > 0) return reportSurvivors(paths, survivors);
  forgetRecord(paths, record.pid);
  say(`${paths.name} stopped (pid ${latest.childPid ?? '-'}, watchdog ${record.pid})`);
  return EXIT.OK;
}

function signalOf(options: StopOptions, record: DaemonRecord): NodeJS.Signals {
  return options.stopSignal ?? (record.stopSignal as NodeJS.Signals);
}

function timeoutOf(options: StopOptions, record: DaemonRecord): number {
  return options.stopTimeoutMs ?? record.stopTimeoutMs;
}

function reportSurvivors(paths: DaemonPaths, pids: number[]): number {
  complain(`${paths.name}: processes survived SIGKILL: ${pids.join(' ')} (stuck in the kernel?)`);
  return EXIT.FAILURE;
}
