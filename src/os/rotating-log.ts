import fs = require('node:fs');
import type { Readable } from 'node:stream';

/*
 * A log file fed by a child's pipe and rotated by size, with supervisor's
 * names and meaning (`*_logfile_maxbytes`, `*_logfile_backups`): FILE is
 * always the one written; when full it becomes FILE.1, FILE.1 becomes
 * FILE.2 and so on up to FILE.N, and the oldest falls off. maxBytes 0 never
 * rotates. backups 0 empties FILE in place when it is full (supervisor
 * reopens it with "w"): its content is dropped, by request.
 *
 * Where we differ from supervisor, on purpose:
 * - A line is never split across two files. supervisor rotates after any
 *   write that reaches maxBytes, wherever the write ended. We cut a chunk
 *   at its last newline that still fits; a line that is still open when the
 *   file is full is finished in this file first, and a line longer than
 *   maxBytes is written whole into a file of its own. So a file exceeds
 *   maxBytes only by the line it had open, or by one overlong line.
 *   One bound, so that output without newlines (a progress bar redrawn
 *   with \r, binary data) cannot defeat rotation and fill the disk: no file
 *   grows past 2 x maxBytes; a line still open there is cut.
 * - Bytes are written through at once, never held in memory waiting for
 *   their newline: a prompt without one shows up in `logs -f` at once, and
 *   a host that is SIGKILLed loses nothing it had read from the pipe. It is
 *   the rotation (and a reopen) that waits for the line's end, not the
 *   bytes. When a source ends (the child died mid-line), its line is over.
 * - Rotation is lazy: it happens when the next bytes would not fit, so a
 *   file that is exactly full is not followed by an empty new one.
 *
 * Cost: the hot path is one write(2) per pipe chunk (up to 64 KiB) and
 * no scan of the bytes at all: the file size is counted, and a newline is
 * searched for only in the chunk that crosses the limit. The write is
 * synchronous, as supervisord's are: through libuv's thread pool each chunk
 * cost a hand-off to a thread and back, and the supervisor 25% more CPU
 * per GiB logged (its CPU time, 512 MiB through rotation). A file that
 * cannot keep up blocks the loop for as long as its write takes, and its
 * pipe is not read meanwhile, so its writer slows down as it would writing
 * the file itself.
 *
 * Failures (EFBIG past RLIMIT_FSIZE, ENOSPC, EACCES, a missing directory)
 * never throw: the bytes that could not be written are dropped and the
 * first failure of a run of the same error goes to onError. The next chunk
 * tries again, so logging resumes by itself once space is freed. The host
 * must ignore SIGXFSZ (Node does by default; signal-exit makes it fatal
 * unless the host listens to it), or RLIMIT_FSIZE kills it instead.
 */

export interface RotatingLogOptions {
  /** Rotate before the file would grow past this many bytes; 0 never rotates. */
  maxBytes: number;
  /** Rotated files kept, FILE.1 to FILE.N; 0 empties a full FILE in place. */
  backups: number;
  /** Permission bits of a file this creates (the umask applies). */
  mode?: number;
  /** Told of the first failure of each run of the same error; nothing is thrown. */
  onError?: (error: NodeJS.ErrnoException) => void;
}

const NEWLINE = 0x0a;

/**
 * Chunks queued ahead of the file before the source is paused: writes are
 * synchronous, so only a chunk that arrives while one is being written (a
 * done callback that writes) ever waits.
 */
const MAX_IN_FLIGHT = 4;

/** planWrite's answer meaning: rotate now, then ask again. */
export const ROTATE = -1;

/**
 * Where the next write of CHUNK from START must stop (exclusive), or
 * ROTATE. ROOM is what the file may still take (Infinity without a limit;
 * 0 makes an open line be finished first); SLACK what it may take at most
 * to finish an open line. AT_LINE_START says the file ends with a newline
 * (or is empty); EMPTY that it holds nothing.
 */
