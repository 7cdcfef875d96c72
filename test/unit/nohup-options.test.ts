import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCommandLine, type NohupCommandLine } from '../../src/nohup/options';

// Each line: words, then what getopt_long with "+hp:o:" makes of them.
const cases: Array<[string[], NohupCommandLine]> = [
  [['--help'], { action: 'help' }],
  [['--he'], { action: 'help' }],
  [['--h'], { action: 'help' }],
  [['-h'], { action: 'help' }],
  [['--vers'], { action: 'version' }],
  [['--version', '--help'], { action: 'version' }],
  [['--help', '--version'], { action: 'help' }],
  [['--help', '--bogus'], { action: 'help' }],
  [['-hx'], { action: 'help' }],
  [['--help=false'], { action: 'usage-error', message: "option '--help' doesn't allow an argument" }],
  [['--vers=x'], { action: 'usage-error', message: "option '--version' doesn't allow an argument" }],
  [['--bogus=1', 'cmd'], { action: 'usage-error', message: "unrecognized option '--bogus=1'" }],
  [['--=x'], { action: 'usage-error', message: "option '--=x' is ambiguous; possibilities: '--help' '--version' '--pidfile' '--output'" }],
  [['-x'], { action: 'usage-error', message: "invalid option -- 'x'" }],
  [['-/'], { action: 'usage-error', message: "invalid option -- '/'" }],
  [['-p'], { action: 'usage-error', message: "option requires an argument -- 'p'" }],
  [['--pid'], { action: 'usage-error', message: "option '--pidfile' requires an argument" }],
  [[], { action: 'run', operands: [] }],
  [['--'], { action: 'run', operands: [] }],
  [['-', 'x'], { action: 'run', operands: ['-', 'x'] }],
  [['cmd', '--help'], { action: 'run', operands: ['cmd', '--help'] }],
  [['--', '--help'], { action: 'run', operands: ['--help'] }],
  // An option's argument is the next word, whatever it looks like.
  [['-p', '--help', 'cmd'], { action: 'run', pidfile: '--help', operands: ['cmd'] }],
  [['-p', '-x', 'cmd'], { action: 'run', pidfile: '-x', operands: ['cmd'] }],
  [['-p-x', 'cmd'], { action: 'run', pidfile: '-x', operands: ['cmd'] }],
  [['-p', '--', 'cmd'], { action: 'run', pidfile: '--', operands: ['cmd'] }],
  [['--pidfile=', 'cmd'], { action: 'run', pidfile: '', operands: ['cmd'] }],
  [['--pi', 'a.pid', '--out=log', 'cmd', 'arg'], { action: 'run', pidfile: 'a.pid', output: 'log', operands: ['cmd', 'arg'] }],
  [['-hpfile'], { action: 'help' }],
  [['-oa', '-ob', 'cmd'], { action: 'run', output: 'b', operands: ['cmd'] }],
  [['-p', 'x', '--version', 'cmd'], { action: 'version' }],
];

describe('readCommandLine reads as getopt_long does', () => {
  for (const [words, expected] of cases) {
    it(JSON.stringify(words), () => assert.deepEqual(readCommandLine(words), expected));
  }
});
