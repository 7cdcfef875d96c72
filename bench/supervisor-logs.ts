// Log throughput: one program writes BENCH_LOG_MIB MiB (1024 by default) of
// log lines to its stdout, logged with rotation (50MB files), under
// tdaemon -c and under supervisord, beside the shell writing the same bytes
// to a file itself. The program waits on a fifo for its go, so neither
// supervisor's start-up is timed: from the go to the last byte in the files.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DaemonRegistry } from './daemons';
import { delay, median, millisecondsSince, waitUntil } from './measure';
import { adoptOurs, launchOurs, launchSupervisord, OURS, SUPERVISORD, writeConfig, type RunningSupervisor } from './supervisors';
import type { BenchContext, Row, Table } from './types';

export const LOG_THROUGHPUT = 'log throughput: one program\'s output through rotation (50MB files), go to last byte';
export const SHELL_FILE = 'cmd > file';
const MIB = 1024 * 1024;
const LINE = '2026-11-29 20:33:35,123 INFO GET /api/items?page=3 200 1532 bytes in 4 ms';

export function readLogSettings(): { mib: number; runs: number } {
  const mib = Number(process.env.BENCH_LOG_MIB ?? 1024);
  const runs = Number(process.env.BENCH_LOG_RUNS ?? 3);
  if (!(mib > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('BENCH_LOG_MIB and BENCH_LOG_RUNS must be positive numbers');
  return { mib, runs };
}

function generator(bytes: number): string {
  // Double quotes: the command sits inside sh -c '...'.
  return `yes "${LINE}" | head -c ${bytes}`;
}

/**
 * The bytes in w.log and its backups. Not atomic: a rotation between the
 * listing and the stats can count a file twice or miss one, so callers wait
 * for the exact total twice in a row.
 */
function sizeOfLogs(dir: string): number {
  let sum = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('w.log')) continue;
    try {
      sum += fs.statSync(path.join(dir, name)).size;
    } catch {
      // renamed away meanwhile
    }
  }
  return sum;
}

/** Opens the fifo once its reader (the program) has it open, writes the go; returns the time. */
async function sendGo(fifo: string): Promise<bigint> {
  const fd = await waitUntil(() => {
    try {
      return fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK) + 1;
    } catch {
      return 0; // ENXIO: no reader yet
    }
  }, `the program to open ${fifo}`, 20_000, 5);
  const at = process.hrtime.bigint();
  fs.writeSync(fd - 1, 'go\n');
  fs.closeSync(fd - 1);
  return at;
}

async function timeSupervised(context: BenchContext, variant: string, dir: string, bytes: number, registry: DaemonRegistry): Promise<number> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const fifo = path.join(dir, 'go.fifo');
  spawnSync('mkfifo', [fifo]);
  const logs = path.join(dir, 'logs');
  const program = [
    '[program:w]',
    `command=sh -c 'read go < ${fifo}; ${generator(bytes)}'`,
    'startsecs=0',
    'autorestart=false',
    `stdout_logfile=${logs}/w.log`,
    'stdout_logfile_maxbytes=50MB',
    // Enough backups that nothing is deleted, so that the bytes can be counted.
    `stdout_logfile_backups=${Math.ceil(bytes / 50e6) + 2}`,
  ];
  const config = writeConfig(dir, program.join('\n'));
  let sup: RunningSupervisor | null = null;
  try {
    if (variant === OURS) sup = await adoptOurs(context, config, launchOurs(context, config), registry);
    else sup = launchSupervisord(context, config);
    const go = await sendGo(fifo);
    const deadline = Date.now() + 600_000;
    while (sizeOfLogs(logs) !== bytes || sizeOfLogs(logs) !== bytes) {
      if (Date.now() > deadline) throw new Error(`${variant}: ${sizeOfLogs(logs)} of ${bytes} bytes logged after 10 min`);
      await delay(5);
    }
    return millisecondsSince(go);
  } finally {
    await sup?.stop();
    fs.rmSync(logs, { recursive: true, force: true });
  }
}

function timeShell(dir: string, bytes: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'w.log');
  const started = process.hrtime.bigint();
  const result = spawnSync('/bin/sh', ['-c', `${generator(bytes)} > '${file}'`], { stdio: 'ignore' });
  const ms = millisecondsSince(started);
  if (result.status !== 0 || fs.statSync(file).size !== bytes) throw new Error(`${SHELL_FILE}: status ${result.status}`);
  fs.rmSync(file);
  return ms;
}

/** Each variant LOG_RUNS times, interleaved; the bytes are removed after each run. */
export async function measureLogThroughput(context: BenchContext, dir: string, registry: DaemonRegistry, notes: string[]): Promise<Table> {
  const { mib, runs } = readLogSettings();
  const bytes = Math.round(mib * MIB);
  const labels = [SHELL_FILE, OURS, SUPERVISORD];
  const rows: Row[] = labels.map((label) => ({ label, samples: [] }));
  for (let round = 0; round < runs; round++) {
    for (const [i, label] of labels.entries()) {
      const sub = path.join(dir, `log-${i}`);
      const ms = label === SHELL_FILE ? timeShell(sub, bytes) : await timeSupervised(context, label, sub, bytes, registry);
      rows[i].samples.push(ms);
    }
    context.progress(`supervisor log throughput: ${round + 1}/${runs} rounds`);
  }
  notes.push(`log throughput: ${mib} MiB per run, ${runs} runs per variant (BENCH_LOG_MIB, BENCH_LOG_RUNS); MiB/s by median: ` +
    rows.map((r) => `${r.label} ${(mib / (median(r.samples) / 1000)).toFixed(0)}`).join(', '));
  return { title: LOG_THROUGHPUT, unit: 'ms', baseline: SHELL_FILE, rows };
}
