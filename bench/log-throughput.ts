// Throughput of RotatingLog: 200 MiB of log lines from a child's pipe,
// beside the shell writing the same bytes to a file itself and through
// `cat > file`. Each case runs ROUNDS times and its best time is kept (the
// machine is shared and noisy). Run: npm run build && node build/bench/log-throughput.js [MiB] [ROUNDS]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RotatingLog } from '../src/os/rotating-log';

const MIB = 1024 * 1024;
const total = Number(process.argv[2] ?? 200) * MIB;
const rounds = Number(process.argv[3] ?? 3);
const LINE = '2026-11-29 20:33:35,123 INFO GET /api/items?page=3 200 1532 bytes in 4 ms';
const generate = `yes '${LINE}' | head -c ${total}`;

function timeShell(script: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync('/bin/sh', ['-c', script], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${script}: status ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU seconds our own process spent in the best run of each RotatingLog case (less noisy than wall time on a shared machine). */
const cpuSeconds = new Map<string, number>();

async function timeRotatingLog(file: string, maxBytes: number, backups: number): Promise<number> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const log = new RotatingLog(file, { maxBytes, backups, onError: (error) => console.error(error.message) });
  const child = spawn('/bin/sh', ['-c', generate], { stdio: ['ignore', 'pipe', 'inherit'] });
  await log.copyFrom(child.stdout);
  await log.close();
  const used = process.cpuUsage(cpu);
  const key = `${maxBytes}/${backups}`;
  cpuSeconds.set(key, Math.min(cpuSeconds.get(key) ?? Infinity, (used.user + used.system) / 1e6));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function totalSize(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
}

async function main(): Promise<void> {
  const rows: Array<[string, number, number]> = [];
  const measure = async (name: string, body: (file: string) => number | Promise<number>, keep: number): Promise<void> => {
    let best = Infinity;
    let kept = 0;
    for (let round = 0; round < rounds; round++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-bench-'));
      try {
        best = Math.min(best, await body(path.join(dir, 'app.log')));
        kept = totalSize(dir);
        if (keep >= 0 && kept !== keep) console.error(`${name}: ${kept} bytes kept`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    rows.push([name, best, kept]);
  };
  await measure('generator > file', (file) => timeShell(`${generate} > '${file}'`), total);
  await measure('generator | cat > file', (file) => timeShell(`${generate} | cat > '${file}'`), total);
  await measure('generator | RotatingLog (no rotation)', (file) => timeRotatingLog(file, 0, 0), total);
  await measure('generator | RotatingLog (50MB, 10 backups)', (file) => timeRotatingLog(file, 50 * 1000 * 1000, 10), -1);
  await measure('generator | RotatingLog (1MB, 10 backups)', (file) => timeRotatingLog(file, 1000 * 1000, 10), -1);
  console.log(`${total / MIB} MiB of ${LINE.length + 1}-byte lines, best of ${rounds}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  for (const [name, seconds, kept] of rows) {
    console.log(`${name.padEnd(44)} ${seconds.toFixed(2).padStart(6)} s ${(total / MIB / seconds).toFixed(0).padStart(6)} MiB/s  (${(kept / MIB).toFixed(0)} MiB kept)`);
  }
  for (const [key, seconds] of cpuSeconds) console.log(`RotatingLog ${key.padEnd(20)} node's own CPU: ${seconds.toFixed(2)} s`);
}

void main();
