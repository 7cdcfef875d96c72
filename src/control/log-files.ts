/**
 * Log file access for the control face: byte ranges for the read/tail
 * methods, and the `tail -f` stream of /logtail. Paths come only from the
 * backend's logFile() of a known process, never from a request.
 */
import fs = require('node:fs');
import type { LogReader } from './dispatch';
import { followStart, planRead, planTail, type ByteRange } from './log-ranges';
import { Faults, RpcFault } from './protocol';

const decoder = new TextDecoder('utf-8');

async function readRange(path: string, range: ByteRange): Promise<Buffer> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffer = Buffer.alloc(range.end - range.start);
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await handle.read(buffer, done, buffer.length - done, range.start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/**
 * The LogReader on the real file system. Bytes are decoded as UTF-8 with
 * replacement characters: a cut through a multi-byte character must not
 * fail the call (supervisor answers 500 there).
 */
export function createFileLogReader(maxReadBytes = 4 * 1024 * 1024): LogReader {
  return {
    async exists(path) {
      try {
        await fs.promises.access(path);
        return true;
      } catch {
        return false;
      }
    },
    async read(path, offset, length) {
      try {
        const { size } = await fs.promises.stat(path);
        return decoder.decode(await readRange(path, planRead(size, offset, length, maxReadBytes)));
      } catch (error) {
        if (error instanceof RpcFault) throw error;
        throw new RpcFault(Faults.FAILED);
      }
    },
    async tail(path, offset, length) {
      try {
        const { size } = await fs.promises.stat(path);
        const plan = planTail(size, offset, Math.min(length, maxReadBytes));
        return [decoder.decode(await readRange(path, plan)), plan.next, plan.overflow];
      } catch {
        return ['', offset, false];
      }
    },
  };
}

export interface Follower {
  stop(): void;
}

/**
 * Follows PATH like supervisor's tail_f_producer: first the last 1024 bytes,
 * then what is appended, checked every INTERVAL ms; a new inode at the path
 * (rotation) is reopened from its start, and a file that shrank sends
 * `==> File truncated <==`. WRITE returns false to ask for a pause until
 * RESUME is called (the socket's backpressure).
 */
export function followFile(path: string, write: (chunk: Buffer) => boolean, intervalMs = 100): { follower: Follower; onDrain: () => void } {
  let fd = fs.openSync(path, 'r');
  let ino = fs.fstatSync(fd).ino;
  let position = followStart(fs.fstatSync(fd).size);
  let paused = false;
  let stopped = false;
  const chunk = Buffer.alloc(256 * 1024);

  const reopenIfRotated = (): void => {
    let current: fs.Stats;
    try {
      current = fs.statSync(path);
    } catch {
      return; // unlinked: keep reading the open file
    }
    if (current.ino === ino) return;
    fs.closeSync(fd);
    fd = fs.openSync(path, 'r');
    ino = fs.fstatSync(fd).ino;
    position = 0;
  };

  const pump = (): void => {
    if (stopped || paused) return;
    try {
      reopenIfRotated();
      const size = fs.fstatSync(fd).size;
      if (size < position) {
        position = 0;
        if (!write(Buffer.from('==> File truncated <==\n'))) paused = true;
        return;
      }
      while (!paused && position < size) {
        const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position);
        if (n === 0) break;
        position += n;
        if (!write(Buffer.from(chunk.subarray(0, n)))) paused = true;
      }
    } catch {
      // A vanished or unreadable file ends nothing: the next tick tries again.
    }
  };

  pump();
  const timer = setInterval(pump, intervalMs);
  const follower: Follower = {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
  return {
    follower,
    onDrain() {
      paused = false;
      pump();
    },
  };
}
