// Python's idea of whitespace, which the INI rules depend on: str.isspace()
// and str.strip() count \x1c-\x1f and \x85 but not the BOM (JavaScript's \s is
// the other way round).

const PY_SPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const PY_LEADING = /^[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_TRAILING = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

export function isPySpace(ch: string): boolean {
  return ch.length > 0 && PY_SPACE.test(ch);
}

export function pyStrip(text: string): string {
  return pyRstrip(text.replace(PY_LEADING, ''));
}

export function pyRstrip(text: string): string {
  return text.replace(PY_TRAILING, '');
}

/** Index of the first non-space character (Python's NONSPACECRE), or 0. */
export function indentOf(line: string): number {
  for (let i = 0; i < line.length; i++) if (!isPySpace(line[i])) return i;
  return 0;
}
