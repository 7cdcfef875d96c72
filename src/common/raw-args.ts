import fs = require('node:fs');

/**
 * Node decodes argv as UTF-8 and puts U+FFFD in place of bytes that are not
 * valid UTF-8, so process.argv cannot carry such an argument byte for byte.
 * /proc/self/cmdline still has the raw bytes; this returns the last COUNT
 * arguments as they were given, or null where one is the same as its string.
 */
export function rawTailArguments(decoded: readonly string[]): Array<Buffer | null> {
  // Only bytes that are not UTF-8 become U+FFFD; without one, every argument
  // is its string's bytes, and /proc need not be read.
  if (!decoded.some((text) => text.includes('\uFFFD'))) return decoded.map(() => null);
  let cmdline: Buffer;
  try {
    cmdline = fs.readFileSync('/proc/self/cmdline');
  } catch {
    return decoded.map(() => null);
  }
  const entries: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < cmdline.length; i++) {
    if (cmdline[i] === 0) {
      entries.push(cmdline.subarray(start, i));
      start = i + 1;
    }
  }
  if (entries.length < decoded.length) return decoded.map(() => null);
  const tail = entries.slice(entries.length - decoded.length);
  return decoded.map((text, i) => (Buffer.from(text, 'utf8').equals(tail[i]) ? null : tail[i]));
}

/**
 * A sh command line that sets HUP ignored, rebuilds the raw arguments with
 * printf's octal escapes, and execs "$1" with every argument in its place.
 * Positional parameter i+1 holds argument i when it is plain text.
 */
export function hupShimWithRawArguments(raw: Array<Buffer | null>): string {
  const lines = ['trap "" HUP'];
  const words: string[] = [];
  raw.forEach((bytes, i) => {
    if (bytes === null) {
      words.push(`"\${${i + 1}}"`);
      return;
    }
    const octal = [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
    // The X keeps command substitution from eating trailing newlines.
    lines.push(`a${i}=$(printf '${octal}X'); a${i}=\${a${i}%X}`);
    words.push(`"$a${i}"`);
  });
  lines.push(`exec ${words.join(' ')}`);
  return lines.join('\n');
}
