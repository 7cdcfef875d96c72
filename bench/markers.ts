import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** One line a started command wrote to the fifo, and when the bench read it. */
export interface Marker {
  line: string;
  /** process.hrtime.bigint() right after the read returned (CLOCK_MONOTONIC, shared by all threads). */
  at: bigint;
}

/**
 * The reader runs in a worker thread, blocked in read(2) on the fifo, so
 * that it takes its timestamp the moment a line arrives even while the main
 * thread is itself blocked in spawnSync (timing `tdaemon start`). It opens
 * the fifo O_RDWR: that open does not wait for a writer, and a writer's
 * open(O_WRONLY) then never waits either, so the command's `echo > FIFO`
 * costs what it would cost on a regular file.
 */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const fd = fs.openSync(workerData, fs.constants.O_RDWR);
parentPort.postMessage({ ready: true });
const buffer = Buffer.alloc(4096);
let pending = '';
for (;;) {
  const n = fs.readSync(fd, buffer, 0, buffer.length, null);
  const at = process.hrtime.bigint();
  pending += buffer.toString('utf8', 0, n);
  let quit = false;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    if (line === '\\u0000quit') quit = true;
    else parentPort.postMessage({ line, at });
  }
  if (quit) break;
}
fs.closeSync(fd);
`;

const QUIT = '\u0000quit\n';

/** Every fifo still read, so that an exiting bench can unblock its reader (a thread blocked in read(2) would hang the exit). */
const open = new Set<MarkerFifo>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const fifo of open) fifo.unblockNow();
  });
}

/**
 * A fifo that started commands write one line to as their first action
 * (`echo $$ > FIFO`); `next()` hands those lines over in order, each with
 * the time it was read.
 */
export class MarkerFifo {
  private readonly queue: Marker[] = [];
  private waiter: ((marker: Marker) => void) | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly worker: Worker,
    /** Held open so that the reader can be unblocked even after the fifo's directory is gone. */
    private readonly writerFd: number,
  ) {
    worker.on('message', (message: Marker) => {
      if (this.waiter) {
        const resolve = this.waiter;
        this.waiter = null;
        resolve(message);
      } else {
        this.queue.push(message);
      }
    });
    worker.unref();
  }

  static async create(path: string): Promise<MarkerFifo> {
    const made = spawnSync('mkfifo', ['-m', '0600', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr?.toString().trim() || made.error?.message}`);
    const worker = new Worker(READER, { eval: true, workerData: path });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const writerFd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const fifo = new MarkerFifo(path, worker, writerFd);
    open.add(fifo);
    installExitHook();
    return fifo;
  }

  /** The next line, waiting up to TIMEOUT_MS for it. */
  next(timeoutMs: number, what: string): Promise<Marker> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} to write its first line to ${this.path}`));
      }, timeoutMs);
      this.waiter = (marker) => {
        clearTimeout(timer);
        resolve(marker);
      };
    });
  }

  /** Lines that arrived unasked (none should). */
  drain(): Marker[] {
    return this.queue.splice(0);
  }

  unblockNow(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    try {
      fs.writeSync(this.writerFd, QUIT);
      fs.closeSync(this.writerFd);
    } catch {
      // the reader is gone already
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref(); // an unref'd worker's exit would not keep the bench alive to see it
    this.unblockNow();
    await exited;
  }
}
