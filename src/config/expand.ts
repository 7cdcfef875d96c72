// supervisor's `%` expansion (`value % names` in Python): %(name)s with
// Python's flags, width, precision and conversions, and %% for a literal %.
//
// Where we differ on purpose: a `%` that is neither %% nor %(name)X is an
// error. Python reads `date +%s` as "format the whole dict", so supervisord
// silently pastes its expansion dictionary, environment included, into the
// command; `50%` and `%t` it rejects with messages that do not say "%%".
import { applyConversion, CONVERSION_TYPES, type Conversion } from './printf';

export type ExpansionNames = Record<string, string | number>;

export type ExpansionCode = 'EPERCENT' | 'ECONVERSION' | 'EEXPAND';

export class ExpansionProblem extends Error {
  constructor(
    readonly code: ExpansionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExpansionProblem';
  }
}

const WRITE_PERCENT = 'write %% for a literal percent sign';

/** Expands TEXT against NAMES, or throws an ExpansionProblem. */
export function expandPercent(text: string, names: ExpansionNames): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('%', i);
    if (at === -1) return out + text.slice(i);
    out += text.slice(i, at);
    const column = at + 1;
    const next = text[at + 1];
    if (next === '%') {
      out += '%';
      i = at + 2;
      continue;
    }
    if (next === undefined) throw new ExpansionProblem('EPERCENT', `a bare '%' at the end: ${WRITE_PERCENT}`);
    if (next !== '(') {
      const shown = text.slice(at, at + 2);
      throw new ExpansionProblem('EPERCENT', `a bare '%' at column ${column} ('${shown}'): ${WRITE_PERCENT}`);
    }
    const { name, end } = readKey(text, at + 2, column);
    const spec = /^([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?/.exec(text.slice(end))!;
    const typeAt = end + spec[0].length;
    const whole = text.slice(at, typeAt + 1);
    const type = text[typeAt];
    if (type === undefined) {
      throw new ExpansionProblem('ECONVERSION', `'${whole}' at column ${column} has no conversion: write ${whole}s`);
    }
    if (!CONVERSION_TYPES.includes(type)) {
      throw new ExpansionProblem(
        'ECONVERSION',
        `unknown conversion '${type}' in '${whole}' at column ${column} (s, d, 02d... are known); ${WRITE_PERCENT}`,
      );
    }
    if (spec[2] === '*' || spec[3] === '*') {
      throw new ExpansionProblem('ECONVERSION', `'*' in '${whole}' at column ${column}: write the width as a number`);
    }
    if (!Object.prototype.hasOwnProperty.call(names, name)) {
      throw new ExpansionProblem('EEXPAND', `unknown name '${name}' in '${whole}'; known: ${describeNames(names)}`);
    }
    const conv: Conversion = {
      flags: spec[1],
      width: spec[2] === undefined ? null : Number(spec[2]),
      precision: spec[3] === undefined ? null : Number(spec[3] || '0'),
      type,
    };
    const result = applyConversion(conv, names[name]);
    if ('error' in result) throw new ExpansionProblem('ECONVERSION', `'${whole}' at column ${column}: ${result.error}`);
    out += result.text;
    i = typeAt + 1;
  }
  return out;
}

/** The name inside %( ), where parentheses nest as in Python: %(a(b))s is "a(b)". */
function readKey(text: string, from: number, column: number): { name: string; end: number } {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return { name: text.slice(from, j), end: j + 1 };
  }
  throw new ExpansionProblem('EPERCENT', `'%(' at column ${column} is never closed: ${WRITE_PERCENT}`);
}

function describeNames(names: ExpansionNames): string {
  const plain = Object.keys(names)
    .filter((n) => !n.startsWith('ENV_'))
    .sort();
  return [...plain, 'ENV_X for each environment variable X'].join(', ');
}

