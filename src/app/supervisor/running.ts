/**
 * Whether the supervisor of a config runs, for the client verbs (up) as for
 * the supervisor itself: a module of its own, so that the verbs' bundle
 * does not carry the supervisor's code and the node modules it loads.
 */
import fs = require('node:fs');
import { readProcStat } from '../../common/proc';
import type { SupervisorFiles } from './load';

/** The pid of a live supervisor for these files, or null. */
export function runningSupervisor(files: SupervisorFiles): number | null {
  let text: string;
  try {
    text = fs.readFileSync(files.pidfile, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  const stat = readProcStat(pid);
  if (stat === null || stat.state === 'Z') return null;
  // A live process with that pid: a supervisor only if the socket is there too.
  return fs.existsSync(files.socket) ? pid : null;
}
