import fs = require('node:fs');
import { writeFileAtomic } from '../common/atomic-file';
import type { DaemonPaths } from '../model/daemon-paths';
import { formatStopRequest, parseStopRequest, type StopRequest } from '../model/stop-request';

export function writeStopRequest(paths: DaemonPaths, request: StopRequest): void {
  writeFileAtomic(paths.stopfile, formatStopRequest(request));
}

/** What the last stop asked, or nothing (no request, or one that cannot be read). */
export function readStopRequest(paths: DaemonPaths): StopRequest {
  try {
    const fd = fs.openSync(paths.stopfile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      return fs.fstatSync(fd).isFile() ? parseStopRequest(fs.readFileSync(fd, 'utf8')) : {};
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return {};
  }
}

/** Never throws: on a file system gone read-only there was none to remove. */
export function removeStopRequest(paths: DaemonPaths): void {
  try {
    fs.rmSync(paths.stopfile, { force: true });
  } catch {
    // nothing written there, or nothing can be removed there
  }
}
