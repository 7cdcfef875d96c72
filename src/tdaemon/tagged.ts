import fs = require('node:fs');
import { listLiveProcesses } from '../common/proc';

/**
 * Set in every daemon's environment to its pidfile's absolute path. A
 * process that leaves the daemon's session (setsid, a double fork) cannot be
 * traced by session or parent any more, but it keeps its environment.
 */
export const PIDFILE_VARIABLE = 'TDAEMON_PIDFILE';

/** Live processes started no earlier than FLOOR_TICKS whose environment names PIDFILE. */
export function processesTaggedWith(pidfile: string, floorTicks: string): number[] {
  const tag = Buffer.from(`${PIDFILE_VARIABLE}=${pidfile}\0`);
  const floor = Number(floorTicks);
  const found: number[] = [];
  for (const proc of listLiveProcesses()) {
    if (Number(proc.startTicks) < floor || proc.pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${proc.pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    const at = environ.indexOf(tag);
    if (at === 0 || (at > 0 && environ[at - 1] === 0)) found.push(proc.pid);
  }
  return found;
}
