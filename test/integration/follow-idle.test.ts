import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ROOT } from '../helpers/paths';
import { procStatusField, Reaper, sleep, waitFor } from '../helpers/processes';
import { makeTempDir } from '../helpers/tmp';

const MODULE = path.join(ROOT, 'build', 'src', 'os', 'follow-file.js');

/** A node process following FILE, printing what it reads and its notices; ended by pid. */
function startFollower(t: TestContext, file: string): { pid: number; output: () => string } {
  const script = `
    const { followFile } = require(${JSON.stringify(MODULE)});
    followFile(process.argv[1], {
      onData: (bytes) => process.stdout.write(bytes),
      onNotice: (text) => process.stdout.write('notice: ' + text + '\\n'),
    });
  `;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reaper = new Reaper();
  reaper.track(child.pid);
  t.after(() => reaper.reap());
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { pid: child.pid!, output: () => output };
}

/** How often the process's main thread went to sleep and was woken again. */
function wakeUps(pid: number): number {
  return Number(procStatusField(pid, 'voluntary_ctxt_switches'));
}

describe('followFile when nothing happens', () => {
  it('an idle follower is never woken up (inotify, no polling)', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'first\n');
    const follower = startFollower(t, file);
    await waitFor(() => follower.output() === 'first\n', 'the first line');
    // start-up work (compilation, GC) settles first: two samples alike
    let last = -1;
    const before = await waitFor(() => {
      const now = wakeUps(follower.pid);
      const settled = now === last;
      last = now;
      return settled ? now + 1 : null; // +1: zero would read as "not yet"
    }, 'the follower to settle', 5000, 250) - 1;
    await sleep(3000); // a window to count in, not a wait for something: a 1 s poll would wake 3 times
    const after = wakeUps(follower.pid);
    assert.ok(after - before <= 1, `woken ${after - before} times in 3 s`);
    fs.appendFileSync(file, 'second\n');
    await waitFor(() => follower.output() === 'first\nsecond\n', 'the appended line');
  });

  it('where inotify cannot watch (no such directory yet), it checks every second', async (t) => {
    const dir = path.join(makeTempDir(t), 'later');
    const file = path.join(dir, 'app.log');
    const follower = startFollower(t, file);
    await waitFor(() => follower.output().includes('does not exist (yet)'), 'the notice that it waits');
    assert.match(follower.output(), /checking it every second/);
    fs.mkdirSync(dir);
    fs.writeFileSync(file, 'hello\n');
    await waitFor(() => follower.output().endsWith('hello\n'), 'the line', 5000);
    assert.match(follower.output(), /has appeared; following it/);
  });
});
