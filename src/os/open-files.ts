import fs = require('node:fs');

/** The device and inode of the file at PATH (following links), or null when there is none. */
function identity(path: string): string | null {
  try {
    const stat = fs.statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * Whether descriptor FD of process PID is the file now at PATH: true, false
 * (the file was renamed or deleted since it was opened, or PATH is another
 * file), or null when it cannot be told (the process is gone, or /proc/PID/fd
 * is not ours to read).
 */
export function descriptorIsFile(pid: number, fd: number, path: string): boolean | null {
  const held = identity(`/proc/${pid}/fd/${fd}`);
  if (held === null) return null;
  return held === identity(path);
}

/** Whether any descriptor of process PID is the file now at PATH; null when its descriptors cannot be read. */
export function holdsFile(pid: number, path: string): boolean | null {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  const wanted = identity(path);
  if (wanted === null) return false;
  return fds.some((fd) => identity(`/proc/${pid}/fd/${fd}`) === wanted);
}

/** Where descriptor FD of PID points ("/var/log/app.log.1", "/var/log/app.log (deleted)"), or null. */
export function descriptorTarget(pid: number, fd: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return null;
  }
}