export function planWrite(chunk: Buffer, start: number, room: number, slack: number, atLineStart: boolean, empty: boolean): number {
  const end = chunk.length;
  if (end - start <= room) return end;
  if (atLineStart) {
    const cut = room > 0 ? chunk.lastIndexOf(NEWLINE, start + room - 1) : -1;
    if (cut >= start) return cut + 1; // the whole lines that fit
    if (!empty) return ROTATE;
  }
  // The open line (or an overlong first line of an empty file) is finished here, within the slack.
  if (slack <= 0 && !empty) return ROTATE;
  const limit = Math.min(end, start + Math.max(slack, 1));
  const newline = chunk.indexOf(NEWLINE, start);
  return newline >= 0 && newline < limit ? newline + 1 : limit;
}

interface Pending {
  chunk: Buffer;
  done: (() => void) | undefined;
}

const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC } = fs.constants;

/** A size-rotated log file; see the comment at the top of this module. */
export class RotatingLog {
  private fd = -1;
  private size = 0;
  private atLineStart = true;
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private offset = 0;
  private stepping = false;
  private wantReopen = false;
  private wantClear = false;
  private failing: string | null = null;
  private closing = false;
  private closed = false;
  private readonly maxBytes: number;
  private readonly backups: number;
  private readonly mode: number;
  private readonly onError: (error: NodeJS.ErrnoException) => void;

  constructor(
    readonly path: string,
    options: RotatingLogOptions,
  ) {
    this.maxBytes = Math.max(0, options.maxBytes);
    this.backups = Math.max(0, Math.floor(options.backups));
    this.mode = options.mode ?? 0o666;
    this.onError = options.onError ?? (() => {});
    this.open(0);
  }

  /** Appends CHUNK after everything queued before it; DONE runs once it is written (or dropped). */
  write(chunk: Buffer, done?: () => void): void {
    if (this.closing) {
      done?.(); // after close(): dropped, as a closed file would
      return;
    }
    this.queue.push({ chunk, done });
    this.kick();
  }

  /**
   * Appends CHUNK, whose memory the caller reuses once this returns (a
   * FIFO's shared read buffer, os/fifo.ts): it is written before this
   * returns, unless a write is under way (this was called from one of its
   * done callbacks), when a copy waits its turn.
   */
  writeBorrowed(chunk: Buffer): void {
    if (this.closing) return; // after close(): dropped, as a closed file would
    if (this.busy()) {
      this.queue.push({ chunk: Buffer.from(chunk), done: undefined });
      return;
    }
    this.queue.push({ chunk, done: undefined });
    this.step(); // not closed (closing is not set): writes the queue out, this chunk included
  }

