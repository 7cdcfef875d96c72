import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SUPERVISOR_COMMANDS } from '../../src/cli/commands/supervisor';
import { ROOT } from '../helpers/paths';

interface Launcher {
  plainSupervisorCall(words: string[]): { configFile: string; verb: string; operands: string[] } | null;
  CTL_VERBS: Set<string>;
}
const launcher = require(path.join(ROOT, 'bin', 'launch.js')) as Launcher;

describe('bin/launch.js: the plain supervisor call goes straight to dist/tdaemon-ctl.js', () => {
  it('knows every verb of that bundle, and only those', () => {
    const bundled = SUPERVISOR_COMMANDS.map((verb) => verb.name).filter((name) => name !== 'supervise');
    assert.deepEqual([...launcher.CTL_VERBS].sort(), bundled.sort());
  });

  const table: Array<[string[], ReturnType<Launcher['plainSupervisorCall']>]> = [
    [['-c', 'f.conf', 'status'], { configFile: 'f.conf', verb: 'status', operands: [] }],
    [['--config', 'f.conf', 'stop', 'a', 'g:*'], { configFile: 'f.conf', verb: 'stop', operands: ['a', 'g:*'] }],
    [['--config=f.conf', 'signal', 'HUP', 'all'], { configFile: 'f.conf', verb: 'signal', operands: ['HUP', 'all'] }],
    [['-c', '/a b/f.conf', 'pid', 'x=y'], { configFile: '/a b/f.conf', verb: 'pid', operands: ['x=y'] }],
    // Left to the parser, with its own checks and messages:
    [['-c', 'f.conf', 'status', '--json'], null], // an option
    [['-c', 'f.conf', 'logs', 'web', '-n', '5'], null],
    [['-c', 'f.conf', 'status', '--'], null],
    [['-c', 'f.conf', 'status', '-'], null],
    [['-c', 'f.conf', 'status', ''], null], // an empty word
    [['-c', '', 'status'], null],
    [['--config=', 'status'], null],
    [['-c', '-x', 'status'], null],
    [['-c', 'f.conf'], null], // no verb
    [['-c'], null],
    [['-c', 'f.conf', 'supervise'], null], // another bundle
    [['-c', 'f.conf', 'list'], null], // not a verb of this bundle
    [['-c', 'f.conf', 'bogus'], null], // the parser names the verbs
    [['-cf.conf', 'status'], null],
    [['status', '-c', 'f.conf'], null],
    [['--pidfile', 'p', 'status'], null],
    [['-h'], null],
    [[], null],
  ];
  for (const [words, call] of table) {
    it(`${JSON.stringify(words)} -> ${call ? 'the verbs\' bundle' : 'the parser'}`, () => assert.deepEqual(launcher.plainSupervisorCall(words), call));
  }
});
