import { spawnSync } from 'node:child_process';
import fs = require('node:fs');
import net = require('node:net');
import type { Readable } from 'node:stream';

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

/** How long close() waits for the bytes still in the pipe to be read before it lets go. */
const DRAIN_MS = 1000;

/**
 * Creates the FIFOs at PATHS that are not there yet (mode 0600), with one
 * mkfifo(1) for all: Node has no mkfifo(3). A FIFO already there is kept
 * (programs adopted after a supervisor died still write into it); anything
 * else at the path is replaced.
 */
export function makeFifos(paths: readonly string[]): void {
  const missing = paths.filter((file) => {
    try {
      if (fs.lstatSync(file).isFIFO()) return false;
      fs.unlinkSync(file);
    } catch {
      // not there
    }
    return true;
  });
  if (missing.length === 0) return;
  const made = spawnSync('mkfifo', ['-m', '600', '--', ...missing], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (made.error) throw made.error;
  if (made.status !== 0) throw new Error(made.stderr.trim().split('\n')[0] || `mkfifo exited with status ${made.status}`);
}

/**
 * A FIFO between programs and the supervisor. A FIFO, not Node's 'pipe'
 * stdio: that is a socketpair, which nothing can reopen once its reader
 * (the supervisor) is gone. A FIFO can be opened again by its path, and the
 * bytes written into it while nobody reads wait in the kernel's pipe buffer
 * as long as some process holds it open (os/pipe-holder.ts): a supervisor
 * that dies and comes back loses none of them.
 *
 * The supervisor holds both ends for as long as the channel is open: the
 * read end, as a stream; the write end, which each run gets as its stdout
 * (or stderr). Holding the write end means the reader sees no end of file
 * between runs; close() lets it go and reads on until the programs'
 * copies are gone too, or DRAIN_MS have passed.
 */
export class FifoChannel {
  /** The write end, for the programs (blocking, as a file: no O_NONBLOCK in a program's stdout). */
  readonly writeFd: number;
  readonly readable: Readable;
  private ended = false;
  private writerOpen = true;

  constructor(readonly path: string) {
    // Non-blocking, or the open would wait for a writer.
    const readFd = fs.openSync(path, O_RDONLY | O_NONBLOCK);
    try {
      // Through our own read end: the same FIFO even if its path was replaced, and a
      // blocking open that cannot wait (a reader is there: us).
      this.writeFd = fs.openSync(`/proc/self/fd/${readFd}`, O_WRONLY);
    } catch (error) {
      fs.closeSync(readFd);
      throw error;
    }
    const socket = new net.Socket({ fd: readFd, readable: true, writable: false });
    socket.on('error', () => {}); // the reader of its data reports; a closed FIFO has nothing left to say
    socket.once('end', () => (this.ended = true));
    socket.once('close', () => (this.ended = true));
    this.readable = socket;
  }

  /**
   * Lets the write end go, waits until every writer is gone and its bytes
   * are read (at most DRAIN_MS: a process left over may hold it for ever),
   * then closes the read end.
   */
  async close(): Promise<void> {
    if (this.writerOpen) {
      this.writerOpen = false;
      fs.closeSync(this.writeFd);
    }
    const socket = this.readable as net.Socket;
    if (!this.ended) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        socket.once('end', done);
        socket.once('close', done);
      });
    }
    socket.destroy();
  }
}
