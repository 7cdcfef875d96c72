import fs = require('node:fs');
import path = require('node:path');
import { findCopy, freshMarks, marksAt, noteRead, tailHolds, type ReadMarks } from './read-marks';

/*
 * Follows a file by name, as GNU `tail -F` does, and loses nothing that can
 * still be read.
 *
 * Wake-ups come from inotify (fs.watch) on two things: the file we have
 * open (its inode: a watch follows it through a rename, so writes into a
 * file logrotate moved to FILE.1 still wake us), and its directory, for
 * FILE being created, renamed or removed (events for other names are
 * ignored). Between events nothing runs: an idle follower makes no
 * wake-ups. Where inotify cannot be used (the watch limit is reached, the
 * directory is missing, or the file system is a network one, where inotify
 * sees only local writes) a check runs every second instead.
 *
 * Each check, in this order:
 * 1. FILE's current size is sampled, then a file renamed away earlier (the
 *    "previous" one) is read to its end. A writer that reopens its log
 *    after logrotate's `create` still writes to the old file until it
 *    reopens, so that file is kept and read until the new one has bytes:
 *    sampling the new size first makes the last read of the old file come
 *    after everything the writer put there before switching.
 * 2. The file we follow is read to its end, or, while a previous file is
 *    kept, only as far as the size sampled in step 1 (the rest next turn,
 *    after the old file has been read once more: a line the writer put in
 *    the new file after that sample may follow one it put in the old file
 *    after our read of it). If it is now shorter than what
 *    we have read, or the bytes just before our position changed, it was
 *    truncated (logrotate `copytruncate`, `> file`). Comparing those last
 *    bytes (read-marks.ts) also catches a truncated file that grew back
 *    past our position before we looked, which sizes alone would miss.
 *    Before reading it again from its start, we look beside it for
 *    logrotate's copy (a file starting with the bytes ours started with,
 *    holding our last bytes at our position) and read the copy from our
 *    position to its end: the lines written after our last read and before
 *    the copy. GNU tail -F loses those; the more lines a second, the more.
 * 3. FILE is looked up by name. If it names another file now, the one we
 *    had was read to its end in step 2, becomes the previous one, and the
 *    new one is read from its start. If FILE is gone, the open file is
 *    still read (a writer may still hold it) until a new FILE appears.
 *
 * What no follower can see: with copytruncate, lines written between
 * logrotate's copy and its truncation are in neither file (logrotate
 * itself loses them); and if the copy is compressed or moved to another
 * directory (`compress` without `delaycompress`, `olddir`) before we look,
 * the lines between our last read and the copy are lost too. inotify makes
 * that window a millisecond or so; the 100 ms poller this replaces lost
 * 2-5 lines per truncation at 50 lines/s. A file that is created and
 * renamed away again between two of our checks (two rotations within a
 * millisecond or so, or within a second when polling) is never opened, as
 * with tail -F.
 */

export interface FollowOptions {
  /** Where to start in FILE as it is now (past its end counts as truncated). Default 0. */
  fromOffset?: number;
  /** The bytes read, in order; a returned promise is awaited before reading on (backpressure). */
  onData(bytes: Buffer): void | Promise<void>;
  /** One line about a truncation, a replacement, a missing file. */
  onNotice?(text: string): void;
  signal?: AbortSignal;
}

/** Follows FILE until SIGNAL aborts; rejects only if onData throws or a read fails (EIO). */
export function followFile(file: string, options: FollowOptions): Promise<void> {
  return new Follower(file, options).run();
}

const POLL_MS = 1000;
const CHUNK = 64 * 1024;

/*
 * Network and user-space file systems, where inotify misses changes made
 * elsewhere (statfs f_type magic numbers; GNU tail keeps a similar list).
 */
