// Respawn after kill -9: tdaemon -c's supervisor (one program, startsecs=0)
// beside libslack's daemon(1) --respawn, both running at once, killed turn
// about, timed from the SIGKILL to the new process's first line in a fifo.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTool, msBetween, readPidfile, rotate, runTimed, writeMarkerScript, type DaemonRegistry } from './daemons';
import { MarkerFifo } from './markers';
import { delay, waitUntil } from './measure';
import { adoptOurs, launchOurs, OURS, writeConfig, type RunningSupervisor } from './supervisors';
import type { BenchContext, Row, Table } from './types';

export const RESPAWN = 'respawn: from SIGKILL of the program to its new process\'s first line';
const DAEMON = 'daemon(1) --respawn';
const MARKER_TIMEOUT_MS = 10_000;

interface Respawner {
  label: string;
  /** How long a process must have run for its death to be an ordinary respawn. */
  settleMs: number;
  fifo: MarkerFifo;
  child: number;
  stop(): Promise<void>;
}

export async function measureRespawn(context: BenchContext, dir: string, registry: DaemonRegistry, notes: string[]): Promise<Table> {
  const script = writeMarkerScript(dir);
  const respawners: Respawner[] = [];
  try {
    const ourDir = path.join(dir, 'respawn-ours');
    const ourFifo = await MarkerFifo.create(path.join(dir, 'respawn-ours.fifo'));
    // min_uptime 0.1 s: a run that long was healthy, so no backoff; no crash-loop limit in a bench.
    const program = ['[program:r]', `command=${script} ${ourFifo.path}`, 'startsecs=0', 'tdaemon_min_uptime=0.1', 'tdaemon_crash_limit=unlimited'];
    fs.mkdirSync(ourDir, { recursive: true });
    const config = writeConfig(ourDir, program.join('\n'));
    const up = launchOurs(context, config);
    const first = await ourFifo.next(MARKER_TIMEOUT_MS, 'the first run of our program');
    const ours: RunningSupervisor = await adoptOurs(context, config, up, registry);
    respawners.push({ label: OURS, settleMs: 300, fifo: ourFifo, child: Number(first.line), stop: () => ours.stop() });

    const daemonBin = findTool('daemon');
    if (daemonBin === null) {
      notes.push('SKIP: daemon(1) not found (Debian package daemon); no respawn comparison (bash scripts/bench-tools.sh)');
    } else {
      const fifo = await MarkerFifo.create(path.join(dir, 'respawn-daemon.fifo'));
      const identity = ['--name=sv-bench-respawn', `--pidfiles=${dir}`];
      // --idiot lets root set --acceptable below 10 s; --unsafe lets root run a script from under /tmp.
      runTimed('daemon', daemonBin, ['--idiot', '--respawn', '--acceptable=1', '--unsafe', ...identity, '--', script, fifo.path], dir);
      const client = Number((await fifo.next(MARKER_TIMEOUT_MS, "daemon(1)'s first client")).line);
      registry.record(client);
      const daemonPid = await waitUntil(() => readPidfile(path.join(dir, 'sv-bench-respawn.pid')), "daemon(1)'s pidfile");
      registry.record(daemonPid);
      respawners.push({
        label: DAEMON,
        settleMs: 1200,
        fifo,
        child: client,
        async stop() {
          runTimed('daemon --stop', daemonBin, [...identity, '--stop'], dir);
        },
      });
    }

    const rows: Row[] = respawners.map((r) => ({ label: r.label, samples: [] }));
    const lastAt = new Map<Respawner, number>(respawners.map((r) => [r, Date.now()]));
    for (let round = -1; round < context.runs; round++) {
      for (const r of rotate(respawners, round)) {
        const wait = lastAt.get(r)! + r.settleMs - Date.now();
        if (wait > 0) await delay(wait);
        const killedAt = process.hrtime.bigint();
        process.kill(r.child, 'SIGKILL');
        const marker = await r.fifo.next(MARKER_TIMEOUT_MS, `${r.label}'s new process`);
        lastAt.set(r, Date.now());
        if (Number(marker.line) === r.child) throw new Error(`${r.label}: the killed process ${r.child} wrote again`);
        r.child = Number(marker.line);
        registry.record(r.child);
        if (round >= 0) rows[respawners.indexOf(r)].samples.push(msBetween(killedAt, marker.at));
      }
      if (round >= 0 && (round + 1) % 5 === 0) context.progress(`supervisor respawn: ${round + 1}/${context.runs} rounds`);
    }
    return { title: RESPAWN, unit: 'ms', baseline: daemonBin ? DAEMON : OURS, rows };
  } finally {
    for (const r of respawners.splice(0)) {
      await r.stop().catch((error: Error) => context.progress(`stopping ${r.label}: ${error.message}`));
      await r.fifo.close();
    }
  }
}
