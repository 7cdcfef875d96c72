import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DaemonRegistry,
  expectAbsent,
  expectDead,
  findTool,
  livePidsNaming,
  msBetween,
  readPidfile,
  rotate,
  runTimed,
  writeMarkerScript,
} from './daemons';
import { MarkerFifo, type Marker } from './markers';
import { delay, median, medianOf, waitUntil } from './measure';
import { readProcStat } from '../src/common/proc';
import { isIdleInEventLoop, kbToMiB, readMemory } from './procfs';
import type { BenchContext, Row, Section, SectionResult, Table, Target } from './types';

const RESPAWN = 'respawn: from SIGKILL of the settled child to the new child\'s first line';
const IDLE_RSS = 'memory: VmRSS while idle';
const IDLE_ANON = 'memory: RssAnon while idle (private, not a target)';
const LOOP_RSS = 'memory: watchdog VmRSS in a crash loop (target: growth <= 5 MiB, as a ratio)';
const LOOP_ANON = 'memory: watchdog RssAnon in a crash loop (not a target)';

const TD_RESPAWN = 'tdaemon watchdog';
const DAEMON_RESPAWN = 'daemon(1) --respawn';
const TD_IDLE = 'tdaemon watchdog, idle';
const NODE_IDLE = 'node, idle setInterval';
const AFTER_FEW = 'after 10 restarts';
const AFTER_MANY = 'after 1000 restarts';
const FEW = 10;
const MANY = 1000;
const GROWTH_LIMIT_MIB = 5;

const MARKER_TIMEOUT_MS = 10_000;
/** tdaemon --min-uptime 0.1: a child up this long was healthy and is restarted at once. */
const TD_MIN_UPTIME = '0.1';
const TD_SETTLE_MS = 300;
/** daemon(1) --acceptable=1 (the least it takes, and only with --idiot). */
const DAEMON_SETTLE_MS = 1200;
const IDLE_SETTLE_MS = 1000;

interface WatchdogState {
  pid: number;
  watchdog: {
    state: string;
    childPid: number | null;
    restarts: number;
    lastExit: { code: number | null; signal: string | null; afterMs: number } | null;
  } | null;
}

function readState(file: string): WatchdogState | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WatchdogState;
  } catch {
    return null; // absent, or (never, with rename) half written
  }
}

function statefileOf(pidfile: string): string {
  return pidfile.replace(/\.pid$/, '') + '.state';
}

/** A daemon under tdaemon's watchdog. */
class WatchedDaemon {
  childPid = 0;
  watchdogPid = 0;
  readonly statefile: string;

  constructor(
    private readonly bin: string,
    readonly pidfile: string,
    private readonly cwd: string,
    private readonly registry: DaemonRegistry,
  ) {
    this.statefile = statefileOf(pidfile);
  }

  /** Starts it; resolves once the watchdog runs (and, with a fifo, once the child's first line came). */
  async start(command: string[], options: string[], fifo: MarkerFifo | null, okStatuses = [0]): Promise<void> {
    runTimed('tdaemon start --respawn', this.bin, ['--pidfile', this.pidfile, 'start', '--respawn', '--wait', '0', ...options, '--', ...command], this.cwd, okStatuses);
    this.watchdogPid = await waitUntil(() => readPidfile(this.pidfile), `the pidfile ${this.pidfile}`);
    this.registry.record(this.watchdogPid);
    if (fifo) {
      const marker = await fifo.next(MARKER_TIMEOUT_MS, "the watchdog's first child");
      this.childPid = Number(marker.line);
      this.registry.record(this.childPid);
      await this.expectChild(this.childPid);
    }
  }

  /** Waits until the state file names PID as the running child; returns the state. */
  async expectChild(pid: number): Promise<WatchdogState> {
    return waitUntil(() => {
      const state = readState(this.statefile);
      return state?.watchdog?.childPid === pid && state.watchdog.state === 'running' ? state : null;
    }, `${this.statefile} to name child ${pid}`, 5000, 2);
  }

