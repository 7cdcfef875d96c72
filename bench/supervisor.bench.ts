// The supervisor section: tdaemon -c beside the real supervisord 4.2.5 (and
// pm2, where installed), issue 10's benchmark list. Every supervisor runs in
// its own temporary directory (socket, pidfile, logs); the programs are
// `sleep`s whose command line names that directory, so that whatever is
// left is found and ended by pid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonRegistry, findTool, rotate } from './daemons';
import { delay, median, medianOf, timeInterleaved, waitUntil } from './measure';
import { measureLogThroughput, LOG_THROUGHPUT, SHELL_FILE } from './supervisor-logs';
import { measureRespawn, RESPAWN } from './supervisor-respawn';
import {
  adoptOurs,
  countContextSwitches,
  countMarkers,
  launchOurs,
  launchSupervisord,
  listOwnProcesses,
  OURS,
  readTreeMemory,
  sleepPrograms,
  sleepTag,
  SUPERVISORD,
  writeConfig,
  type RunningSupervisor,
} from './supervisors';
import type { BenchContext, Row, Section, SectionResult, Table, Target } from './types';

const NODE_IDLE = 'node, idle setInterval';
const UP_100 = 'up of 100 programs (startsecs=0) until all 100 have written their marker';
const STATUS_OURS = 'status of 100 programs: tdaemon -c status';
const STATUS_CTL = 'status of 100 programs: the real supervisorctl status';
const IDLE = 'idle wake-ups: context switches of the supervisor\'s own threads in 10 s, 10 programs';
const SIZES = [1, 10, 100];
const SETTLE_MS = 1000;
/** Starting 100 programs twice per round is slow: at most this many rounds. */
const MAX_START_ROUNDS = 5;
const IDLE_WINDOW_MS = 10_000;
const MAX_IDLE_WINDOWS = 3;

const memoryTitle = (n: number, kind: 'VmRSS' | 'Pss') =>
  `memory (${kind}, the supervisor's own processes, programs excluded): ${n} program${n > 1 ? 's' : ''}`;

/** Starts a supervisor of N sleep programs in DIR; resolves once every program wrote its marker. */
async function startSupervisor(context: BenchContext, label: string, dir: string, n: number, registry: DaemonRegistry): Promise<{ sup: RunningSupervisor; ms: number }> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = writeConfig(dir, sleepPrograms(dir, n));
  const started = process.hrtime.bigint();
  const up = label === OURS ? launchOurs(context, config) : null;
  const sd = label === SUPERVISORD ? launchSupervisord(context, config) : null;
  try {
    await waitUntil(() => countMarkers(dir) >= n, `${label}: ${n} markers in ${dir}/m`, 60_000, 2);
  } catch (error) {
    await sd?.stop();
    throw error;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const sup = up ? await adoptOurs(context, config, up, registry) : sd!;
  return { sup, ms };
}

/** Memory at 1, 10, 100 programs and the time of an `up` of 100, each round starting ours and supervisord turn about. */
async function measureStarts(context: BenchContext, dir: string, registry: DaemonRegistry, notes: string[]): Promise<Table[]> {
  const rounds = Math.min(context.runs, MAX_START_ROUNDS);
  const labels = [OURS, SUPERVISORD];
  const tables: Table[] = [];
  const upRows: Row[] = [SUPERVISORD, OURS].map((label) => ({ label, samples: [] }));
  for (const n of SIZES) {
    const rss: Row[] = [NODE_IDLE, ...labels].map((label) => ({ label, samples: [] }));
    const pss: Row[] = [NODE_IDLE, ...labels].map((label) => ({ label, samples: [] }));
    const counts: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const label of rotate(labels, round)) {
        const { sup, ms } = await startSupervisor(context, label, path.join(dir, label === OURS ? 'ours' : 'sd'), n, registry);
        try {
          if (n === 100) upRows.find((r) => r.label === label)!.samples.push(ms);
          await delay(SETTLE_MS);
          const own = listOwnProcesses(sup.pid, sleepTag(sup.dir));
          counts.push(own.length);
          const m = readTreeMemory(own);
          rss.find((r) => r.label === label)!.samples.push(m.rss);
          pss.find((r) => r.label === label)!.samples.push(m.pss);
        } finally {
          await sup.stop();
        }
      }
      const node = context.processes.start(process.execPath, ['-e', 'setInterval(()=>{},1e9)'], dir);
      try {
        await delay(SETTLE_MS);
        const m = readTreeMemory([node.pid]);
        rss[0].samples.push(m.rss);
        pss[0].samples.push(m.pss);
      } finally {
        await context.processes.stop(node);
      }
      context.progress(`supervisor starts, ${n} programs: ${round + 1}/${rounds} rounds`);
    }
    tables.push({ title: memoryTitle(n, 'VmRSS'), unit: 'MiB', baseline: NODE_IDLE, rows: rss });
    tables.push({ title: memoryTitle(n, 'Pss'), unit: 'MiB', baseline: NODE_IDLE, rows: pss });
    notes.push(`memory, ${n} programs: own processes counted per supervisor: ${[...new Set(counts)].join(', ')}`);
  }
  tables.push({ title: UP_100, unit: 'ms', baseline: SUPERVISORD, rows: upRows });
  notes.push(`starts: ${rounds} rounds per size and supervisor (at most ${MAX_START_ROUNDS}, BENCH_RUNS below that); settle ${SETTLE_MS} ms before memory is read`);
  return tables;
}

