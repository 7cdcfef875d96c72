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
    if (this.fd === null) throw new Error(`${this.tempPath} was already committed or abandoned`);
    const fd = this.fd;
    this.fd = null;
    try {
      fs.writeSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(this.tempPath, this.target);
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

export function beginAtomicWrite(target: string, mode = 0o644): PendingFile {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const tempPath = path.join(dir, `.${base}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fd = fs.openSync(tempPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    fs.fchmodSync(fd, mode); // the umask must not decide a pidfile's mode
  } catch {
    // a file system without modes; the file is still usable
  }
  return new PendingFile(target, tempPath, fd);
}

export function writeFileAtomic(target: string, content: string, mode = 0o644): void {
  const pending = beginAtomicWrite(target, mode);
  try {
    pending.commit(content);
  } catch (error) {
    // commit closed the file before failing to write or rename it
    fs.rmSync(pending.tempPath, { force: true });
    throw error;
  }
}

/**
 * Removes FILE only while it still holds CONTENT, so that a process never
 * deletes a pidfile that another instance has written since.
 */
export function removeIfHolds(file: string, content: string): boolean {
  try {
    if (fs.readFileSync(file, 'utf8') !== content) return false;
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
