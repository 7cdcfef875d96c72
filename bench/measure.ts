import { spawnSync } from 'node:child_process';
import type { Row, Table } from './types';

/** The median; for an even count, the mean of the middle two. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of the row labelled LABEL in TABLE (NaN when there is none). */
export function medianOf(table: Table, label: string): number {
  return median(table.rows.find((r) => r.label === label)?.samples ?? []);
}

export function minimum(samples: readonly number[]): number {
  return samples.length ? Math.min(...samples) : Number.NaN;
}

/** Milliseconds since START, a process.hrtime.bigint() reading. */
export function millisecondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls CHECK until it returns a truthy value; throws after the deadline. */
export async function waitUntil<T>(check: () => T, what: string, timeoutMs = 10_000, pollMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(pollMs);
  }
}

export interface TimedCommand {
  label: string;
  command: string;
  args: string[];
  cwd: string;
}

/**
 * Wall time of one whole command, from just before fork to its reaping.
 * spawnSync keeps the bench's own event loop out of the measurement, and no
 * stream is a terminal (all three are /dev/null), so nohup-like commands
 * create no nohup.out. A run that does not exit 0 aborts the bench: it would
 * time an error path, not the command.
 */
export function timeCommand(run: TimedCommand): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(run.command, run.args, {
    cwd: run.cwd,
    stdio: 'ignore',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  const elapsed = millisecondsSince(start);
  if (result.error) throw new Error(`${run.label}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${run.label}: exited with ${result.signal ?? `status ${result.status}`}`);
  }
  return elapsed;
}

/**
 * Times each command RUNS times, interleaved round by round, each round starting one command later (A B C B C A …)
 * so that a noisy neighbour slows every variant alike, after WARMUP rounds
 * that fill the page cache and are thrown away.
 */
export async function timeInterleaved(
  commands: readonly TimedCommand[],
  runs: number,
  warmup: number,
  progress: (message: string) => void,
): Promise<Row[]> {
  const rows: Row[] = commands.map((c) => ({ label: c.label, samples: [] }));
  for (let round = -warmup; round < runs; round++) {
    // Each round starts with the next command: the one run right after
    // another may find its pages cached, or the machine busier, so no
    // command keeps the same place.
    const start = ((round % commands.length) + commands.length) % commands.length;
    for (let k = 0; k < commands.length; k++) {
      const i = (start + k) % commands.length;
      const ms = timeCommand(commands[i]);
      if (round >= 0) rows[i].samples.push(ms);
    }
    if (round >= 0 && (round + 1) % 5 === 0) progress(`${round + 1}/${runs} rounds`);
    await delay(0); // let a SIGINT handler run between rounds
  }
  return rows;
}
