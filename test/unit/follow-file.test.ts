import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { followFile } from '../../src/os/follow-file';
import { waitFor } from '../helpers/processes';
import { makeTempDir } from '../helpers/tmp';

/** A follower of FILE started for one test, aborted when it ends. */
function follow(t: TestContext, file: string, fromOffset = 0): { text: () => string; notices: string[]; done: Promise<void>; abort: () => void } {
  const chunks: Buffer[] = [];
  const notices: string[] = [];
  const controller = new AbortController();
  const done = followFile(file, {
    fromOffset,
    onData: (bytes) => void chunks.push(bytes),
    onNotice: (text) => void notices.push(text),
    signal: controller.signal,
  });
  t.after(async () => {
    controller.abort();
    await done;
  });
  return { text: () => Buffer.concat(chunks).toString(), notices, done, abort: () => controller.abort() };
}

function until(check: () => boolean, what: string): Promise<true> {
  return waitFor(() => check() || null, what, 5000, 5) as Promise<true>;
}

describe('followFile', () => {
  it('reads from the offset, then what is appended', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'old\nseen\n');
    const f = follow(t, file, 4);
    await until(() => f.text() === 'seen\n', 'the start');
    fs.appendFileSync(file, 'one\n');
    fs.appendFileSync(file, 'two\n');
    await until(() => f.text() === 'seen\none\ntwo\n', 'the appended lines');
    assert.deepEqual(f.notices, []);
  });

  it('reads a renamed file to its end, and keeps reading it until the new file has bytes', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'a\n');
    const f = follow(t, file);
    await until(() => f.text() === 'a\n', 'the first line');
    const writer = fs.openSync(file, 'a'); // a writer that reopens only when told (logrotate create + postrotate)
    fs.writeSync(writer, 'b\n');
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, '');
    await until(() => f.notices.length > 0, 'the replacement notice');
    fs.writeSync(writer, 'c\n'); // still into the renamed file
    await until(() => f.text() === 'a\nb\nc\n', 'the late line of the old file');
    fs.closeSync(writer);
    fs.appendFileSync(file, 'd\n'); // the writer reopened
    await until(() => f.text() === 'a\nb\nc\nd\n', 'the new file');
    assert.deepEqual(f.notices, [`${file} has been replaced; following the new file`]);
  });

  it('reads a truncated file again from its start', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'one\ntwo\n');
    const f = follow(t, file);
    await until(() => f.text() === 'one\ntwo\n', 'the first lines');
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'three\n');
    await until(() => f.text() === 'one\ntwo\nthree\n', 'the line after the truncation');
    assert.deepEqual(f.notices, [`${file}: file truncated; reading it from the start`]);
  });

  it('after a copytruncate, reads what only the copy holds before reading the file from its start', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'one\ntwo\n');
    const f = follow(t, file);
    await until(() => f.text() === 'one\ntwo\n', 'the first lines');
    // an older copy that starts alike is not taken for it, whatever the order of the directory
    for (const old of ['.0', '.2']) {
      fs.writeFileSync(`${file}${old}`, 'one\ntwo\nthree\nolder copy\n');
      fs.utimesSync(`${file}${old}`, new Date(Date.now() - 60000), new Date(Date.now() - 60000));
    }
    fs.appendFileSync(file, 'three\nfour\n'); // in one go, before the follower can run:
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'five\n');
    await until(() => f.text().endsWith('five\n'), 'the line after the truncation');
    assert.equal(f.text(), 'one\ntwo\nthree\nfour\nfive\n');
    assert.deepEqual(f.notices, [`${file}: file truncated; read the rest of its old content from ${file}.1, reading it from the start`]);
  });

  it('tells a truncated file that grew back past our position before we looked', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'first\n');
    const f = follow(t, file);
    await until(() => f.text() === 'first\n', 'the first line');
    // in one go, before the follower can run: a size check alone would miss it
    fs.writeFileSync(file, 'rewritten, and longer\n');
    await until(() => f.text().length >= 'first\nrewritten, and longer\n'.length, 'the rewritten file');
    assert.equal(f.text(), 'first\nrewritten, and longer\n');
  });

  it('waits for a file that vanished, and follows it when it reappears', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'one\n');
    const f = follow(t, file);
    await until(() => f.text() === 'one\n', 'the first line');
    fs.unlinkSync(file);
    await until(() => f.notices.length === 1, 'the notice that it has gone');
    fs.writeFileSync(file, 'two\n');
    await until(() => f.text() === 'one\ntwo\n', 'the new file');
    assert.match(f.notices[0], /has gone/);
    assert.match(f.notices[1], /has appeared/);
  });

  it('waits for a file that does not exist yet', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const f = follow(t, file, 100);
    await until(() => f.notices.length === 1, 'the notice');
    fs.writeFileSync(file, 'hello\n');
    await until(() => f.text() === 'hello\n', 'the file');
    assert.match(f.notices[1], /has appeared/);
  });

  it('ends when aborted, closing what it opened', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'x\n');
    const before = fs.readdirSync('/proc/self/fd').length;
    const f = follow(t, file);
    await until(() => f.text() === 'x\n', 'the line');
    f.abort();
    await f.done;
    assert.equal(fs.readdirSync('/proc/self/fd').length, before);
  });

  it('waits for a slow consumer (backpressure), losing nothing', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const expected = Array.from({ length: 20000 }, (_, n) => `line ${n}\n`).join('');
    fs.writeFileSync(file, expected);
    let text = '';
    const controller = new AbortController();
    const done = followFile(file, {
      onData: async (bytes) => {
        await new Promise((resolve) => setImmediate(resolve));
        text += bytes.toString();
      },
      signal: controller.signal,
    });
    t.after(() => controller.abort());
    await until(() => text.length === expected.length, 'the whole file');
    assert.equal(text, expected);
    controller.abort();
    await done;
  });
});
