import parseArguments from 'yargs-parser';
import type { Options } from 'yargs';
import { many } from './words';

/**
 * Both commands parse with yargs-parser, the parser yargs is built on. The
 * yargs framework around it (help builder, i18n, layout) costs about 13 ms
 * and 1.7 MiB at every start (npm run bench), so it is loaded only to print
 * --help. Options stop at the first word that is not one: what follows is a
 * command and its arguments, untouched.
 */
const CONFIGURATION = {
  'halt-at-non-option': true,
  'populate--': true,
  'parse-positional-numbers': false,
  'parse-numbers': false,
  'boolean-negation': false,
  'camel-case-expansion': false,
  'dot-notation': false,
  'duplicate-arguments-array': true,
} as const;

export type Words = Record<string, unknown> & { operands: string[] };

/** A problem with the command line, said in one line. */
export class UsageProblem extends Error {}

/**
 * Parses WORDS. Options end at the first operand (a daemon's command is
 * passed on untouched), unless INTERLEAVED: supervisor verbs take names,
 * and options may follow them (`logs web -n 5`).
 */
export function parseWords(words: string[], options: Record<string, Options>, interleaved = false): Words {
  const string: string[] = [];
  const boolean: string[] = [];
  const alias: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(options)) {
    (spec.type === 'boolean' ? boolean : string).push(name);
    if (spec.alias !== undefined) alias[name] = many(spec.alias);
  }
  const { argv, error } = parseArguments.detailed(splitShortOptions(words, options), { string, boolean, alias, configuration: interleaved ? { ...CONFIGURATION, 'halt-at-non-option': false } : CONFIGURATION });
  if (error) throw new UsageProblem(error.message);
  const known = new Set(['_', '--', ...Object.keys(options), ...Object.values(alias).flat()]);
  const unknown = Object.keys(argv).find((key) => !known.has(key));
  if (unknown !== undefined) throw new UsageProblem(`unrecognized option '${dashes(unknown)}'`);

  const operands = [...argv._.map(String), ...((argv['--'] as string[] | undefined) ?? [])];
  const optionWords = interleaved ? words : words.slice(0, words.length - operands.length);
  for (const name of string) {
    if (argv[name] !== undefined && many(argv[name]).some((value) => value === '')) {
      throw new UsageProblem(`option '${typedName(optionWords, name, alias[name] ?? [])}' requires an argument`);
    }
  }
  const result: Words = { operands };
  for (const [key, value] of Object.entries(argv)) if (key !== '_' && key !== '--') result[key] = value;
  return result;
}

/**
 * Short options the way getopt reads them, which yargs-parser does not
 * quite: in '-pFILE' the rest of the word is -p's value whatever it starts
 * with (yargs-parser would read '-pa.pid' as -p -a ...), and '-hpFILE' is
 * -h then -p FILE. Such words are split into '-h' '-p' 'FILE'. Only option
 * words are touched: scanning stops at '--' and at the first operand.
 */
export function splitShortOptions(words: string[], options: Record<string, Options>): string[] {
  const takesValue = new Map<string, boolean>();
  for (const [name, spec] of Object.entries(options)) {
    for (const short of [name, ...many(spec.alias)].filter((n) => n.length === 1)) takesValue.set(short, spec.type !== 'boolean');
  }
  const out: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i];
    if (word === '--' || word === '-' || !word.startsWith('-')) break;
    if (word.startsWith('--')) {
      out.push(word);
      const long = options[word.slice(2)] ?? Object.values(options).find((spec) => many(spec.alias).includes(word.slice(2)));
      if (long && long.type !== 'boolean' && i + 1 < words.length) out.push(words[++i]);
      continue;
    }
    let valueNext = false;
    for (let at = 1; at < word.length; at++) {
      const letter = word[at];
      out.push(`-${letter}`);
      if (takesValue.get(letter)) {
        if (at + 1 < word.length) out.push(word.slice(at + 1));
        else valueNext = true;
        break;
      }
    }
    if (valueNext && i + 1 < words.length) out.push(words[++i]);
  }
  return out.concat(words.slice(i));
}

function dashes(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** The spelling the user typed (-p or --pidfile), for the message. */
function typedName(optionWords: string[], name: string, aliases: string[]): string {
  const spellings = [name, ...aliases].map(dashes);
  const typed = [...optionWords].reverse().find((word) => spellings.some((s) => word === s || word.startsWith(`${s}=`)));
  return typed ? typed.split('=')[0] : dashes(name);
}
