import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { planWrite, ROTATE, RotatingLog } from '../../src/os/rotating-log';
import { makeTempDir } from '../helpers/tmp';

/** Lines "line 1\n" … "line N\n", padded so each is WIDTH bytes. */
function numberedLines(from: number, to: number, width = 10): string {
  let text = '';
  for (let n = from; n <= to; n++) text += `${`line ${n}`.padEnd(width - 1, '.')}\n`;
  return text;
}

/** FILE.N … FILE.1, FILE: the whole log, oldest first. */
function readAll(file: string, backups: number): { text: string; files: string[] } {
  const files: string[] = [];
  for (let n = backups; n >= 1; n--) if (fs.existsSync(`${file}.${n}`)) files.push(fs.readFileSync(`${file}.${n}`, 'utf8'));
  files.push(fs.readFileSync(file, 'utf8'));
  return { text: files.join(''), files };
}

describe('planWrite: where the next write stops', () => {
  const cases: Array<[string, string, number, number, number, boolean, boolean, number]> = [
    // name, chunk, start, room, slack, atLineStart, empty, expected
    ['all fits', 'ab\ncd\n', 0, 100, 200, true, false, 6],
    ['no limit', 'ab\ncd\n', 0, Infinity, Infinity, true, false, 6],
    ['cut at the last newline that fits', 'ab\ncd\nef\n', 0, 7, 20, true, false, 6],
    ['cut from a later start', 'xxab\ncd\nef\n', 2, 7, 20, true, false, 8],
    ['no whole line fits: rotate', 'abcdef\n', 0, 3, 20, true, false, ROTATE],
    ['full file: rotate', 'ab\n', 0, 0, 20, true, false, ROTATE],
    ['over-full file: rotate', 'ab\n', 0, -5, 10, true, false, ROTATE],
    ['an open line is finished first', 'cd\nef\n', 0, 0, 20, false, false, 3],
    ['an open line without its newline is written through', 'cdef', 0, 0, 20, false, false, 4],
    ['an open line to finish before a reopen, no limit', 'cdef\ngh\n', 0, 0, Infinity, false, false, 5],
    ['an open line is cut where the slack ends', 'cdefgh\n', 0, 0, 4, false, false, 4],
    ['an open line past the slack: rotate', 'gh\n', 0, -10, 0, false, false, ROTATE],
    ['an overlong line in an empty file is written whole', 'abcdefgh\nij\n', 0, 4, 10, true, true, 9],
    ['an overlong line without its end yet', 'abcdefgh', 0, 4, 8, true, true, 8],
    ['an overlong line longer than the slack is cut', 'abcdefghij\n', 0, 4, 8, true, true, 8],
    ['room for the first line of an empty file', 'ab\ncdefgh\n', 0, 4, 8, true, true, 3],
  ];
  for (const [name, chunk, start, room, slack, atLineStart, empty, expected] of cases) {
    it(name, () => assert.equal(planWrite(Buffer.from(chunk), start, room, slack, atLineStart, empty), expected));
  }
});

