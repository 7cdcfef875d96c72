import fs = require('node:fs');

/**
 * Writes one line to stderr synchronously, so it lands before an exit, and
 * never throws: after a terminal hangup every write to it fails with EIO,
 * and a message lost then must not kill the process.
 */
export function sayError(program: string, line: string): void {
  writeQuietly(2, `${program}: ${line}\n`);
}

/**
 * The commands write only through here, never through process.stdout or
 * process.stderr: creating those stream objects costs about 2 ms at every
 * start, and a stream's write error after a hangup would need a listener.
 */
export function writeQuietly(fd: number, text: string): void {
  writeAll(fd, Buffer.from(text));
}

/**
 * Writes all of BYTES, or says false: a non-blocking pipe that is full is
 * tried again; anything else (the terminal is gone, the reader closed the
 * pipe) ends the attempt.
 */
export function writeAll(fd: number, bytes: Buffer): boolean {
  let offset = 0;
  for (let attempts = 0; offset < bytes.length && attempts < 1000; attempts++) {
    try {
      offset += fs.writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
    }
  }
  return offset === bytes.length;
}
