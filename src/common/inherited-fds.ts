import fs = require('node:fs');

const O_CLOEXEC = 0o2000000;

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
      const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags && (parseInt(flags[1], 8) & O_CLOEXEC) === 0) fs.closeSync(fd);
    } catch {
      // the descriptor of the directory listing itself, already closed
    }
  }
}