const REMOTE_FS = new Set([
  0x6969 /* nfs */, 0xff534d42 /* cifs */, 0xfe534d42 /* smb2 */, 0x517b /* smb */, 0x65735546 /* fuse */,
  0x01021997 /* 9p */, 0x00c36400 /* ceph */, 0x01161970 /* gfs2 */, 0x0bd00bd0 /* lustre */, 0x5346414f /* afs */,
]);

/** A file we have open, and how far we have read it. */
interface Tracked {
  fd: number;
  dev: number;
  ino: number;
  position: number;
  watcher: fs.FSWatcher | null;
  marks: ReadMarks;
}

class Follower {
  private current: Tracked | null = null;
  private previous: Tracked | null = null;
  private dirWatcher: fs.FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private checking = false;
  private stopped = false;
  private missing = false;
  private failedOpen: string | null = null;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private readonly base: string;
  private readonly dir: string;
  private finish: (error?: unknown) => void = () => {};
  private stopError: unknown;

  constructor(
    private readonly file: string,
    private readonly options: FollowOptions,
  ) {
    this.base = path.basename(file);
    this.dir = path.dirname(file);
  }

  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finish = (error) => (error === undefined ? resolve() : reject(error));
      const signal = this.options.signal;
      if (signal?.aborted) return resolve();
      signal?.addEventListener('abort', this.onAbort, { once: true });
      if (isRemote(this.dir)) this.startPolling('a network file system');
      else this.watchDirectory();
      this.current = this.openByName(this.options.fromOffset ?? 0);
      this.missing = this.current === null;
      if (this.missing) this.notice(`${this.file} does not exist (yet); waiting for it`);
      this.wake();
    });
  }

  private readonly onAbort = (): void => this.stop();

  private wake = (): void => {
    this.dirty = true;
    if (!this.checking && !this.stopped) void this.loop();
  };

  private async loop(): Promise<void> {
    this.checking = true;
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        await this.check();
      }
    } catch (error) {
      this.stop(error);
    } finally {
      this.checking = false;
      if (this.stopped) this.release();
    }
  }

  private async check(): Promise<void> {
    let upTo = Infinity;
    if (this.previous !== null) {
      upTo = this.current === null ? 0 : fs.fstatSync(this.current.fd).size;
      await this.drain(this.previous);
      if (upTo > 0) {
        this.forget(this.previous); // the writer has moved to the new file
        this.previous = null;
      }
    }
    if (this.current !== null) {
      // While an old file is still read, the new one is read only as far as
      // it was before the old one's last read: what the writer put in the
      // new file after that may come after lines it put in the old one
      // meanwhile, which the next turn reads first.
      await this.drain(this.current, upTo);
      if (upTo !== Infinity && fs.fstatSync(this.current.fd).size > this.current.position) this.dirty = true;
    }
    if (this.stopped) return;
    const named = statQuietly(this.file);
    if (named === null) {
      if (!this.missing) this.notice(`${this.file} has gone; following it as it was until it appears again`);
      this.missing = true;
      return;
    }
    const cur = this.current;
    if (cur !== null && named.ino === cur.ino && named.dev === cur.dev) return;
    const next = this.openByName(0);
    if (next === null) return;
    if (this.missing) this.notice(`${this.file} has appeared; following it`);
    else this.notice(`${this.file} has been replaced; following the new file`);
    if (cur !== null) {
      if (this.previous !== null) this.forget(this.previous);
      this.previous = cur;
    }
    this.missing = false;
    this.current = next;
    this.dirty = true; // read the new file (and the old one once more) in the next turn
  }

  /** Reads T from its position to its end (or to offset UP_TO), starting again at 0 if it was truncated. */
  private async drain(t: Tracked, upTo = Infinity): Promise<void> {
    while (!this.stopped) {
      if (fs.fstatSync(t.fd).size < t.position || !tailHolds(t.fd, t.position, t.marks)) {
        const copy = await this.readCopy(t);
        this.notice(`${this.file}: file truncated; ${copy === null ? '' : `read the rest of its old content from ${copy}, `}reading it from the start`);
        t.position = 0;
        t.marks = freshMarks();
        upTo = Infinity;
      }
      if (t.position >= upTo) return;
      const count = await readAt(t.fd, this.buffer, t.position, upTo - t.position);
      if (count === 0) return;
      // Truncated and written again while the read ran? Then these bytes
      // are not what follows ours: drop them, and the next turn of the
      // loop handles the truncation.
      if (!tailHolds(t.fd, t.position, t.marks)) continue;
      const bytes = Buffer.from(this.buffer.subarray(0, count));
      noteRead(t.marks, t.position, bytes);
      t.position += count;
      await this.options.onData(bytes);
    }
  }

  /** What logrotate's copy of truncated T holds past our position; the copy's name, or null. */
  private async readCopy(t: Tracked): Promise<string | null> {
    const copy = findCopy(this.file, t.ino, t.position, t.marks);
    if (copy === null) return null;
    let fd: number;
    try {
      fd = fs.openSync(copy, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch {
      return null; // gone meanwhile
    }
    try {
      for (let position = t.position; !this.stopped; ) {
        const count = await readAt(fd, this.buffer, position);
        if (count === 0) break;
        position += count;
        await this.options.onData(Buffer.from(this.buffer.subarray(0, count)));
      }
    } finally {
      fs.closeSync(fd);
    }
    return copy;
  }

  /** Opens FILE by name, from OFFSET, with a watch on it; null (and one notice) if it cannot be opened. */
  private openByName(offset: number): Tracked | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code !== 'ENOENT' && this.failedOpen !== code) this.notice(`cannot open ${this.file}: ${(error as Error).message}`);
      this.failedOpen = code;
      return null;
    }
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) {
      fs.closeSync(fd);
      if (this.failedOpen !== 'type') this.notice(`${this.file} is not a regular file; waiting for one`);
      this.failedOpen = 'type';
      return null;
    }
    this.failedOpen = null;
    const marks = offset <= stats.size ? marksAt(fd, offset) : freshMarks();
    const t: Tracked = { fd, dev: stats.dev, ino: stats.ino, position: offset, watcher: null, marks };
    if (this.pollTimer === null) t.watcher = this.watch(this.file, this.wake);
    return t;
  }

  private watchDirectory(): void {
    this.dirWatcher = this.watch(this.dir, (_event, name) => {
      if (name === null || name === this.base) this.wake();
    });
  }

  /** A watch, or null after falling back to polling. */
  private watch(target: string, listener: (event: string, name: string | null) => void): fs.FSWatcher | null {
    try {
      const watcher = fs.watch(target, { persistent: true }, listener);
      watcher.on('error', (error: NodeJS.ErrnoException) => {
        watcher.close();
        this.startPolling(error.code ?? error.message);
      });
      return watcher;
    } catch (error) {
      this.startPolling((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      return null;
    }
  }

  private startPolling(why: string): void {
    if (this.pollTimer !== null || this.stopped) return;
    this.notice(`cannot watch ${this.file} for changes (${why}); checking it every second`);
    this.pollTimer = setInterval(this.wake, POLL_MS);
  }

  private notice(text: string): void {
    this.options.onNotice?.(text);
  }

  private stop(error?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopError = error;
    if (!this.checking) this.release();
  }

  /** Closes everything once no check runs any more. */
  private release(): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.dirWatcher?.close();
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    for (const t of [this.current, this.previous]) if (t !== null) this.forget(t);
    this.current = this.previous = null;
    this.finish(this.stopError);
  }

  private forget(t: Tracked): void {
    t.watcher?.close();
    fs.closeSync(t.fd);
  }
}

function statQuietly(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function readAt(fd: number, buffer: Buffer, position: number, most = buffer.length): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, Math.min(buffer.length, most), position, (error, count) => (error ? reject(error) : resolve(count)));
  });
}

function isRemote(dir: string): boolean {
  try {
    return REMOTE_FS.has(fs.statfsSync(dir).type);
  } catch {
    return false;
  }
}