  /**
   * Copies READABLE into the log until it ends or fails, pausing it while
   * MAX_IN_FLIGHT chunks wait. Resolves once its last byte is in the file.
   */
  copyFrom(readable: Readable): Promise<void> {
    return new Promise((resolve) => {
      let inFlight = 0;
      let finished = false;
      const settle = (): void => {
        if (!finished || inFlight > 0) return;
        this.sourceEnded();
        resolve();
      };
      const written = (): void => {
        inFlight--;
        if (finished) settle();
        else if (inFlight === MAX_IN_FLIGHT - 1) readable.resume();
      };
      readable.on('data', (chunk: Buffer | string) => {
        if (++inFlight === MAX_IN_FLIGHT) readable.pause();
        this.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, written);
      });
      const finish = (): void => {
        if (finished) return;
        finished = true;
        settle();
      };
      readable.once('end', finish);
      readable.once('close', finish);
      readable.once('error', (error: NodeJS.ErrnoException) => {
        this.report(error);
        finish();
      });
    });
  }

  /** Opens FILE again by name (after logrotate renamed it), at the next line boundary. */
  reopen(): void {
    if (this.closing) return;
    this.wantReopen = true;
    this.kick();
  }

  /** Removes FILE and starts a new one (supervisor's clearProcessLogs); the backups stay. */
  clear(): void {
    if (this.closing) return;
    this.wantClear = true;
    this.kick();
  }

  /** Resolves once everything queued is written, then closes the file; later writes are dropped. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.write(Buffer.alloc(0), () => {
        this.closeFile();
        this.closed = true;
        resolve();
      });
      this.closing = true;
    });
  }

  /**
   * A source ended: a line it left open is over (its writer is gone), so a
   * rotation or reopen waiting for that line's end need wait no more.
   */
  sourceEnded(): void {
    this.atLineStart = true;
    this.kick();
  }

  private busy(): boolean {
    return this.stepping || this.current !== null;
  }

  private kick(): void {
    if (!this.busy() && !this.closed) this.step();
  }

  /** Writes the queue out; rotation and reopening happen between writes. */
  private step(): void {
    this.stepping = true;
    try {
      for (;;) {
        if (this.wantClear) this.applyClear();
        if (this.wantReopen && this.atLineStart) this.applyReopen();
        if (this.current === null) {
          this.current = this.queue.shift() ?? null;
          this.offset = 0;
          if (this.current === null) return;
        }
        const chunk = this.current.chunk;
        if (this.offset >= chunk.length || (this.fd < 0 && !this.open(0))) {
          const done = this.current.done;
          this.current = null; // what could not be opened for is dropped; open() reported why
          done?.();
          if (this.closed) return;
          continue;
        }
        const limited = this.maxBytes > 0;
        const room = this.wantReopen ? 0 : limited ? this.maxBytes - this.size : Infinity;
        const slack = limited ? 2 * this.maxBytes - this.size : Infinity;
        const stop = planWrite(chunk, this.offset, room, slack, this.atLineStart, this.size === 0);
        if (stop === ROTATE) {
          this.rotate();
          continue;
        }
        this.writePiece(chunk, stop);
      }
    } finally {
      this.stepping = false;
    }
  }

  /** One write(2) of CHUNK from the offset up to STOP; what fails is dropped and reported. */
  private writePiece(chunk: Buffer, stop: number): void {
    let count: number;
    try {
      count = fs.writeSync(this.fd, chunk, this.offset, stop - this.offset);
    } catch (error) {
      this.report(error as NodeJS.ErrnoException);
      this.offset = stop; // dropped; the next piece tries again
      return;
    }
    if (count <= 0) {
      this.report(Object.assign(new Error(`write to ${this.path} made no progress`), { code: 'EIO' }));
      this.offset = stop;
    } else {
      this.failing = null;
      this.offset += count;
      this.size += count;
      this.atLineStart = chunk[this.offset - 1] === NEWLINE;
    }
  }

  /** FILE becomes FILE.1 (the others move up one), and a new FILE is started; without backups FILE is emptied. */
  private rotate(): void {
    this.closeFile();
    if (this.backups > 0) {
      for (let n = this.backups - 1; n >= 1; n--) this.rename(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      this.rename(this.path, `${this.path}.1`);
    }
    this.open(O_TRUNC);
  }

  private applyReopen(): void {
    this.wantReopen = false;
    this.closeFile();
    this.open(0);
  }

  private applyClear(): void {
    this.wantClear = false;
    this.closeFile();
    try {
      fs.unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.report(error as NodeJS.ErrnoException);
    }
    this.open(O_TRUNC);
  }

  /** Opens FILE for appending; learns its size and whether it ends with a newline. */
  private open(extraFlags: number): boolean {
    try {
      this.fd = fs.openSync(this.path, O_WRONLY | O_CREAT | O_APPEND | extraFlags, this.mode);
    } catch (error) {
      this.fd = -1;
      this.report(error as NodeJS.ErrnoException);
      return false;
    }
    this.size = fs.fstatSync(this.fd).size;
    this.atLineStart = this.size === 0 || endsWithNewline(this.path, this.size);
    return true;
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing is buffered in user space; a failed close loses nothing of ours
    }
    this.fd = -1;
  }

  private rename(from: string, to: string): void {
    try {
      fs.renameSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.report(error as NodeJS.ErrnoException);
    }
  }

  /** One report per run of the same failure: a full disk must not flood the host's own log. */
  private report(error: NodeJS.ErrnoException): void {
    const code = error.code ?? error.message;
    if (this.failing === code) return;
    this.failing = code;
    try {
      this.onError(error);
    } catch {
      // the host's reporter must not break the log
    }
  }
}

/** Whether the last byte of the file at PATH (SIZE bytes) is a newline; our fd is write-only. */
function endsWithNewline(path: string, size: number): boolean {
  let fd = -1;
  try {
    fd = fs.openSync(path, 'r');
    const byte = Buffer.alloc(1);
    return fs.readSync(fd, byte, 0, 1, size - 1) === 1 && byte[0] === NEWLINE;
  } catch {
    return true; // unreadable (a write-only log): rotate at chunk ends as best we can
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
