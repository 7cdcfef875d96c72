import fs = require('node:fs');
import { dieBySignal } from '../common/signals';

/**
 * Ends tnohup with CODE. Node 20 restores the terminal modes of descriptors
 * 0-2 at exit and aborts (SIGABRT, sometimes SIGSEGV) when the terminal has
 * hung up and answers EIO (nodejs/node#51519, fixed in later lines). It skips
 * a descriptor that has been closed, so tnohup closes all three first: by
 * now it has written everything it will write.
 */
export function exitWith(code: number): never {
  releaseStdio();
  process.exit(code);
}

/** Dies of SIGNAL, like the command did, by the same safe route. */
export function dieOf(signal: NodeJS.Signals): never {
  releaseStdio();
  return dieBySignal(signal);
}

function releaseStdio(): void {
  for (const fd of [0, 1, 2]) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }
}
