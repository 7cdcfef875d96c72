import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DaemonRegistry,
  expectAbsent,
  expectDead,
  findTool,
  msBetween,
  readPidfile,
  rotate,
  runTimed,
  writeMarkerScript,
} from './daemons';
import { MarkerFifo } from './markers';
import { medianOf } from './measure';
import type { BenchContext, Row, Section, SectionResult, Table, Target } from './types';

const START_RUNS = 'start: until the command runs (its first line reaches the bench)';
const START_RETURNS = 'start: until start returns';
const STATUS = 'status of a running daemon (wall time)';
const STOP = 'stop of a daemon that exits on SIGTERM (wall time)';

const NODE_EMPTY = 'node -e 0';

/** Row labels per table, so that each target line names what it judges. */
const TD = { runs: 'tdaemon start, to first line', start: 'tdaemon start', status: 'tdaemon status', stop: 'tdaemon stop' };
const SSD = {
  runs: 'start-stop-daemon --start, to first line',
  start: 'start-stop-daemon --start',
  status: 'start-stop-daemon --status',
  stop: 'start-stop-daemon --stop',
};
type Labels = typeof TD;

/** How long a started command may take to write its first line. */
const MARKER_TIMEOUT_MS = 10_000;

interface Variant {
  labels: Labels;
  start(): Promise<{ runsMs: number; returnsMs: number }>;
  status(): number;
  stop(): Promise<number>;
}

/**
 * tdaemon's start, status and stop beside Debian's start-stop-daemon on the
 * same command, and beside `node -e 0`, the floor any node program pays.
 * The command is one script for both (marker.sh: `echo $$ > FIFO; exec sleep
 * 1000`), exec'd by start-stop-daemon directly and by tdaemon through its
 * SIGHUP-ignoring `sh -c` shim, which is part of tdaemon's cost.
 */
async function measure(context: BenchContext, dir: string, registry: DaemonRegistry, notes: string[]): Promise<Table[]> {
  const tdaemonBin = path.join(context.root, 'bin', 'tdaemon');
  const script = writeMarkerScript(dir);
  const ssdBin = findTool('start-stop-daemon');
  const fifos: MarkerFifo[] = [];
  try {
    const tdFifo = await MarkerFifo.create(path.join(dir, 'tdaemon.fifo'));
    fifos.push(tdFifo);
    const pidfile = path.join(dir, 'td.pid');
    const statefile = path.join(dir, 'td.state');
    let tdPid = 0;

    const tdaemon: Variant = {
      labels: TD,
      async start() {
        const run = runTimed('tdaemon start', tdaemonBin, ['--pidfile', pidfile, 'start', '--wait', '0', '--', script, tdFifo.path], dir);
        const marker = await tdFifo.next(MARKER_TIMEOUT_MS, 'the command tdaemon started');
        tdPid = Number(marker.line);
        registry.record(tdPid);
        const recorded = readPidfile(pidfile);
        if (recorded !== tdPid) throw new Error(`tdaemon's pidfile holds ${recorded}, the command said it is pid ${tdPid}`);
        return { runsMs: msBetween(run.startedAt, marker.at), returnsMs: run.ms };
      },
      status: () => runTimed('tdaemon status', tdaemonBin, ['--pidfile', pidfile, 'status'], dir).ms,
      async stop() {
        const ms = runTimed('tdaemon stop', tdaemonBin, ['--pidfile', pidfile, 'stop'], dir).ms;
        await expectDead([{ pid: tdPid, what: "tdaemon's command" }]);
        expectAbsent([pidfile, statefile, `${pidfile}.lock`, `${pidfile}.starting`]);
        return ms;
      },
    };

    const variants: Variant[] = [tdaemon];
    if (ssdBin === null) {
      notes.push(`SKIP: start-stop-daemon not found (Debian's dpkg); no comparison with it (bash scripts/bench-tools.sh)`);
    } else {
      const ssdFifo = await MarkerFifo.create(path.join(dir, 'ssd.fifo'));
      fifos.push(ssdFifo);
      const ssdPidfile = path.join(dir, 'ssd.pid');
      let ssdPid = 0;
      variants.push({
        labels: SSD,
        async start() {
          const args = ['--start', '--background', '--make-pidfile', '--pidfile', ssdPidfile, '--exec', script, '--', ssdFifo.path];
          const run = runTimed('start-stop-daemon --start', ssdBin, args, dir);
          const marker = await ssdFifo.next(MARKER_TIMEOUT_MS, 'the command start-stop-daemon started');
          ssdPid = Number(marker.line);
          registry.record(ssdPid);
          const recorded = readPidfile(ssdPidfile);
          if (recorded !== ssdPid) throw new Error(`start-stop-daemon's pidfile holds ${recorded}, the command said it is pid ${ssdPid}`);
          return { runsMs: msBetween(run.startedAt, marker.at), returnsMs: run.ms };
        },
        status: () => runTimed('start-stop-daemon --status', ssdBin, ['--status', '--pidfile', ssdPidfile], dir).ms,
        async stop() {
          const args = ['--stop', '--pidfile', ssdPidfile, '--retry', 'TERM/10/KILL/5', '--remove-pidfile'];
          const ms = runTimed('start-stop-daemon --stop', ssdBin, args, dir).ms;
          await expectDead([{ pid: ssdPid, what: "start-stop-daemon's command" }]);
          expectAbsent([ssdPidfile]);
          return ms;
        },
      });
    }
    const node = (): number => runTimed(NODE_EMPTY, 'node', ['-e', '0'], dir).ms;

    const rows = (verb: keyof Labels): Row[] => [...variants.map((v) => v.labels[verb]), NODE_EMPTY].map((label) => ({ label, samples: [] }));
    const startRuns = rows('runs');
    const startReturns = rows('start');
    const status = rows('status');
    const stop = rows('stop');
    const push = (table: Row[], label: string, ms: number, round: number) => {
      if (round >= 0) table.find((r) => r.label === label)!.samples.push(ms);
    };
    // One warm-up round, thrown away; then every round runs every variant, in an order rotated each round.
    for (let round = -1; round < context.runs; round++) {
      const order = rotate([...variants, null], round); // null: node -e 0
      for (const v of order) {
        if (v === null) {
          const ms = node();
          push(startRuns, NODE_EMPTY, ms, round);
          push(startReturns, NODE_EMPTY, ms, round);
        } else {
          const { runsMs, returnsMs } = await v.start();
          push(startRuns, v.labels.runs, runsMs, round);
          push(startReturns, v.labels.start, returnsMs, round);
        }
      }
      for (const v of order) push(status, v?.labels.status ?? NODE_EMPTY, v === null ? node() : v.status(), round);
      for (const v of order) push(stop, v?.labels.stop ?? NODE_EMPTY, v === null ? node() : await v.stop(), round);
      const stray = fifos.flatMap((f) => f.drain());
      if (stray.length) throw new Error(`unexpected lines in the fifos: ${stray.map((m) => m.line).join(', ')}`);
      if (round >= 0 && (round + 1) % 5 === 0) context.progress(`tdaemon: ${round + 1}/${context.runs} rounds`);
    }
    return [
      { title: START_RUNS, unit: 'ms', baseline: NODE_EMPTY, rows: startRuns },
      { title: START_RETURNS, unit: 'ms', baseline: NODE_EMPTY, rows: startReturns },
      { title: STATUS, unit: 'ms', baseline: NODE_EMPTY, rows: status },
      { title: STOP, unit: 'ms', baseline: NODE_EMPTY, rows: stop },
    ];
  } finally {
    for (const fifo of fifos) await fifo.close();
  }
}

