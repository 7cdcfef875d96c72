import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { PIDFILE_VARIABLE, tagMatcher } from '../../src/os/tag';

const PIDFILE = '/run/tdaemon/web.pid';

/** A sleeping process with exactly ENV, ended when the test ends. */
async function sleeperWith(t: { after(fn: () => void): void }, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn('sleep', ['1000'], { env, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child;
}

describe("the daemon's tag in a process's environment", () => {
  const filler = (size: number) => 'x'.repeat(size);
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['the tag alone', { [PIDFILE_VARIABLE]: PIDFILE }, true],
    ['first of several', { [PIDFILE_VARIABLE]: PIDFILE, A: 'a', B: 'b' }, true],
    ['last, after 200 KiB of others (more than one read)', { A: filler(100_000), B: filler(100_000), [PIDFILE_VARIABLE]: PIDFILE }, true],
    ['straddling 64 KiB', { A: filler(65_536 - 30), [PIDFILE_VARIABLE]: PIDFILE }, true],
    ["another daemon's pidfile", { [PIDFILE_VARIABLE]: `${PIDFILE}.old` }, false],
    ['a longer path that starts with it', { [PIDFILE_VARIABLE]: `${PIDFILE}x` }, false],
    ['inside another variable', { OTHER: `${PIDFILE_VARIABLE}=${PIDFILE}` }, false],
    ['none', { A: 'a' }, false],
  ];
  for (const [name, env, expected] of cases) {
    it(`${expected ? 'is found' : 'is not found'}: ${name}`, async (t) => {
      const child = await sleeperWith(t, env);
      assert.equal(tagMatcher(PIDFILE)(child.pid!), expected);
    });
  }

  it('is not found in a process that is gone', () => assert.equal(tagMatcher(PIDFILE)(2 ** 22 + 1), false));
});
