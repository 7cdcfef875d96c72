import fs = require('node:fs');
import path = require('node:path');
import { StringDecoder } from 'node:string_decoder';
import type { ReadySpec } from '../model/ready-spec';

/**
 * A readiness check of `start --ready`, prepared before the daemon is
 * spawned so that what was already there does not count: a port another
 * process listened on, a file left by an earlier run, the lines an appended
 * log already held.
 */
export interface ReadyCheck {
  /** Is the daemon ready now? Never throws. */
  isReady(): Promise<boolean>;
  /** Why it is not, for the message after a timeout: "no connection to 127.0.0.1:8080". */
  whyNot(): string;
}

/** CWD resolves a relative file:PATH (the daemon's directory); LOGS are the files log:REGEX reads. */
export function prepareReadyCheck(spec: ReadySpec, cwd: string, logs: readonly string[]): ReadyCheck {
  switch (spec.kind) {
    case 'tcp':
      return tcpCheck(spec.host, spec.port);
    case 'file':
      return fileCheck(path.resolve(cwd, spec.path));
    case 'log':
      return logCheck(new RegExp(spec.pattern), logs);
  }
}

/** One connection attempt may not hang a poll: a filtered host drops SYNs. */
const CONNECT_LIMIT_MS = 1000;

/**
 * A connection that succeeds, to a listener that is the daemon's. A second
 * nginx on a busy port dies on EADDRINUSE while the first one accepts
 * connections: when the port had listeners before this start, a connection
 * counts only once a listener that was not there before is open.
 */
function tcpCheck(host: string, port: number): ReadyCheck {
  const before = listeningSockets(port);
  let last = `no connection to ${formatHostPort(host, port)} yet`;
  return {
    async isReady() {
      const error = await tryConnect(host, port);
      if (error !== null) {
        last = `no connection to ${formatHostPort(host, port)} (${error})`;
        return false;
      }
      if (before.size === 0) return true;
      for (const inode of listeningSockets(port)) if (!before.has(inode)) return true;
      last = `port ${port} accepts connections, but only on sockets that listened before this start (another server holds it)`;
      return false;
    },
    whyNot: () => last,
  };
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Loaded when a tcp check runs: start without --ready does not pay for net.
function tryConnect(host: string, port: number): Promise<string | null> {
  const net = require('node:net') as typeof import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('timed out'), CONNECT_LIMIT_MS);
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** Inodes of the sockets listening on PORT, IPv4 and IPv6, in this network namespace. */
function listeningSockets(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'latin1');
    } catch {
      continue; // no IPv6, or no /proc
    }
    for (const inode of parseListeners(text, port)) inodes.add(inode);
  }
  return inodes;
}

/** TCP_LISTEN in /proc/net/tcp's "st" column. */
const LISTEN = '0A';

/**
 * The inodes of LISTEN sockets on PORT in the text of /proc/net/tcp or
 * tcp6: "sl local_address rem_address st ... uid timeout inode", the local
 * address as HEXADDR:HEXPORT.
 */
export function parseListeners(text: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const local = fields[1];
    if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.push(fields[9]);
  }
  return inodes;
}

/**
 * FILE exists. A file that was there before this start counts once it is
 * made anew or written (another inode, or another mtime): a socket or
 * pidfile left by an earlier run is not this run's.
 */
function fileCheck(file: string): ReadyCheck {
  const identity = (): string | null => {
    try {
      const stat = fs.statSync(file, { bigint: true });
      return `${stat.dev}:${stat.ino}:${stat.mtimeNs}`;
    } catch {
      return null;
    }
  };
  const before = identity();
  return {
    isReady() {
      const now = identity();
      return Promise.resolve(now !== null && now !== before);
    },
    whyNot: () => (before !== null && identity() === before ? `${file} is still the one that was there before this start` : `${file} does not exist`),
  };
}

/**
 * A line written to one of LOGS since this start matches PATTERN. Each log
 * is read from its size before the spawn (an appended log's older lines do
 * not count), from its start again if it was truncated. The last line
 * counts before its newline is written: a prompt may never get one.
 */
function logCheck(pattern: RegExp, logs: readonly string[]): ReadyCheck {
  const readers = logs.map((file) => newLinesOf(file));
  return {
    isReady() {
      return Promise.resolve(readers.some((read) => read().some((line) => pattern.test(line))));
    },
    whyNot: () => `no line of ${logs.join(' or ')} written since this start matches /${pattern.source}/`,
  };
}

/** A reader of the lines FILE gains: each call returns the complete new lines, and the unfinished last one. */
function newLinesOf(file: string): () => string[] {
  let position = sizeOf(file);
  let decoder = new StringDecoder('utf8');
  let partial = '';
  const chunk = Buffer.alloc(64 * 1024);
  return () => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return [];
    }
    let text = '';
    try {
      if (fs.fstatSync(fd).size < position) {
        // truncated (copytruncate): read the new content from the start
        position = 0;
        partial = '';
        decoder = new StringDecoder('utf8');
      }
      for (;;) {
        const length = fs.readSync(fd, chunk, 0, chunk.length, position);
        if (length === 0) break;
        position += length;
        text += decoder.write(chunk.subarray(0, length));
      }
    } catch {
      return [];
    } finally {
      fs.closeSync(fd);
    }
    const lines = (partial + text).split('\n');
    partial = lines[lines.length - 1];
    return partial === '' ? lines.slice(0, -1) : lines;
  };
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
