/**
 * tnohup's command line, read the way glibc's getopt_long reads it with the
 * option string "+hp:o:": options stop at the first operand or at "--"; a
 * long option may be shortened to any unambiguous prefix (--he, --vers); an
 * option's argument is the rest of its word or else the next word, whatever
 * it looks like (-p --help makes --help the pidfile). GNU nohup makes one
 * getopt_long call and acts on the first option it meets; reading in order
 * and stopping at --help or --version gives the same answers.
 */
export type NohupCommandLine =
  | { action: 'help' }
  | { action: 'version' }
  /** A usage error: getopt's message (none for a missing operand is separate). */
  | { action: 'usage-error'; message: string }
  | { action: 'run'; pidfile?: string; output?: string; operands: string[] };

interface LongOption {
  name: string;
  takesArgument: boolean;
  short: string;
}

const LONG_OPTIONS: LongOption[] = [
  { name: 'help', takesArgument: false, short: 'h' },
  { name: 'version', takesArgument: false, short: 'V' },
  { name: 'pidfile', takesArgument: true, short: 'p' },
  { name: 'output', takesArgument: true, short: 'o' },
];

/** Short letters, and whether each takes an argument. */
const SHORT_OPTIONS = new Map<string, boolean>([
  ['h', false],
  ['p', true],
  ['o', true],
]);

export function readCommandLine(words: readonly string[]): NohupCommandLine {
  const chosen: { pidfile?: string; output?: string } = {};
  let i = 0;
  while (i < words.length) {
    const word = words[i];
    if (word === '--') {
      i++;
      break;
    }
    if (word === '-' || !word.startsWith('-')) break;
    let step: Step;
    if (word.startsWith('--')) step = readLong(word, words[i + 1]);
    else step = readShortCluster(word, words[i + 1]);
    if (step.kind !== 'options') return step.result;
    for (const [letter, value] of step.found) {
      if (letter === 'h') return { action: 'help' };
      if (letter === 'V') return { action: 'version' };
      if (letter === 'p') chosen.pidfile = value;
      if (letter === 'o') chosen.output = value;
    }
    i += step.consumed;
  }
  return { action: 'run', ...chosen, operands: words.slice(i) };
}

type Step =
  | { kind: 'options'; found: Array<[string, string | undefined]>; consumed: number }
  | { kind: 'done'; result: NohupCommandLine };

function usageError(message: string): Step {
  return { kind: 'done', result: { action: 'usage-error', message } };
}

function readLong(word: string, next: string | undefined): Step {
  const body = word.slice(2);
  const equals = body.indexOf('=');
  const name = equals === -1 ? body : body.slice(0, equals);
  const inlineValue = equals === -1 ? undefined : body.slice(equals + 1);
  const exact = LONG_OPTIONS.find((option) => option.name === name);
  const candidates = exact ? [exact] : LONG_OPTIONS.filter((option) => option.name.startsWith(name));
  if (candidates.length === 0) return usageError(`unrecognized option '${word}'`);
  if (candidates.length > 1) {
    const names = candidates.map((option) => ` '--${option.name}'`).join('');
    return usageError(`option '${word}' is ambiguous; possibilities:${names}`);
  }
  const option = candidates[0];
  if (!option.takesArgument) {
    if (inlineValue !== undefined) return usageError(`option '--${option.name}' doesn't allow an argument`);
    return { kind: 'options', found: [[option.short, undefined]], consumed: 1 };
  }
  if (inlineValue !== undefined) return { kind: 'options', found: [[option.short, inlineValue]], consumed: 1 };
  if (next === undefined) return usageError(`option '--${option.name}' requires an argument`);
  return { kind: 'options', found: [[option.short, next]], consumed: 2 };
}

/** -hpFILE is -h then -p FILE; an unknown letter stops everything at once. */
function readShortCluster(word: string, next: string | undefined): Step {
  const found: Array<[string, string | undefined]> = [];
  for (let at = 1; at < word.length; at++) {
    const letter = word[at];
    const takesArgument = SHORT_OPTIONS.get(letter);
    if (takesArgument === undefined) {
      // Only -h comes before a letter without an argument, and it wins:
      // -hx is help, as -h is read first.
      if (found.length) return { kind: 'options', found, consumed: 0 };
      return usageError(`invalid option -- '${letter}'`);
    }
    if (!takesArgument) {
      found.push([letter, undefined]);
      continue;
    }
    if (at + 1 < word.length) return { kind: 'options', found: [...found, [letter, word.slice(at + 1)]], consumed: 1 };
    if (next === undefined) {
      if (found.length) return { kind: 'options', found, consumed: 0 };
      return usageError(`option requires an argument -- '${letter}'`);
    }
    return { kind: 'options', found: [...found, [letter, next]], consumed: 2 };
  }
  return { kind: 'options', found, consumed: 1 };
}