  async stop(): Promise<void> {
    const lastChild = readState(this.statefile)?.watchdog?.childPid ?? null;
    runTimed('tdaemon stop', this.bin, ['--pidfile', this.pidfile, 'stop'], this.cwd);
    const pids = [{ pid: this.watchdogPid, what: 'the watchdog' }];
    for (const pid of new Set([this.childPid, lastChild])) if (pid) pids.push({ pid, what: "the watchdog's child" });
    await expectDead(pids);
    expectAbsent([this.pidfile, this.statefile, `${this.pidfile}.lock`, `${this.pidfile}.stop`, `${this.pidfile}.starting`]);
  }
}

interface Respawner {
  label: string;
  settleMs: number;
  fifo: MarkerFifo;
  /** The pid of the child that runs now, as the supervisor records it (checked against the child's own line). */
  currentChild(): Promise<number>;
  /** Called with the new child's line; checks what the supervisor records. */
  respawned(marker: Marker): Promise<void>;
  stop(): Promise<void>;
  /** What the supervisor says of itself, for error messages. */
  describe(): string;
}

/**
 * Respawn latency: the bench SIGKILLs the child once it has run long enough
 * to count as healthy, and times until the new child's first line reaches
 * the fifo. tdaemon's watchdog and daemon(1) supervise the same script,
 * both running at once, killed turn about.
 */
async function measureRespawn(context: BenchContext, dir: string, registry: DaemonRegistry, script: string, notes: string[]): Promise<Table> {
  const tdaemonBin = path.join(context.root, 'bin', 'tdaemon');
  const daemonBin = findTool('daemon');
  const fifos: MarkerFifo[] = [];
  const respawners: Respawner[] = [];
  try {
    const tdFifo = await MarkerFifo.create(path.join(dir, 'respawn-td.fifo'));
    fifos.push(tdFifo);
    const td = new WatchedDaemon(tdaemonBin, path.join(dir, 'respawn.pid'), dir, registry);
    // The default crash-loop rule (more than 10 deaths in 60 s) would end the watchdog mid-bench.
    await td.start([script, tdFifo.path], ['--min-uptime', TD_MIN_UPTIME, '--max-restarts', '100000'], tdFifo);
    let tdRestarts = 0;
    respawners.push({
      label: TD_RESPAWN,
      settleMs: TD_SETTLE_MS,
      fifo: tdFifo,
      async currentChild() {
        const state = await td.expectChild(td.childPid);
        return state.watchdog!.childPid!;
      },
      async respawned(marker) {
        const old = td.childPid;
        td.childPid = Number(marker.line);
        registry.record(td.childPid);
        const state = await td.expectChild(td.childPid);
        tdRestarts++;
        const w = state.watchdog!;
        if (w.restarts !== tdRestarts) throw new Error(`the watchdog counts ${w.restarts} restarts, the bench made ${tdRestarts}`);
        if (w.lastExit?.signal !== 'SIGKILL' || w.lastExit.afterMs < 100) {
          throw new Error(`the watchdog recorded the death of ${old} as ${JSON.stringify(w.lastExit)}, not a SIGKILL after a healthy run`);
        }
      },
      stop: () => td.stop(),
      describe: () => `state file: ${JSON.stringify(readState(td.statefile)?.watchdog ?? null)}`,
    });

    if (daemonBin === null) {
      notes.push('SKIP: daemon(1) not found (Debian package daemon); no respawn comparison (bash scripts/bench-tools.sh)');
    } else {
      const dFifo = await MarkerFifo.create(path.join(dir, 'respawn-daemon.fifo'));
      fifos.push(dFifo);
      const name = 'bench-respawn';
      const dPidfile = path.join(dir, `${name}.pid`);
      const clientPidfile = path.join(dir, `${name}.clientpid`);
      // --idiot lets root set --acceptable below 10 s; --unsafe lets root run a script from under /tmp.
      const identity = [`--name=${name}`, `--pidfiles=${dir}`];
      runTimed('daemon', daemonBin, ['--idiot', '--respawn', '--acceptable=1', '--unsafe', ...identity, '--', script, dFifo.path], dir);
      let client = Number((await dFifo.next(MARKER_TIMEOUT_MS, "daemon(1)'s first client")).line);
      registry.record(client);
      const daemonPid = await waitUntil(() => readPidfile(dPidfile), dPidfile);
      registry.record(daemonPid);
      const expectClient = (pid: number) => waitUntil(() => readPidfile(clientPidfile) === pid, `${clientPidfile} to name ${pid}`, 5000, 2);
      await expectClient(client);
      respawners.push({
        label: DAEMON_RESPAWN,
        settleMs: DAEMON_SETTLE_MS,
        fifo: dFifo,
        async currentChild() {
          await expectClient(client);
          return client;
        },
        async respawned(marker) {
          client = Number(marker.line);
          registry.record(client);
          await expectClient(client);
          if (readProcStat(client)?.ppid !== daemonPid) throw new Error(`daemon(1)'s new client ${client} is not its child`);
        },
        async stop() {
          runTimed('daemon --stop', daemonBin, [...identity, '--stop'], dir);
          await expectDead([
            { pid: daemonPid, what: 'daemon(1)' },
            { pid: client, what: "daemon(1)'s client" },
          ]);
          expectAbsent([dPidfile, clientPidfile]);
        },
        describe: () => `daemon(1) pid ${daemonPid} is ${readProcStat(daemonPid)?.state ?? 'gone'}, clientpid file holds ${readPidfile(clientPidfile)}`,
      });
    }

    const rows: Row[] = respawners.map((r) => ({ label: r.label, samples: [] }));
    const lastLineAt = new Map<Respawner, number>(respawners.map((r) => [r, Date.now()]));
    for (let round = -1; round < context.runs; round++) {
      for (const r of rotate(respawners, round)) {
        const wait = lastLineAt.get(r)! + r.settleMs - Date.now();
        if (wait > 0) await delay(wait);
        const victim = await r.currentChild();
        const killedAt = process.hrtime.bigint();
        process.kill(victim, 'SIGKILL');
        const marker = await r.fifo.next(MARKER_TIMEOUT_MS, `${r.label}'s new child`).catch((error: Error) => {
          throw new Error(`${error.message}; ${r.describe()}`);
        });
        lastLineAt.set(r, Date.now());
        if (Number(marker.line) === victim) throw new Error(`${r.label}: the killed child ${victim} wrote again`);
        if (round >= 0) rows[respawners.indexOf(r)].samples.push(msBetween(killedAt, marker.at));
        await r.respawned(marker);
      }
      const stray = fifos.flatMap((f) => f.drain());
      if (stray.length) throw new Error(`unexpected lines in the fifos: ${stray.map((m) => m.line).join(', ')}`);
      if (round >= 0 && (round + 1) % 5 === 0) context.progress(`watchdog respawn: ${round + 1}/${context.runs} rounds`);
    }
    return { title: RESPAWN, unit: 'ms', baseline: daemonBin ? DAEMON_RESPAWN : TD_RESPAWN, rows };
  } finally {
    try {
      for (const r of respawners.splice(0)) await r.stop();
    } finally {
      for (const fifo of fifos) await fifo.close();
    }
  }
}

