import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Options } from 'yargs';
import { parseWords, splitShortOptions, UsageProblem } from '../../src/cli/parse-words';

const OPTIONS: Record<string, Options> = {
  pidfile: { type: 'string', alias: 'p' },
  output: { type: 'string', alias: 'o' },
  help: { type: 'boolean', alias: 'h' },
  follow: { type: 'boolean', alias: 'f' },
};

describe('splitShortOptions: short options as getopt reads them', () => {
  const table: Array<[string[], string[]]> = [
    [['-pa.pid', 'cmd'], ['-p', 'a.pid', 'cmd']],
    [['-p', 'a.pid', 'cmd'], ['-p', 'a.pid', 'cmd']],
    [['-hpx', 'cmd'], ['-h', '-p', 'x', 'cmd']],
    [['-fp', 'x', 'cmd'], ['-f', '-p', 'x', 'cmd']],
    [['-p', '-o', 'cmd'], ['-p', '-o', 'cmd']], // left as they are: the parser then says -p lacks a value
    [['--pidfile', '-ofile', 'cmd'], ['--pidfile', '-ofile', 'cmd']],
    [['--pidfile=-ofile', 'cmd', '-pX'], ['--pidfile=-ofile', 'cmd', '-pX']],
    [['cmd', '-pX'], ['cmd', '-pX']],
    [['--', '-pX'], ['--', '-pX']],
    [['-', '-pX'], ['-', '-pX']],
    [['-p'], ['-p']],
    [['-xyz', 'cmd'], ['-x', '-y', '-z', 'cmd']],
  ];
  for (const [words, expected] of table) {
    it(`${JSON.stringify(words)} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(splitShortOptions(words, OPTIONS), expected);
    });
  }
});

describe('parseWords', () => {
  it('takes the rest of a short option word as its value, and stops at the command', () => {
    const parsed = parseWords(['-pa.pid', '-o/tmp/out', 'ls', '-la', '-pX'], OPTIONS);
    assert.equal(parsed.pidfile, 'a.pid');
    assert.equal(parsed.output, '/tmp/out');
    assert.deepEqual(parsed.operands, ['ls', '-la', '-pX']);
  });

  it('names an unknown letter in a group, and a missing value', () => {
    assert.throws(() => parseWords(['-hx', 'cmd'], OPTIONS), (e: unknown) => e instanceof UsageProblem && e.message === "unrecognized option '-x'");
    assert.throws(() => parseWords(['-p'], OPTIONS), (e: unknown) => e instanceof UsageProblem && e.message === "option '-p' requires an argument");
  });
});