export const tdaemonSection: Section = {
  name: 'tdaemon',
  describe: 'tdaemon start, status and stop vs start-stop-daemon and node -e 0',
  async run(context: BenchContext): Promise<SectionResult> {
    const dir = context.makeTempDir('tdaemon');
    const registry = new DaemonRegistry(dir);
    const notes: string[] = [];
    let tables: Table[];
    try {
      tables = await measure(context, dir, registry, notes);
    } finally {
      const killed = await registry.dispose();
      if (killed.length) notes.push(`warning: pids ${killed.join(' ')} outlived their stop and were killed`);
    }
    const [startRuns, startReturns, status, stop] = tables;
    const hasSsd = startRuns.rows.some((r) => r.label === SSD.runs);
    const line = (what: string, table: Table) =>
      `${what} medians: ` + table.rows.map((r) => `${r.label} ${medianOf(table, r.label).toFixed(1)} ms`).join(', ');
    notes.unshift(
      line('start until the command runs', startRuns),
      line('start until it returns', startReturns),
      line('status', status),
      line('stop', stop),
      'commands: tdaemon --pidfile P start --wait 0 -- marker.sh FIFO | status | stop; ' +
        'start-stop-daemon --start --background --make-pidfile --pidfile P2 --exec marker.sh -- FIFO | ' +
        '--status --pidfile P2 | --stop --pidfile P2 --retry TERM/10/KILL/5 --remove-pidfile; ' +
        "marker.sh is 'echo $$ > \"$1\"; exec sleep 1000'",
    );
    if (hasSsd) {
      notes.push(
        "note: start-stop-daemon --stop polls kill(pid, 0) every 20 ms, which succeeds on a zombie; this machine's init reaps " +
          'orphaned zombies only about once a second, so its stop time here is mostly that wait (tdaemon treats a zombie as dead)',
      );
    }
    const targets: Target[] = [
      { table: START_RETURNS, subject: TD.start, baseline: NODE_EMPTY, limit: 1.3 },
      { table: STATUS, subject: TD.status, baseline: NODE_EMPTY, limit: 1.3 },
      { table: STOP, subject: TD.stop, baseline: NODE_EMPTY, limit: 1.3 },
    ];
    const stray = fs.readdirSync(dir).filter((f) => !/^(marker\.sh|.*\.fifo|td\.log)$/.test(f));
    if (stray.length) notes.push(`warning: left in the daemon directory: ${stray.join(', ')}`);
    return { tables, targets, notes };
  },
};
