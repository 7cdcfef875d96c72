import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinHome, noticesFor, planDescriptors, planNohup, type Slot, type TerminalFacts } from '../../src/nohup/plan';

const base: TerminalFacts = {
  stdinIsTerminal: false,
  stdoutIsTerminal: false,
  stderrIsTerminal: false,
  closed: new Set(),
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
    const facts = { ...base, stderrIsTerminal: true, closed: new Set([1]) };
    const plan = planNohup(facts);
    assert.deepEqual(plan.outputCandidates, ['nohup.out', '/home/u/nohup.out']);
    assert.equal(plan.stdoutToFile, false);
    assert.deepEqual(noticesFor(plan, facts, "'F'"), ["appending output to 'F'", 'redirecting stderr to stdout']);
  });

  it('has no $HOME fallback without HOME', () => {
    assert.deepEqual(planNohup({ ...base, stdoutIsTerminal: true, home: undefined }).outputCandidates, ['nohup.out']);
  });

  it('tries nohup.out twice when HOME is empty, as GNU does', () => {
    assert.deepEqual(planNohup({ ...base, stdoutIsTerminal: true, home: '' }).outputCandidates, ['nohup.out', 'nohup.out']);
  });
});

describe('joinHome is gnulib file_name_concat', () => {
  const cases: Array<[string, string]> = [
    ['', 'nohup.out'],
    ['/', '/nohup.out'],
    ['//', '//nohup.out'],
    ['/root', '/root/nohup.out'],
    ['/root/', '/root/nohup.out'],
    ['/root//', '/root/nohup.out'],
    ['rel', 'rel/nohup.out'],
  ];
  for (const [home, joined] of cases) it(`'${home}' gives '${joined}'`, () => assert.equal(joinHome(home), joined));
});

describe('planDescriptors gives the command what GNU nohup gives it', () => {
  // [terminals (0,1,2), closed fds, -o?, file opened?, expected slots]
  const cases: Array<[string, string, boolean, boolean, Slot[]]> = [
    ['---', '', false, false, ['own', 'own', 'own']],
    ['---', '012', false, false, ['closed', 'closed', 'closed']],
    ['ttt', '', false, true, ['unreadable', 'file', 'file']],
    ['--t', '', false, false, ['own', 'own', 'own-stdout']],
    // stdout closed, stderr a terminal: the file is stderr alone, stdout stays closed.
    ['--t', '1', false, true, ['own', 'closed', 'file']],
    ['--t', '01', false, true, ['closed', 'closed', 'file']],
    ['t-t', '1', false, true, ['unreadable', 'closed', 'file']],
    ['-t-', '2', false, true, ['own', 'file', 'closed']],
    ['---', '1', true, true, ['own', 'file', 'own']],
  ];
  for (const [terminals, closed, dashO, opened, slots] of cases) {
    it(`terminals ${terminals}, closed '${closed}'${dashO ? ', -o' : ''}`, () => {
      const facts: TerminalFacts = {
        ...base,
        stdinIsTerminal: terminals[0] === 't',
        stdoutIsTerminal: terminals[1] === 't',
        stderrIsTerminal: terminals[2] === 't',
        closed: new Set([...closed].map(Number)),
        outputOption: dashO ? 'app.log' : undefined,
      };
      const plan = planNohup(facts);
      assert.equal(plan.outputCandidates.length > 0, opened);
      assert.deepEqual(planDescriptors(facts, plan, opened), slots);
    });
  }
});

