import { spawnSync } from 'node:child_process';
import fs = require('node:fs');
import net = require('node:net');

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
 * Where a FIFO's bytes go, as they are read: CHUNK is a view of a buffer
 * that the next read reuses, so the sink must be done with it (write it
 * out, or copy it) before it returns.
 */
export type FifoSink = (chunk: Buffer) => void;

/**
 * The one read buffer of every FIFO of this process. libuv reads into it
 * and the sink is called at once, within the same call (uv__read: alloc,
 * read(2), callback), so one buffer serves every channel: no 64 KiB
 * allocation per read, no garbage, and a supervisor of 100 programs holds
 * 64 KiB, not 64 KiB per program. 64 KiB is a pipe's whole capacity.
 */
let sharedReadBuffer: Buffer | null = null;
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * A FIFO between programs and the supervisor. A FIFO, not Node's 'pipe'
 * stdio: that is a socketpair, which nothing can reopen once its reader
 * (the supervisor) is gone. A FIFO can be opened again by its path, and the
 * bytes written into it while nobody reads wait in the kernel's pipe buffer
 * as long as some process holds it open (os/pipe-holder.ts): a supervisor
 * that dies and comes back loses none of them.
 *
 * The supervisor holds both ends for as long as the channel is open: the
 * read end, whose bytes go to SINK as they arrive; the write end, which
 * each run gets as its stdout (or stderr). Holding the write end means the
 * reader sees no end of file between runs; close() lets it go and reads on
 * until the programs' copies are gone too, or DRAIN_MS have passed.
 *
 * The read end is a net.Socket with `onread`: each read goes straight to
 * the sink, bypassing the stream machinery (a Buffer, a 'data' event and
 * their ticks per chunk). Through the stream, 1 GiB logged through
 * rotation cost the supervisor 2.3 s of CPU (supervisord: 1.7 s); this
 * way, 1.6 s (interleaved runs, same machine).
 */
export class FifoChannel {
  /** The write end, for the programs (blocking, as a file: no O_NONBLOCK in a program's stdout). */
  readonly writeFd: number;
  private readonly socket: net.Socket;
  private readonly ended: Promise<void>;
  private writerOpen = true;

  constructor(
    readonly path: string,
    sink: FifoSink,
    /** A read that failed (the channel then ends). */
    onError: (error: Error) => void = () => {},
  ) {
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
    sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const read = sharedReadBuffer;
    // Node's constructor takes onread (net.md, "new net.Socket"); @types/node lists it for connect() only.
    const options: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
      fd: readFd,
      readable: true,
      writable: false,
      onread: {
        buffer: read,
        callback: (length) => {
          sink(read.subarray(0, length));
          return true;
        },
      },
    };
    const socket = new net.Socket(options);
    socket.on('error', onError);
    this.ended = new Promise((resolve) => {
      socket.once('end', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.resume(); // flowing: reads start, and the end of file is seen ('end')
    this.socket = socket;
  }

  /** Settles once the read end has seen the end of file (every byte went to the sink) or is closed. */
  get drained(): Promise<void> {
    return this.ended;
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
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
    this.socket.destroy();
  }
}
