import type { BenchContext, Row } from './types';
import { delay, waitUntil } from './measure';
import { readMemory, kbToMiB } from './procfs';
import type { Tracked } from './processes';

/** A long-lived command whose memory is read once it waits. */
export interface IdleVariant {
  label: string;
  command: string;
  args: string[];
  /**
   * True once the process is in the state to be measured. It may record the
   * process groups of detached children in `tracked.groups`, so that they
   * are killed with it.
   */
  isReady(tracked: Tracked): boolean;
}

export interface IdleMemoryOptions {
  runs: number;
  /** How many of each variant run side by side in one batch. */
  perBatch: number;
  settleMs: number;
  cwd: string;
  /** Prefix of the progress lines. */
  label: string;
}

export interface IdleMemoryRows {
  vmRss: Row[];
  rssAnon: Row[];
}

function hasExited(tracked: Tracked): boolean {
  return tracked.child.exitCode !== null || tracked.child.signalCode !== null;
}

/**
 * Starts the variants in batches, interleaved (A B A B …) so that every
 * batch holds both kinds, waits until each is ready, lets them settle, reads
 * VmRSS and RssAnon, and ends them all by pid before the next batch.
 */
export async function measureIdleMemory(
  context: BenchContext,
  variants: readonly IdleVariant[],
  options: IdleMemoryOptions,
): Promise<IdleMemoryRows> {
  const vmRss: Row[] = variants.map((v) => ({ label: v.label, samples: [] }));
  const rssAnon: Row[] = variants.map((v) => ({ label: v.label, samples: [] }));
  for (let done = 0; done < options.runs; ) {
    const size = Math.min(options.perBatch, options.runs - done);
    const batch: Array<{ index: number; tracked: Tracked }> = [];
    try {
      for (let k = 0; k < size; k++) {
        variants.forEach((variant, index) => {
          batch.push({ index, tracked: context.processes.start(variant.command, variant.args, options.cwd) });
        });
      }
      for (const { index, tracked } of batch) {
        const variant = variants[index];
        await waitUntil(() => {
          if (hasExited(tracked)) throw new Error(`${variant.label} (pid ${tracked.pid}) exited early`);
          return variant.isReady(tracked);
        }, `${variant.label} (pid ${tracked.pid}) to be ready`);
      }
      await delay(options.settleMs);
      for (const { index, tracked } of batch) {
        const reading = readMemory(tracked.pid);
        vmRss[index].samples.push(kbToMiB(reading.vmRssKb));
        rssAnon[index].samples.push(kbToMiB(reading.rssAnonKb));
      }
    } finally {
      await Promise.all(batch.map(({ tracked }) => context.processes.stop(tracked)));
    }
    done += size;
    context.progress(`${options.label}: ${done}/${options.runs} runs`);
  }
  return { vmRss, rssAnon };
}