/**
 * The watchdog's memory while its child runs and nothing happens, beside a
 * bare node that idles in setInterval, started turn about, with the same
 * settle time once both sit in epoll.
 */
async function measureIdle(context: BenchContext, dir: string, registry: DaemonRegistry, script: string): Promise<Table[]> {
  const tdaemonBin = path.join(context.root, 'bin', 'tdaemon');
  const vmRss: Row[] = [TD_IDLE, NODE_IDLE].map((label) => ({ label, samples: [] }));
  const rssAnon: Row[] = [TD_IDLE, NODE_IDLE].map((label) => ({ label, samples: [] }));
  const fifo = await MarkerFifo.create(path.join(dir, 'idle.fifo'));
  try {
    for (let run = 0; run < context.runs; run++) {
      const td = new WatchedDaemon(tdaemonBin, path.join(dir, 'idle.pid'), dir, registry);
      const startWatchdog = () => td.start([script, fifo.path], [], fifo);
      const startNode = () => context.processes.start('node', ['-e', 'setInterval(()=>{},1e9)'], dir);
      let node: ReturnType<typeof startNode> | null = null;
      try {
        if (run % 2 === 0) {
          await startWatchdog();
          node = startNode();
        } else {
          node = startNode();
          await startWatchdog();
        }
        const nodePid = node.pid;
        await waitUntil(
          () => isIdleInEventLoop(td.watchdogPid) !== false && isIdleInEventLoop(nodePid) !== false,
          'the watchdog and the bare node to idle in epoll',
        );
        await delay(IDLE_SETTLE_MS);
        const watchdog = readMemory(td.watchdogPid);
        const bare = readMemory(nodePid);
        vmRss[0].samples.push(kbToMiB(watchdog.vmRssKb));
        vmRss[1].samples.push(kbToMiB(bare.vmRssKb));
        rssAnon[0].samples.push(kbToMiB(watchdog.rssAnonKb));
        rssAnon[1].samples.push(kbToMiB(bare.rssAnonKb));
      } finally {
        if (td.watchdogPid) await td.stop();
        if (node) await context.processes.stop(node);
      }
      if ((run + 1) % 5 === 0) context.progress(`watchdog idle memory: ${run + 1}/${context.runs} runs`);
    }
  } finally {
    await fifo.close();
  }
  return [
    { title: IDLE_RSS, unit: 'MiB', baseline: NODE_IDLE, rows: vmRss },
    { title: IDLE_ANON, unit: 'MiB', baseline: NODE_IDLE, rows: rssAnon },
  ];
}