/** Both supervisors of 100 programs at once; each status command timed interleaved. */
async function measureStatus(context: BenchContext, dir: string, registry: DaemonRegistry): Promise<Table[]> {
  const ours = (await startSupervisor(context, OURS, path.join(dir, 'status-ours'), 100, registry)).sup;
  try {
    const sd = (await startSupervisor(context, SUPERVISORD, path.join(dir, 'status-sd'), 100, registry)).sup;
    try {
      const ctl = findTool('supervisorctl')!;
      const rows = await timeInterleaved(
        [
          { label: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: dir },
          { label: OURS, command: path.join(context.root, 'bin', 'tdaemon'), args: ['-c', ours.config, 'status'], cwd: dir },
          { label: `supervisorctl -> ${OURS}`, command: ctl, args: ['-c', ours.config, 'status'], cwd: dir },
          { label: `supervisorctl -> ${SUPERVISORD}`, command: ctl, args: ['-c', sd.config, 'status'], cwd: dir },
        ],
        context.runs,
        2,
        (message) => context.progress(`supervisor status: ${message}`),
      );
      return [
        { title: STATUS_OURS, unit: 'ms', baseline: 'node -e 0', rows: rows.slice(0, 2) },
        { title: STATUS_CTL, unit: 'ms', baseline: `supervisorctl -> ${SUPERVISORD}`, rows: rows.slice(2) },
      ];
    } finally {
      await sd.stop();
    }
  } finally {
    await ours.stop();
  }
}

/** Both supervisors of 10 programs, idle side by side; their context switches counted over the same windows. */
async function measureIdle(context: BenchContext, dir: string, registry: DaemonRegistry, notes: string[]): Promise<Table> {
  const windows = Math.min(context.runs, MAX_IDLE_WINDOWS);
  const sups: RunningSupervisor[] = [];
  try {
    sups.push((await startSupervisor(context, OURS, path.join(dir, 'idle-ours'), 10, registry)).sup);
    sups.push((await startSupervisor(context, SUPERVISORD, path.join(dir, 'idle-sd'), 10, registry)).sup);
    await delay(2 * SETTLE_MS);
    const rows: Row[] = sups.map((s) => ({ label: s.label, samples: [] }));
    for (let w = 0; w < windows; w++) {
      const own = sups.map((s) => listOwnProcesses(s.pid, sleepTag(s.dir)));
      const before = own.map((pids) => countContextSwitches(pids));
      await delay(IDLE_WINDOW_MS);
      own.forEach((pids, i) => rows[i].samples.push(countContextSwitches(pids) - before[i]));
      context.progress(`supervisor idle: ${w + 1}/${windows} windows of ${IDLE_WINDOW_MS / 1000} s`);
    }
    const ours = median(rows[0].samples);
    notes.push(`idle wake-ups: ${windows} windows of 10 s; medians: ${rows.map((r) => `${r.label} ${median(r.samples)}`).join(', ')} context switches`);
    notes.push(`target: '${OURS}' no periodic wake-ups (fewer than 5 context switches in 10 s): ${ours}  ${ours < 5 ? 'PASS' : 'MISS'}`);
    return { title: IDLE, unit: 'count', baseline: SUPERVISORD, rows };
  } finally {
    for (const s of sups.reverse()) await s.stop();
  }
}

async function runSection(context: BenchContext): Promise<SectionResult> {
  const notes: string[] = [];
  if (findTool('supervisord') === null || findTool('supervisorctl') === null) {
    return { tables: [], targets: [], notes: ['SKIP: supervisord/supervisorctl not found (Debian package supervisor)'] };
  }
  notes.push(findTool('pm2') === null ? 'SKIP: pm2 is not installed here; no pm2 figures' : 'pm2 is installed, but this section does not measure it yet');
  const dir = context.makeTempDir('supervisor');
  const registry = new DaemonRegistry(dir);
  const tables: Table[] = [];
  try {
    tables.push(...(await measureStarts(context, dir, registry, notes)));
    tables.push(...(await measureStatus(context, dir, registry)));
    tables.push(await measureIdle(context, dir, registry, notes));
    tables.push(await measureRespawn(context, dir, registry, notes));
    tables.push(await measureLogThroughput(context, dir, registry, notes));
  } finally {
    const left = await registry.dispose();
    if (left.length) notes.push(`WARNING: ${left.length} processes were left running and killed: ${left.join(' ')}`);
  }
  const targets: Target[] = [];
  for (const n of SIZES) {
    const table = tables.find((t) => t.title === memoryTitle(n, 'VmRSS'))!;
    const node = medianOf(table, NODE_IDLE);
    targets.push({ table: table.title, subject: OURS, baseline: NODE_IDLE, limit: (node + 0.1 * n) / node });
  }
  targets.push({ table: UP_100, subject: OURS, baseline: SUPERVISORD, limit: 0.5 });
  targets.push({ table: STATUS_OURS, subject: OURS, baseline: 'node -e 0', limit: 1.3 });
  targets.push({ table: STATUS_CTL, subject: `supervisorctl -> ${OURS}`, baseline: `supervisorctl -> ${SUPERVISORD}`, limit: 1 });
  const respawn = tables.find((t) => t.title === RESPAWN)!;
  if (respawn.rows.length > 1) targets.push({ table: RESPAWN, subject: OURS, baseline: respawn.baseline, limit: 1 });
  targets.push({ table: LOG_THROUGHPUT, subject: OURS, baseline: SHELL_FILE, limit: 2 });
  targets.push({ table: LOG_THROUGHPUT, subject: OURS, baseline: SUPERVISORD, limit: 0.2 });
  notes.push('memory targets: VmRSS of ours <= VmRSS of an idle node + 0.1 MiB per program (the limit is that sum over the node median)');
  return { tables, targets, notes };
}

export const supervisorSection: Section = {
  name: 'supervisor',
  describe: 'tdaemon -c beside supervisord 4.2.5: memory, up, status, respawn, log throughput, idle wake-ups',
  run: runSection,
};
