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
  const bytes = Buffer.from(text);
  let offset = 0;
  for (let attempts = 0; offset < bytes.length && attempts < 1000; attempts++) {
    try {
      offset += fs.writeSync(fd, bytes, offset);
    } catch (error) {
      // A non-blocking pipe that is full: try again. Anything else (the
      // terminal is gone, the reader closed the pipe) loses the message.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}