interface LoopResult {
  vmRss: Table;
  rssAnon: Table;
  /** Restarts per second between the two readings, one per run. */
  rates: number[];
  /** The restart counts actually seen at the two readings. */
  counts: Array<[number, number]>;
}

/**
 * The watchdog's memory in a crash loop: a child that exits 1 at once, with
 * --min-uptime 0 (every run counts as healthy, so the restart is immediate
 * and the backoff never grows) and --max-restarts 100000 in a 1 s window
 * (the crash-loop rule never fires). VmRSS is read when the state file
 * first counts 10 restarts, and again at 1000.
 */
async function measureCrashLoop(context: BenchContext, dir: string, registry: DaemonRegistry): Promise<LoopResult> {
  const tdaemonBin = path.join(context.root, 'bin', 'tdaemon');
  const crash = path.join(dir, 'crash.sh');
  fs.writeFileSync(crash, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  const options = ['--min-uptime', '0', '--max-restarts', '100000', '--restart-window', '1'];
  const vmRss: Row[] = [AFTER_FEW, AFTER_MANY].map((label) => ({ label, samples: [] }));
  const rssAnon: Row[] = [AFTER_FEW, AFTER_MANY].map((label) => ({ label, samples: [] }));
  const rates: number[] = [];
  const counts: Array<[number, number]> = [];
  for (let run = 0; run < context.runs; run++) {
    const td = new WatchedDaemon(tdaemonBin, path.join(dir, 'loop.pid'), dir, registry);
    try {
      // start reports the first run's death (status 1) while its watchdog goes on.
      await td.start([crash], options, null, [0, 1]);
      const reached = async (count: number): Promise<{ restarts: number; at: number }> => {
        const restarts = await waitUntil(
          () => {
            const w = readState(td.statefile)?.watchdog;
            if (w && w.state !== 'running' && w.state !== 'starting') throw new Error(`the crash-looping watchdog is '${w.state}'`);
            return w && w.restarts >= count ? w.restarts : null;
          },
          `${count} restarts`,
          300_000,
          2,
        );
        return { restarts, at: Date.now() };
      };
      const few = await reached(FEW);
      const fewMemory = readMemory(td.watchdogPid);
      const many = await reached(MANY);
      const manyMemory = readMemory(td.watchdogPid);
      vmRss[0].samples.push(kbToMiB(fewMemory.vmRssKb));
      vmRss[1].samples.push(kbToMiB(manyMemory.vmRssKb));
      rssAnon[0].samples.push(kbToMiB(fewMemory.rssAnonKb));
      rssAnon[1].samples.push(kbToMiB(manyMemory.rssAnonKb));
      rates.push(((many.restarts - few.restarts) * 1000) / (many.at - few.at));
      counts.push([few.restarts, many.restarts]);
    } finally {
      if (td.watchdogPid) await td.stop();
    }
    const left = livePidsNaming(crash);
    if (left.length) throw new Error(`crash-loop children still running after stop: ${left.join(' ')}`);
    context.progress(`watchdog crash loop: ${run + 1}/${context.runs} runs`);
  }
  return {
    vmRss: { title: LOOP_RSS, unit: 'MiB', baseline: AFTER_FEW, rows: vmRss },
    rssAnon: { title: LOOP_ANON, unit: 'MiB', baseline: AFTER_FEW, rows: rssAnon },
    rates,
    counts,
  };
}

export const watchdogSection: Section = {
  name: 'watchdog',
  describe: "tdaemon's watchdog: respawn latency vs daemon(1); idle RSS vs a bare node; RSS growth over 1000 restarts",
  async run(context: BenchContext): Promise<SectionResult> {
    const dir = context.makeTempDir('watchdog');
    const registry = new DaemonRegistry(dir);
    const script = writeMarkerScript(dir);
    const notes: string[] = [];
    let respawn: Table;
    let idle: Table[];
    let loop: LoopResult;
    try {
      respawn = await measureRespawn(context, dir, registry, script, notes);
      idle = await measureIdle(context, dir, registry, script);
      loop = await measureCrashLoop(context, dir, registry);
    } finally {
      const killed = await registry.dispose();
      if (killed.length) notes.push(`warning: pids ${killed.join(' ')} outlived their stop and were killed`);
    }
    const hasDaemon = respawn.baseline === DAEMON_RESPAWN;
    const few = medianOf(loop.vmRss, AFTER_FEW);
    const growth = loop.vmRss.rows[1].samples.map((v, i) => v - loop.vmRss.rows[0].samples[i]);
    notes.unshift(
      `respawn medians: tdaemon watchdog ${medianOf(respawn, TD_RESPAWN).toFixed(1)} ms` +
        (hasDaemon ? `, daemon(1) ${medianOf(respawn, DAEMON_RESPAWN).toFixed(1)} ms` : '') +
        ` (tdaemon --min-uptime ${TD_MIN_UPTIME}, killed after ${TD_SETTLE_MS} ms; daemon(1) --acceptable=1, killed after ${DAEMON_SETTLE_MS} ms)`,
      `idle medians: watchdog ${medianOf(idle[0], TD_IDLE).toFixed(1)} MiB VmRSS (${medianOf(idle[1], TD_IDLE).toFixed(1)} MiB RssAnon), ` +
        `bare node ${medianOf(idle[0], NODE_IDLE).toFixed(1)} MiB VmRSS (${medianOf(idle[1], NODE_IDLE).toFixed(1)} MiB RssAnon); ` +
        `settle ${IDLE_SETTLE_MS} ms`,
      `crash loop: VmRSS ${few.toFixed(1)} MiB after ~${FEW} restarts, ${medianOf(loop.vmRss, AFTER_MANY).toFixed(1)} MiB after ~${MANY}: ` +
        `growth ${(medianOf(loop.vmRss, AFTER_MANY) - few).toFixed(1)} MiB (median per run ${median(growth).toFixed(1)} MiB, ` +
        `max ${Math.max(...growth).toFixed(1)}; limit ${GROWTH_LIMIT_MIB} MiB); RssAnon ` +
        `${medianOf(loop.rssAnon, AFTER_FEW).toFixed(1)} -> ${medianOf(loop.rssAnon, AFTER_MANY).toFixed(1)} MiB; ` +
        `${median(loop.rates).toFixed(0)} restarts/s; counts read ${loop.counts.map(([a, b]) => `${a}/${b}`).join(' ')}`,
      `the crash-loop target's limit is 1 + ${GROWTH_LIMIT_MIB} MiB / ${few.toFixed(1)} MiB, so that it judges growth <= ${GROWTH_LIMIT_MIB} MiB`,
    );
    if (!hasDaemon) notes.push('target: respawn no slower than daemon(1): SKIP (daemon(1) not installed)');
    const targets: Target[] = [
      ...(hasDaemon ? [{ table: RESPAWN, subject: TD_RESPAWN, baseline: DAEMON_RESPAWN, limit: 1.0 }] : []),
      { table: IDLE_RSS, subject: TD_IDLE, baseline: NODE_IDLE, limit: 1.1 },
      { table: LOOP_RSS, subject: AFTER_MANY, baseline: AFTER_FEW, limit: 1 + GROWTH_LIMIT_MIB / few },
    ];
    return { tables: [respawn, ...idle, loop.vmRss, loop.rssAnon], targets, notes };
  },
};
