// npm run bench [SECTION]...   (BENCH_RUNS=N to change the number of runs)
//
// Each section measures our tool and its baselines in the same run,
// interleaved, and prints a table per measurement with medians, minima and
// ratios against the baseline, then its targets as PASS or MISS.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessTracker } from './processes';
import { formatTable, formatTarget } from './report';
import { supervisorSection } from './supervisor.bench';
import { tdaemonSection } from './tdaemon.bench';
import { tnohupSection } from './tnohup.bench';
import type { BenchContext, Section } from './types';
import { watchdogSection } from './watchdog.bench';
import { webSection } from './web.bench';

/** Every section, in the order they run. Add new ones here. */
const SECTIONS: Section[] = [tnohupSection, tdaemonSection, watchdogSection, supervisorSection, webSection];

const DEFAULT_RUNS = 15;

function readRuns(): number {
  const text = process.env.BENCH_RUNS;
  if (text === undefined || text === '') return DEFAULT_RUNS;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`BENCH_RUNS must be a positive integer, not '${text}'`);
  if (Number(text) < 10) process.stderr.write(`bench: BENCH_RUNS=${text}: medians of fewer than 10 runs are not reliable\n`);
  return Number(text);
}

/** The sections named on the command line, or all of them. */
function selectSections(names: string[]): Section[] {
  const unknown = names.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length) {
    throw new Error(`unknown section '${unknown[0]}'; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  }
  return names.length ? SECTIONS.filter((s) => names.includes(s.name)) : SECTIONS;
}

function describeMachine(runs: number): string {
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  return `node ${process.version}, ${os.cpus().length} CPUs, Linux ${os.release()}, load ${load}; ${runs} runs per variant`;
}

/** True when every target was met; null when only the help was asked for. */
async function main(args: string[]): Promise<boolean | null> {
  if (args.includes('--help') || args.includes('--list')) {
    process.stdout.write('usage: node build/bench/bench.js [SECTION]...\n\nsections:\n');
    for (const s of SECTIONS) process.stdout.write(`  ${s.name.padEnd(10)} ${s.describe}\n`);
    return null;
  }
  const sections = selectSections(args);
  const runs = readRuns();
  const tempDirs: string[] = [];
  const processes = new ProcessTracker();
  const removeTempDirs = () => {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  };
  // However the bench ends, nothing it started outlives it.
  process.on('exit', () => {
    processes.killAllNow();
    removeTempDirs();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      void processes.stopAll().finally(() => process.exit(128 + os.constants.signals[signal]));
    });
  }
  const context: BenchContext = {
    runs,
    root: path.join(__dirname, '..', '..'),
    processes,
    makeTempDir(label) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${label}-`));
      tempDirs.push(dir);
      return dir;
    },
    progress: (message) => process.stderr.write(`bench: ${message}\n`),
  };

  process.stdout.write(`${describeMachine(runs)}\n`);
  let allPass = true;
  for (const section of sections) {
    const result = await section.run(context);
    await processes.stopAll();
    removeTempDirs();
    process.stdout.write(`\n== ${section.name}: ${section.describe}\n`);
    for (const table of result.tables) process.stdout.write(`\n${formatTable(table).join('\n')}\n`);
    process.stdout.write('\n');
    for (const target of result.targets) {
      const { line, pass } = formatTarget(result, target);
      allPass &&= pass;
      process.stdout.write(`${line}\n`);
    }
    for (const note of result.notes) process.stdout.write(`${note}\n`);
  }
  process.stdout.write(`\nload after: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);
  return allPass;
}

main(process.argv.slice(2)).then(
  (allPass) => {
    if (allPass !== null) process.stdout.write(allPass ? 'all targets met\n' : 'some targets MISSED\n');
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
