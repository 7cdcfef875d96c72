import fs = require('node:fs');

/** The last COUNT lines of FILE (read from the end, so a huge log costs little). */
export function lastLines(file: string, count: number): string[] {
  if (count <= 0) return [];
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    let position = size;
    let text = '';
    const chunk = Buffer.alloc(64 * 1024);
    while (position > 0) {
      const length = Math.min(chunk.length, position);
      position -= length;
      fs.readSync(fd, chunk, 0, length, position);
      text = chunk.toString('utf8', 0, length) + text;
      // count+1 newlines: the last line may end with one
      if ((text.match(/\n/g)?.length ?? 0) > count) break;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    fs.closeSync(fd);
  }
}