describe('RotatingLog', () => {
  it('rotates at line boundaries and keeps every line across the backups', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 95, backups: 20 });
    const input = numberedLines(1, 100);
    // odd chunk sizes, so chunk ends fall inside lines
    for (let at = 0; at < input.length; at += 37) log.write(Buffer.from(input.slice(at, at + 37)));
    await log.close();
    const { text, files } = readAll(file, 20);
    assert.equal(text, input);
    // A chunk that ends inside a line is written through at once; that line
    // is then finished in its file, which may so exceed maxBytes by one line.
    for (const content of files) {
      assert.ok(content.length <= 95 + 10, `a file of ${content.length} bytes`);
      assert.ok(content.endsWith('\n'), `a file ends inside a line: ${JSON.stringify(content.slice(-12))}`);
    }
    assert.ok(files.length >= 10, `${files.length} files`);
  });

  it('keeps only BACKUPS rotated files, and drops the oldest', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 100, backups: 3 });
    log.write(Buffer.from(numberedLines(1, 60)));
    await log.close();
    assert.ok(!fs.existsSync(`${file}.4`));
    const { text, files } = readAll(file, 3);
    assert.equal(files.length, 4);
    assert.equal(text, numberedLines(21, 60)); // four files of ten lines: the newest 40
  });

  it('with no backups, a full file is emptied in place (as supervisor does)', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 50, backups: 0 });
    log.write(Buffer.from(numberedLines(1, 12)));
    await log.close();
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['app.log']);
    assert.equal(fs.readFileSync(file, 'utf8'), numberedLines(11, 12));
  });

  it('maxBytes 0 never rotates', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 0, backups: 5 });
    log.write(Buffer.from(numberedLines(1, 500)));
    await log.close();
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['app.log']);
    assert.equal(fs.readFileSync(file, 'utf8'), numberedLines(1, 500));
  });

  it('writes a line longer than maxBytes whole, in a file of its own', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 30, backups: 5 });
    const long = `${'x'.repeat(55)}\n`;
    log.write(Buffer.from('short 1\n'));
    log.write(Buffer.from(long.slice(0, 40)));
    log.write(Buffer.from(long.slice(40)));
    log.write(Buffer.from('short 2\n'));
    await log.close();
    assert.equal(fs.readFileSync(`${file}.2`, 'utf8'), 'short 1\n');
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), long);
    assert.equal(fs.readFileSync(file, 'utf8'), 'short 2\n');
  });

  it('cuts output without newlines every 2 x maxBytes, so rotation still bounds the disk', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 100, backups: 3 });
    for (let n = 0; n < 10; n++) log.write(Buffer.from('\r progress'.repeat(10))); // 10 x 100 bytes
    await log.close();
    const sizes = ['.3', '.2', '.1', ''].map((suffix) => fs.statSync(`${file}${suffix}`).size);
    assert.deepEqual(sizes, [200, 200, 200, 200]); // five files of 200 bytes; the oldest fell off
  });

  it('a partial line at the end of a chunk stays in its file until its newline; bytes are written through', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 20, backups: 2 });
    const written = (chunk: string): Promise<void> => new Promise((resolve) => log.write(Buffer.from(chunk), resolve));
    await written('0123456789abcdef\npar');
    // written through at once, although the file is over its limit: nothing waits in memory
    assert.equal(fs.readFileSync(file, 'utf8'), '0123456789abcdef\npar');
    await written('tial line\nnext\n');
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), '0123456789abcdef\npartial line\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'next\n');
    await written('tail');
    await log.close();
    assert.equal(fs.readFileSync(file, 'utf8'), 'next\ntail');
  });

  it('continues an existing file: counts its size and finishes its open line first', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    fs.writeFileSync(file, 'old line\nhalf');
    const log = new RotatingLog(file, { maxBytes: 16, backups: 1 });
    log.write(Buffer.from(' done\nnew\n'));
    await log.close();
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'old line\nhalf done\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new\n');
  });

  it('copies a readable to its end, pausing it while writing', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 4000, backups: 50 });
    const source = new PassThrough({ highWaterMark: 1024 });
    const copied = log.copyFrom(source);
    const input = numberedLines(1, 10000);
    for (let at = 0; at < input.length; at += 777) {
      if (!source.write(input.slice(at, at + 777))) await new Promise((resolve) => source.once('drain', resolve));
    }
    source.end();
    await copied;
    await log.close();
    const { text, files } = readAll(file, 50);
    assert.equal(text, input);
    assert.ok(files.length >= 24, `${files.length} files`);
    for (const content of files) assert.ok(content.endsWith('\n') && content.length <= 4000 + 10);
  });

  it('writeBorrowed() writes before it returns, rotating as write() does: the caller may reuse its buffer at once', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 95, backups: 20 });
    const input = numberedLines(1, 100);
    const reused = Buffer.alloc(37);
    for (let at = 0; at < input.length; at += 37) {
      const length = reused.write(input.slice(at, at + 37));
      log.writeBorrowed(reused.subarray(0, length));
      reused.fill(0x2a); // what a later read would do to the shared buffer
    }
    await log.close();
    const { text, files } = readAll(file, 20);
    assert.equal(text, input);
    for (const content of files) assert.ok(content.endsWith('\n'));
  });

  it('writeBorrowed() during a write (from a done callback) keeps a copy for its turn', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 0, backups: 0 });
    const reused = Buffer.from('two\n');
    log.write(Buffer.from('one\n'), () => {
      log.writeBorrowed(reused);
      reused.write('XXX\n');
    });
    await log.close();
    assert.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\n');
  });

  it('reopen() starts a new file after an external rename, at a line boundary', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 0, backups: 0 });
    const written = (chunk: string): Promise<void> => new Promise((resolve) => log.write(Buffer.from(chunk), resolve));
    await written('one\ntw');
    fs.renameSync(file, `${file}.1`); // logrotate's create
    fs.writeFileSync(file, '');
    log.reopen();
    await written('o\nthree\n');
    await log.close();
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'one\ntwo\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'three\n');
  });

  it('a reopen waiting for the end of a line happens when its source ends without one', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 0, backups: 0 });
    const source = new PassThrough();
    const copied = log.copyFrom(source);
    source.write('one\nunfinished');
    await new Promise((resolve) => setImmediate(resolve));
    fs.renameSync(file, `${file}.1`);
    log.reopen();
    source.end();
    await copied;
    log.write(Buffer.from('next\n'));
    await log.close();
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'one\nunfinished');
    assert.equal(fs.readFileSync(file, 'utf8'), 'next\n');
  });

  it('a failing source is reported and its copy ends; what came before is kept', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const errors: string[] = [];
    const log = new RotatingLog(file, { maxBytes: 0, backups: 0, onError: (error) => errors.push(error.message) });
    const source = new PassThrough();
    const copied = log.copyFrom(source);
    source.write('kept\n');
    await new Promise((resolve) => setImmediate(resolve));
    source.destroy(new Error('pipe broke'));
    await copied;
    await log.close();
    log.write(Buffer.from('after close\n'));
    assert.deepEqual(errors, ['pipe broke']);
    assert.equal(fs.readFileSync(file, 'utf8'), 'kept\n');
  });

  it('clear() removes the file and starts an empty one; the backups stay', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 10, backups: 2 });
    const written = (chunk: string): Promise<void> => new Promise((resolve) => log.write(Buffer.from(chunk), resolve));
    await written('aaaaaaaa\nbbbbbbbb\n');
    log.clear();
    await written('after\n');
    await log.close();
    assert.equal(fs.readFileSync(`${file}.1`, 'utf8'), 'aaaaaaaa\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'after\n');
  });

  it('reports ENOSPC through onError, once per run of failures, and never throws', async () => {
    const errors: string[] = [];
    const log = new RotatingLog('/dev/full', { maxBytes: 0, backups: 0, onError: (error) => errors.push(error.code ?? '?') });
    for (let n = 0; n < 5; n++) log.write(Buffer.from('line\n'));
    await log.close();
    assert.deepEqual(errors, ['ENOSPC']);
  });

  it('reports a missing directory through onError, and tries again at the next write', async (t) => {
    const dir = path.join(makeTempDir(t), 'later');
    const errors: string[] = [];
    const log = new RotatingLog(path.join(dir, 'app.log'), { maxBytes: 100, backups: 1, onError: (error) => errors.push(error.code ?? '?') });
    const written = (chunk: string): Promise<void> => new Promise((resolve) => log.write(Buffer.from(chunk), resolve));
    await written('lost\n');
    fs.mkdirSync(dir);
    await written('kept\n');
    await log.close();
    assert.deepEqual(errors, ['ENOENT']);
    assert.equal(fs.readFileSync(path.join(dir, 'app.log'), 'utf8'), 'kept\n');
  });
});
