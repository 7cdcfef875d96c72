// One Python %-conversion (`%(name)02d`, `%-10s`, `%#x`, `%.3g`...) applied to
// a text or an integer, with Python's output, so `%(process_num)02d` names
// processes exactly as supervisord does.

export interface Conversion {
  flags: string;
  width: number | null;
  precision: number | null;
  type: string;
}

export const CONVERSION_TYPES = 'diouxXeEfFgGcrsa';

/** Returns the text, or a reason why Python would refuse (a TypeError). */
export function applyConversion(conv: Conversion, value: string | number): { text: string } | { error: string } {
  const { flags, type } = conv;
  let body: string;
  let sign = '';
  let numeric = false;
  if (type === 's' || type === 'r' || type === 'a') {
    body = type === 's' ? String(value) : pyRepr(value, type === 'a');
    if (conv.precision !== null) body = [...body].slice(0, conv.precision).join('');
  } else if (type === 'c') {
    if (typeof value === 'number') {
      if (value < 0 || value > 0x10ffff) return { error: '%c arg not in range(0x110000)' };
      body = String.fromCodePoint(value);
    } else if ([...value].length === 1) body = value;
    else return { error: '%c requires int or char' };
  } else {
    if (typeof value !== 'number') {
      if ('diu'.includes(type)) return { error: `%${type} format: a real number is required, not str` };
      if ('oxX'.includes(type)) return { error: `%${type} format: an integer is required, not str` };
      return { error: 'must be real number, not str' };
    }
    numeric = true;
    if (value < 0 || Object.is(value, -0)) sign = '-';
    else if (flags.includes('+')) sign = '+';
    else if (flags.includes(' ')) sign = ' ';
    body = formatNumber(Math.abs(value), conv);
  }
  const width = conv.width ?? 0;
  const length = [...body].length + sign.length;
  if (length >= width) return { text: sign + body };
  const pad = width - length;
  if (flags.includes('-')) return { text: sign + body + ' '.repeat(pad) };
  if (numeric && flags.includes('0')) {
    // Zeros go after the sign and after a 0x/0o prefix: %#06x of 255 is 0x00ff.
    const prefix = /^0[xXo]/.test(body) && flags.includes('#') ? body.slice(0, 2) : '';
    return { text: sign + prefix + '0'.repeat(pad) + body.slice(prefix.length) };
  }
  return { text: ' '.repeat(pad) + sign + body };
}

function formatNumber(n: number, conv: Conversion): string {
  const alt = conv.flags.includes('#');
  const { type, precision } = conv;
  if ('diuoxX'.includes(type)) {
    const int = Math.trunc(n);
    const radix = type === 'o' ? 8 : type === 'x' || type === 'X' ? 16 : 10;
    let digits = int.toString(radix);
    if (precision !== null && digits.length < precision) digits = digits.padStart(precision, '0');
    if (type === 'X') digits = digits.toUpperCase();
    if (alt && type === 'o') return `0o${digits}`;
    if (alt && (type === 'x' || type === 'X')) return `0${type}${digits}`;
    return digits;
  }
  const p = precision ?? 6;
  let text: string;
  if (type === 'f' || type === 'F') text = n.toFixed(p);
  else if (type === 'e' || type === 'E') text = exponential(n, p);
  else text = general(n, p === 0 ? 1 : p, alt);
  if (alt && !text.includes('.') && (type === 'f' || type === 'F' || type === 'e' || type === 'E')) {
    text = text.replace(/^(\d+)/, '$1.');
  }
  return type === 'E' || type === 'G' || type === 'F' ? text.toUpperCase() : text;
}

/** JavaScript writes 5e+0; Python writes at least two exponent digits: 5e+00. */
function exponential(n: number, p: number): string {
  return n.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %g: fixed or exponential by the exponent, trailing zeros dropped unless #. */
function general(n: number, p: number, alt: boolean): string {
  const exp = n === 0 ? 0 : Number(n.toExponential(p - 1).split('e')[1]);
  const text = exp >= -4 && exp < p ? n.toFixed(Math.max(0, p - 1 - exp)) : exponential(n, p - 1);
  const [mantissa, exponent] = text.split('e');
  let m = mantissa;
  if (!alt && m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
  if (alt && !m.includes('.')) m += '.';
  return exponent === undefined ? m : `${m}e${exponent}`;
}

/** Python's repr() (or ascii()) of a text or an integer. */
export function pyRepr(value: string | number, asciiOnly: boolean): string {
  if (typeof value === 'number') return String(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (asciiOnly && code > 0x7f) || (!asciiOnly && isUnprintable(code))) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    } else out += ch;
  }
  return quote + out + quote;
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

// Python's str.isprintable, near enough: controls, separators other than the
// plain space, and surrogates/unassigned are escaped.
function isUnprintable(code: number): boolean {
  return code !== 0x20 && ((code >= 0x80 && code <= 0xa0) || code === 0xad || /[\p{C}\p{Z}]/u.test(String.fromCodePoint(code)));
}
