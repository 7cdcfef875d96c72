import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { followFile } from '../../src/os/follow-file';
import { fixture } from '../helpers/paths';
import { Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

/*
 * followFile against the real logrotate (Debian's package, installed by
 * .ci/run) while a writer appends numbered lines, beside GNU tail -F on the
 * same file.
 *
 * What "loses nothing" can mean with copytruncate: logrotate copies the file
 * to FILE.1 and then truncates it, and a line written between its copy and
 * its truncation is in no file at all: logrotate itself lost it, and no
 * follower can be blamed. So the lines a follower must show are those that
 * exist in some file afterwards (the union of FILE.1 to FILE.5 and FILE);
 * it may show more (a line it read before logrotate's truncation dropped
 * it), and what it shows must be in order, each line once. With create,
 * nothing is ever dropped, so every line written must be shown, exactly.
 */

const WRITER = fixture('numbered-writer.js');
/** /usr/sbin may be missing from an ordinary user's PATH. */
const LOGROTATE = fs.existsSync('/usr/sbin/logrotate') ? '/usr/sbin/logrotate' : 'logrotate';
const ROTATIONS = 5;

interface Followers {
  ours: () => number[];
  notices: string[];
  tail: () => number[];
}

/** Line numbers in TEXT, in order; a line that is not "line N" fails the test. */
function numbers(text: string): number[] {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'the output ends inside a line');
  return lines.map((line) => {
    const match = /^line (\d+)$/.exec(line);
    assert.ok(match, `a mangled line: ${JSON.stringify(line)}`);
    return Number(match[1]);
  });
}

function assertInOrderOnce(seen: number[], who: string): void {
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `${who}: line ${seen[i]} after line ${seen[i - 1]}`);
}

/** Starts our follower and GNU tail -F on FILE; both are ended when the test ends. */
function startFollowers(t: TestContext, file: string, reaper: Reaper): Followers {
  const ours: Buffer[] = [];
  const controller = new AbortController();
  const notices: string[] = [];
  const done = followFile(file, { onData: (bytes) => void ours.push(bytes), onNotice: (text) => void notices.push(text), signal: controller.signal });
  let tailText = '';
  const tail = spawn('tail', ['-n', '+1', '-F', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  reaper.track(tail.pid);
  tail.stdout.setEncoding('utf8').on('data', (chunk: string) => (tailText += chunk));
  t.after(async () => {
    controller.abort();
    await done;
    await reaper.reap();
  });
  const complete = (text: string): string => text.slice(0, text.lastIndexOf('\n') + 1);
  return {
    ours: () => numbers(complete(Buffer.concat(ours).toString())),
    notices,
    tail: () => numbers(complete(tailText)),
  };
}

async function rotateWhileWriting(t: TestContext, options: { method: 'copytruncate' | 'create'; rate: number; count: number }): Promise<{ followers: Followers; inFiles: Set<number>; dir: string }> {
  const dir = makeTempDir(t);
  const file = path.join(dir, 'app.log');
  const reaper = new Reaper();
  fs.writeFileSync(file, '');
  const followers = startFollowers(t, file, reaper);
  const writer = spawn(process.execPath, [WRITER, file, options.method === 'create' ? 'hup' : 'keep', String(options.rate), String(options.count)], { stdio: 'ignore' });
  reaper.track(writer.pid);
  const writerDone = new Promise<number | null>((resolve) => writer.once('exit', resolve));
  const conf = path.join(dir, 'logrotate.conf');
  fs.writeFileSync(
    conf,
    `${file} {\n  ${options.method}\n  rotate ${ROTATIONS + 1}\n  nocompress\n  missingok\n` +
      (options.method === 'create' ? `  postrotate\n    kill -HUP ${writer.pid}\n  endscript\n` : '') +
      '}\n',
  );
  for (let n = 1; n <= ROTATIONS; n++) {
    // spread over the run by the writer's progress, as our follower sees it
    const due = Math.floor((n * options.count) / (ROTATIONS + 1));
    await waitFor(() => followers.ours().at(-1)! >= due || null, `line ${due}`, 10000, 5);
    const result = await run(LOGROTATE, ['-f', '-s', path.join(dir, 'state'), conf]);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(await writerDone, 0);
  await waitFor(() => followers.ours().at(-1) === options.count || null, 'our follower to reach the last line', 10000, 5);
  // GNU tail gets the same chance; it is compared, not judged
  await waitFor(() => followers.tail().at(-1) === options.count || null, 'tail -F to reach the last line', 10000, 5).catch(() => {});
  const inFiles = new Set<number>();
  for (const name of fs.readdirSync(dir).filter((name) => name.startsWith('app.log'))) {
    for (const n of numbers(fs.readFileSync(path.join(dir, name), 'utf8'))) inFiles.add(n);
  }
  return { followers, inFiles, dir };
}

describe('followFile through real logrotate runs', () => {
  it('has logrotate to run (Debian\'s logrotate package; .ci/run installs it)', async () => {
    const result = await run(LOGROTATE, ['--version']).catch((error: Error) => ({ code: -1, stderr: error.message }));
    assert.equal(result.code, 0, `logrotate is not installed: ${result.stderr}`);
  });

  for (const rate of [50, 1000]) {
    it(`copytruncate 5 times under a writer of ${rate} lines/s: every line still in a file is shown, once, in order`, async (t) => {
      const count = Math.round(rate * 3);
      const { followers, inFiles } = await rotateWhileWriting(t, { method: 'copytruncate', rate, count });
      const ours = followers.ours();
      assertInOrderOnce(ours, 'ours');
      const shown = new Set(ours);
      const missed = [...inFiles].filter((n) => !shown.has(n));
      const tail = followers.tail();
      const tailShown = new Set(tail);
      t.diagnostic(`logrotate dropped ${count - inFiles.size} of ${count} lines; we missed ${missed.length} (${followers.notices.filter((text) => text.includes('from the start')).length} truncations seen, ${followers.notices.filter((text) => text.includes('rest of its old content')).length} with lines read from the copy); GNU tail -F missed ${[...inFiles].filter((n) => !tailShown.has(n)).length} and showed ${tail.length - tailShown.size} twice`);
      assert.deepEqual(missed, []);
      for (const n of ours) assert.ok(n >= 1 && n <= count);
    });
  }

  it('create + postrotate HUP 5 times under a writer of 50 lines/s: every line is shown, once, in order', async (t) => {
    const count = 150;
    const { followers } = await rotateWhileWriting(t, { method: 'create', rate: 50, count });
    const ours = followers.ours();
    const tail = followers.tail();
    const tailShown = new Set(tail);
    t.diagnostic(`GNU tail -F missed ${count - tailShown.size} lines`);
    assert.deepEqual(ours, Array.from({ length: count }, (_, i) => i + 1));
  });
});
