import fs = require('node:fs');

const O_CLOEXEC = 0o2000000;

// The head of /proc/self/fdinfo/FD: "pos:\tN\nflags:\t0NNN\n" always comes
// first, and fits in this.
const fdinfoHead = Buffer.alloc(128);

/**
 * Closes the descriptors above 2 that this process inherited without
 * close-on-exec, so that a daemon started from here does not keep its
 * caller's files, pipes or sockets open (an ssh channel or a CI pipe that
 * never closes). Node opens all of its own descriptors close-on-exec, so
 * only inherited ones are touched; /proc/self/fdinfo shows each one's flags.
 */
export function closeInheritedDescriptors(): void {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc/self/fd');
  } catch {
    return;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      const flags = /^flags:\s*([0-7]+)$/m.exec(readHead(`/proc/self/fdinfo/${fd}`));
      if (flags && (parseInt(flags[1], 8) & O_CLOEXEC) === 0) fs.closeSync(fd);
    } catch {
      // the descriptor of the directory listing itself, already closed
    }
  }
}

/** The first bytes of FILE: one read into a reused buffer (readFileSync reads a file of /proc until a read finds nothing more). */
function readHead(file: string): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY);
  try {
    return fdinfoHead.toString('latin1', 0, fs.readSync(fd, fdinfoHead, 0, fdinfoHead.length, null));
  } finally {
    fs.closeSync(fd);
  }
}
