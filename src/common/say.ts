import * as fs from 'node:fs';

/**
 * Writes one line to stderr synchronously, so it lands before an exit, and
 * never throws: after a terminal hangup every write to it fails with EIO,
 * and a message lost then must not kill the process.
 */
export function sayError(program: string, line: string): void {
  writeQuietly(2, `${program}: ${line}\n`);
}

export function writeQuietly(fd: number, text: string): void {
  try {
    fs.writeSync(fd, text);
  } catch {
    // the terminal is gone, or the reader closed the pipe
  }
}

/** Keeps a dead terminal's EIO on stdout or stderr from being thrown. */
export function ignoreStdioErrors(): void {
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
}
