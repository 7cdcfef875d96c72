/**
 * What the page shows, as one JSON-ready object: the supervisor's identity
 * and version, and every process with its state, description, pid, start
 * time, restarts and resident memory (read from /proc, 0 when unknown).
 */
import fs = require('node:fs');
import type { SupervisorBackend } from '../backend';
import { makeNamespec, toProcessInfo } from '../protocol';

export interface ProcessView {
  namespec: string;
  name: string;
  group: string;
  statename: string;
  description: string;
  pid: number;
  /** Epoch seconds of the last start, 0 if never. */
  start: number;
  restarts: number;
  rssBytes: number;
  hasStderr: boolean;
}

export interface Snapshot {
  identification: string;
  version: string;
  pid: number;
  /** Epoch seconds when taken: the page counts uptimes on from here. */
  now: number;
  processes: ProcessView[];
}

export async function takeSnapshot(backend: SupervisorBackend, now: () => number, readRss: (pid: number) => number = readRssBytes): Promise<Snapshot> {
  const [identification, version, pid, facts] = await Promise.all([
    backend.getIdentification(),
    backend.getSupervisorVersion(),
    backend.getPID(),
    backend.getAllProcessInfo(),
  ]);
  const at = now();
  const processes = facts.map((f) => {
    const info = toProcessInfo(f, at);
    const live = info.pid > 0 && (info.statename === 'RUNNING' || info.statename === 'STARTING' || info.statename === 'STOPPING');
    return {
      namespec: makeNamespec(f.group, f.name),
      name: f.name,
      group: f.group,
      statename: info.statename,
      description: info.description,
      pid: live ? info.pid : 0,
      start: info.start,
      restarts: f.restarts ?? 0,
      rssBytes: live ? readRss(info.pid) : 0,
      hasStderr: Boolean(f.stderrLogfile),
    };
  });
  return { identification, version, pid, now: at, processes };
}

// readFileSync of a /proc file (whose size reads as 0) allocates 64 KiB to read
// it: for 100 processes on every push that was megabytes of garbage, and the
// supervisor's RSS grew by as much. One small buffer, reused, is enough.
const statusBuffer = Buffer.alloc(8192);

/** VmRSS of /proc/PID/status in bytes; 0 when the process is gone or unreadable. */
export function readRssBytes(pid: number): number {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${pid}/status`, 'r');
  } catch {
    return 0;
  }
  try {
    const length = fs.readSync(fd, statusBuffer, 0, statusBuffer.length, 0);
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(statusBuffer.toString('latin1', 0, length));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}
