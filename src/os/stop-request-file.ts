import fs = require('node:fs');
import { unlinkIfPresent, writeFileAtomic } from '../common/atomic-file';
import type { DaemonPaths } from '../model/daemon-paths';
import { formatStopRequest, readStopRequestText, type StopRequest } from '../model/stop-request';

export function writeStopRequest(paths: DaemonPaths, request: StopRequest): void {
  writeFileAtomic(paths.stopfile, formatStopRequest(request));
}

/**
 * What the last stop asked (nothing when there is no request), and what is
 * wrong with the file when it cannot be trusted whole: the reader falls
 * back to what it recorded, and says so naming the file.
 */
export function readStopRequest(paths: DaemonPaths): { request: StopRequest; problem: string | null } {
  let fd: number;
  try {
    fd = fs.openSync(paths.stopfile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { request: {}, problem: code === 'ENOENT' ? null : `stop request ${paths.stopfile}: it cannot be read (${code})` };
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return { request: {}, problem: `stop request ${paths.stopfile}: it is not a regular file` };
    const { request, problem } = readStopRequestText(fs.readFileSync(fd, 'utf8'));
    return { request, problem: problem === null ? null : `stop request ${paths.stopfile}: ${problem}` };
  } catch (error) {
    return { request: {}, problem: `stop request ${paths.stopfile}: it cannot be read (${(error as Error).message})` };
  } finally {
    fs.closeSync(fd);
  }
}

/** Never throws: on a file system gone read-only there was none to remove. */
export function removeStopRequest(paths: DaemonPaths): void {
  try {
    unlinkIfPresent(paths.stopfile);
  } catch {
    // nothing written there, or nothing can be removed there
  }
}
