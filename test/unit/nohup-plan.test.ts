import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noticesFor, planNohup, type TerminalFacts } from '../../src/nohup/plan';

const base: TerminalFacts = {
  stdinIsTerminal: false,
  stdoutIsTerminal: false,
  stderrIsTerminal: false,
  stdoutIsClosed: false,
  home: '/home/u',
};

// [stdin, stdout, stderr terminal?, -o, expected candidates, stdout to file, stderr to stdout, notices]
const table: Array<[boolean, boolean, boolean, string | undefined, string[], boolean, boolean, string[]]> = [
  [false, false, false, undefined, [], false, false, []],
  [true, false, false, undefined, [], false, false, ['ignoring input']],
  [true, true, true, undefined, ['nohup.out', '/home/u/nohup.out'], true, true, ["ignoring input and appending output to 'F'"]],
  [false, true, true, undefined, ['nohup.out', '/home/u/nohup.out'], true, true, ["appending output to 'F'"]],
  [false, true, false, undefined, ['nohup.out', '/home/u/nohup.out'], true, false, ["appending output to 'F'"]],
  [true, false, true, undefined, [], false, true, ['ignoring input and redirecting stderr to stdout']],
  [false, false, true, undefined, [], false, true, ['redirecting stderr to stdout']],
  [false, false, false, 'app.log', ['app.log'], true, false, []],
  [true, false, false, 'app.log', ['app.log'], true, false, ["ignoring input and appending output to 'F'"]],
  [false, true, true, 'app.log', ['app.log'], true, true, ["appending output to 'F'"]],
];

describe('planNohup and noticesFor follow GNU nohup', () => {
  for (const [stdin, stdout, stderr, output, candidates, toFile, errToOut, notices] of table) {
    it(`stdin ${stdin ? 'tty' : '-'}, stdout ${stdout ? 'tty' : '-'}, stderr ${stderr ? 'tty' : '-'}${output ? ', -o' : ''}`, () => {
      const facts = { ...base, stdinIsTerminal: stdin, stdoutIsTerminal: stdout, stderrIsTerminal: stderr, outputOption: output };
      const plan = planNohup(facts);
      assert.equal(plan.ignoreInput, stdin);
      assert.deepEqual(plan.outputCandidates, candidates);
      assert.equal(plan.stdoutToFile, toFile);
      assert.equal(plan.stderrToStdout, errToOut);
      assert.deepEqual(noticesFor(plan, facts, candidates.length ? "'F'" : null), notices);
    });
  }

  it('opens nohup.out for stderr alone when stdout is closed', () => {
    const facts = { ...base, stderrIsTerminal: true, stdoutIsClosed: true };
    const plan = planNohup(facts);
    assert.deepEqual(plan.outputCandidates, ['nohup.out', '/home/u/nohup.out']);
    assert.equal(plan.stdoutToFile, false);
    assert.deepEqual(noticesFor(plan, facts, "'F'"), ["appending output to 'F'", 'redirecting stderr to stdout']);
  });

  it('has no $HOME fallback without HOME', () => {
    assert.deepEqual(planNohup({ ...base, stdoutIsTerminal: true, home: undefined }).outputCandidates, ['nohup.out']);
  });
});
