import type { ProcessTracker } from './processes';

/**
 * What bench.ts hands to every section. Sections start processes only
 * through `processes`, so that each one is ended by pid before the bench
 * exits, and make temporary directories only through `makeTempDir`, so that
 * they are removed even when a section fails.
 */
export interface BenchContext {
  /** Timed runs per variant (BENCH_RUNS, 15 by default). */
  runs: number;
  /** The checkout: bin/, dist/ and build/ are under it. */
  root: string;
  processes: ProcessTracker;
  makeTempDir(label: string): string;
  /** One line of progress on stderr; stdout carries only the report. */
  progress(message: string): void;
}

/** One variant's samples, in the order they were taken. */
export interface Row {
  label: string;
  samples: number[];
}

/** A table of variants measured in the same run; ratios are taken against `baseline`. */
export interface Table {
  title: string;
  /** 'count': a number of events (context switches), not a time or a size. */
  unit: 'ms' | 'MiB' | 'count';
  /** The label of the row the others are compared with. */
  baseline: string;
  rows: Row[];
}

/** A goal: the median of `subject` at most `limit` times the median of `baseline`, in one table. */
export interface Target {
  table: string;
  subject: string;
  baseline: string;
  limit: number;
}

/** What a section returns: bench.ts prints it. */
export interface SectionResult {
  tables: Table[];
  targets: Target[];
  /** Sentences with absolute numbers, ready to quote. */
  notes: string[];
}

/**
 * One benchmark section, registered in bench.ts's SECTIONS array and
 * selected on the command line by `name`.
 */
export interface Section {
  name: string;
  describe: string;
  run(context: BenchContext): Promise<SectionResult>;
}
