import fs = require('node:fs');

/**
 * GNU nohup learns why execvp failed from errno. tnohup execs through sh
 * (src/common/hup-shim.ts), which would report a failure in its own words
 * ("sh: 1: exec: X: not found"), so what can be known beforehand is checked
 * here: a "#!" script whose interpreter is missing (ENOENT) or cannot be run
 * (EACCES), the errno the kernel gives for such a file. Null when the
 * interpreter is there, or FILE is not a script.
 */
export function checkInterpreter(file: string): string | null {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(256);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null; // unreadable but executable: the kernel may still run it
  }
  const interpreter = interpreterOf(head);
  if (interpreter === null) return null;
  // A relative interpreter is found from the working directory, as the kernel does.
  try {
    if (!fs.statSync(interpreter).isFile()) return 'EACCES';
    fs.accessSync(interpreter, fs.constants.X_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

/** The interpreter named on a "#!" line, as the kernel reads it. */
export function interpreterOf(head: Buffer): string | null {
  if (head.length < 2 || head[0] !== 0x23 || head[1] !== 0x21) return null;
  const end = head.indexOf(0x0a);
  const line = head.subarray(2, end === -1 ? head.length : end).toString('latin1');
  const name = line.replace(/^[ \t]+/, '').split(/[ \t]/)[0];
  return name === '' ? null : name;
}
