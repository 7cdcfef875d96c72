import fs = require('node:fs');
import path = require('node:path');

/**
 * A file being written under a temporary name in the target's own directory,
 * published by rename(2). Readers see the old content or the new, never a
 * half-written file; a symlink at the target is replaced, never followed.
 * Opening the temporary file first also proves the directory is writable,
 * before anything irreversible is done.
 */
export class PendingFile {
  private fd: number | null;

  constructor(readonly target: string, readonly tempPath: string, fd: number) {
    this.fd = fd;
  }

  commit(content: string): void {
    this.commitTo(content, (from) => fs.renameSync(from, this.target));
  }

  /**
   * Writes CONTENT whole and (when DURABLE) to disk, then PUBLISH gives the
   * file its name: rename(2), or link(2) to create it exclusively.
   */
  commitTo(content: string, publish: (tempPath: string) => void, durable = true): void {
    if (this.fd === null) throw new Error(`${this.tempPath} was already committed or abandoned`);
    const fd = this.fd;
    this.fd = null;
    try {
      writeWhole(fd, Buffer.from(content));
      // On disk before it has a name readers trust: a crash after the
      // rename must not leave an empty or short file under it.
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    publish(this.tempPath);
  }

  /** Removes the temporary file; safe to call at any time, any number of times. */
  abandon(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
      try {
        fs.unlinkSync(this.tempPath);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Writes all of BYTES. write(2) may write fewer bytes than asked (a file
 * size limit, a full disk) and says so only by its count; the next call
 * then fails with the reason (EFBIG, ENOSPC), which is thrown.
 */
function writeWhole(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error(`short write (${done} of ${bytes.length} bytes)`), { code: 'EIO' });
    done += n;
  }
}

/** The temporary name of a write to TARGET by process PID: `.BASE.PID.RANDOM.tmp` beside it. */
function tempNameFor(target: string, pid: number): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/**
 * Removes the temporary files of writes to TARGETS whose writer is gone (it
 * was killed between creating and renaming one). A writer still alive is
 * left alone. Each directory is read once, whatever the number of targets
 * in it. Returns the files removed; failures are ignored (a read-only
 * directory keeps its leftovers, which harm nothing).
 */
export function removeOrphanTemps(...targets: string[]): string[] {
  const removed: string[] = [];
  const byDir = new Map<string, string[]>();
  for (const target of targets) byDir.set(path.dirname(target), [...(byDir.get(path.dirname(target)) ?? []), `.${path.basename(target)}.`]);
  for (const [dir, prefixes] of byDir) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith('.tmp')) continue;
      const prefix = prefixes.find((p) => name.startsWith(p) && /^(\d+)\.[0-9a-z]*\.tmp$/.test(name.slice(p.length)));
      if (prefix === undefined || isProcessAlive(Number(name.slice(prefix.length).split('.')[0]))) continue;
      try {
        fs.unlinkSync(path.join(dir, name));
        removed.push(path.join(dir, name));
      } catch {
        // gone already, or not ours to remove
      }
    }
  }
  return removed;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The content of FILE if it is a regular file; null when it is absent.
 * Opened without following a symlink and without blocking, so that a fifo
 * put at its path cannot hang the reader; anything else is thrown, with
 * code ENOTREG for what is not a regular file.
 */
export function readRegularFile(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'ENOTREG' });
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export function beginAtomicWrite(target: string, mode = 0o644): PendingFile {
  const tempPath = tempNameFor(target, process.pid);
  const fd = fs.openSync(tempPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    fs.fchmodSync(fd, mode); // the umask must not decide a pidfile's mode
  } catch {
    // a file system without modes; the file is still usable
  }
  return new PendingFile(target, tempPath, fd);
}

export function writeFileAtomic(target: string, content: string, mode = 0o644, durable = true): void {
  const pending = beginAtomicWrite(target, mode);
  try {
    pending.commitTo(content, (from) => fs.renameSync(from, target), durable);
  } catch (error) {
    // commit closed the file before failing to write or rename it
    unlinkIfPresent(pending.tempPath);
    throw error;
  }
}

/**
 * Removes FILE only while it still holds CONTENT, so that a process never
 * deletes a pidfile that another instance has written since.
 */
export function removeIfHolds(file: string, content: string): boolean {
  try {
    if (readRegularFile(file) !== content) return false;
    fs.unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens FILE for appending, creating it with exactly MODE whatever the umask
 * (GNU nohup creates nohup.out 0600). An existing file keeps its mode.
 */
export function openAppendExact(file: string, mode: number): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL } = fs.constants;
  try {
    const fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, mode);
    try {
      fs.fchmodSync(fd, mode);
    } catch {
      // a file system without modes
    }
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.openSync(file, O_WRONLY | O_APPEND);
}

/**
 * Removes FILE if it is there; any other failure is thrown with its errno
 * code. (fs.rmSync is not used for single files: on Node 24 its errors can
 * lack a code, EROFS among them, and a message could not name the cause.)
 */
export function unlinkIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
