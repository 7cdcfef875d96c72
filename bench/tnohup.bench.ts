import * as fs from 'node:fs';
import * as path from 'node:path';
import { measureIdleMemory, type IdleVariant } from './memory';
import { medianOf, timeInterleaved, type TimedCommand } from './measure';
import { isIdleInEventLoop, listChildren } from './procfs';
import type { BenchContext, Section, SectionResult, Table } from './types';

const STARTUP = 'startup (wall time of the whole command)';
const VM_RSS = 'memory: VmRSS while waiting';
const RSS_ANON = 'memory: RssAnon while waiting (private, not a target)';

const TNOHUP_TRUE = 'tnohup true';
const NODE_EMPTY = 'node -e 0';
const TNOHUP_WAITING = 'tnohup sleep 1000 (parent)';
const NODE_IDLE = 'node, idle setInterval';

/** Startup: tnohup against GNU nohup and against the floor every node program pays. */
async function measureStartup(context: BenchContext, cwd: string): Promise<Table> {
  const commands: TimedCommand[] = [
    { label: TNOHUP_TRUE, command: path.join(context.root, 'bin', 'tnohup'), args: ['true'], cwd },
    { label: 'nohup true', command: 'nohup', args: ['true'], cwd },
    { label: NODE_EMPTY, command: 'node', args: ['-e', '0'], cwd },
  ];
  // TNOHUP_BENCH_BEFORE=/path/to/an/older/bin/tnohup times that build in the
  // same run, for a before/after comparison of a change.
  const before = process.env.TNOHUP_BENCH_BEFORE;
  if (before) commands.splice(1, 0, { label: `${TNOHUP_TRUE} (before)`, command: before, args: ['true'], cwd });
  const rows = await timeInterleaved(commands, context.runs, 1, (m) => context.progress(`tnohup startup: ${m}`));
  return { title: STARTUP, unit: 'ms', baseline: NODE_EMPTY, rows };
}

/** A node process that has run its script and sits in epoll (or cannot be told: then the settle time alone). */
function isIdleNode(pid: number): boolean {
  return isIdleInEventLoop(pid) !== false;
}

/** Memory of the tnohup parent once its command runs, against a bare idle node. */
async function measureMemory(context: BenchContext, cwd: string): Promise<Table[]> {
  const waiting: IdleVariant = {
    label: TNOHUP_WAITING,
    command: path.join(context.root, 'bin', 'tnohup'),
    args: ['sleep', '1000'],
    isReady(tracked) {
      const children = listChildren(tracked.pid);
      // The command leads its own process group: record it before anything else.
      for (const child of children) tracked.groups.add(child.pid);
      return children.some((child) => child.comm === 'sleep') && isIdleNode(tracked.pid);
    },
  };
  const idle: IdleVariant = {
    label: NODE_IDLE,
    command: 'node',
    args: ['-e', 'setInterval(()=>{},1e9)'],
    isReady: (tracked) => isIdleNode(tracked.pid),
  };
  const rows = await measureIdleMemory(context, [waiting, idle], {
    runs: context.runs,
    perBatch: 2,
    settleMs: 500,
    cwd,
    label: 'tnohup memory',
  });
  return [
    { title: VM_RSS, unit: 'MiB', baseline: NODE_IDLE, rows: rows.vmRss },
    { title: RSS_ANON, unit: 'MiB', baseline: NODE_IDLE, rows: rows.rssAnon },
  ];
}

export const tnohupSection: Section = {
  name: 'tnohup',
  describe: 'tnohup startup vs nohup and node -e 0; RSS of the waiting parent vs an idle node',
  async run(context: BenchContext): Promise<SectionResult> {
    const cwd = context.makeTempDir('tnohup');
    const startup = await measureStartup(context, cwd);
    const [vmRss, rssAnon] = await measureMemory(context, cwd);
    const notes = [
      `startup medians: tnohup true ${medianOf(startup, TNOHUP_TRUE).toFixed(1)} ms, ` +
        (process.env.TNOHUP_BENCH_BEFORE ? `before ${medianOf(startup, `${TNOHUP_TRUE} (before)`).toFixed(1)} ms, ` : '') +
        `nohup true ${medianOf(startup, 'nohup true').toFixed(1)} ms, node -e 0 ${medianOf(startup, NODE_EMPTY).toFixed(1)} ms`,
      `memory medians: waiting tnohup parent ${medianOf(vmRss, TNOHUP_WAITING).toFixed(1)} MiB VmRSS ` +
        `(${medianOf(rssAnon, TNOHUP_WAITING).toFixed(1)} MiB RssAnon), idle bare node ` +
        `${medianOf(vmRss, NODE_IDLE).toFixed(1)} MiB VmRSS (${medianOf(rssAnon, NODE_IDLE).toFixed(1)} MiB RssAnon)`,
    ];
    const stray = fs.readdirSync(cwd);
    if (stray.length) notes.push(`warning: the commands left files in their directory: ${stray.join(', ')}`);
    return {
      tables: [startup, vmRss, rssAnon],
      targets: [
        { table: STARTUP, subject: TNOHUP_TRUE, baseline: NODE_EMPTY, limit: 1.2 },
        { table: VM_RSS, subject: TNOHUP_WAITING, baseline: NODE_IDLE, limit: 1.1 },
      ],
      notes,
    };
  },
};
