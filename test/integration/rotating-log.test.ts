import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { followFile } from '../../src/os/follow-file';
import { RotatingLog } from '../../src/os/rotating-log';
import { fixture, ROOT } from '../helpers/paths';
import { Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const MODULE = path.join(ROOT, 'build', 'src', 'os', 'rotating-log.js');

describe('RotatingLog with real processes', () => {
  it('keeps every line of a child writing through a pipe, across rotations', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const log = new RotatingLog(file, { maxBytes: 64 * 1024, backups: 100 });
    // 100000 lines of 12 bytes, in writes of every size the shell makes
    const child = spawn('/bin/sh', ['-c', 'seq -f "line %06g" 1 100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await log.copyFrom(child.stdout);
    await log.close();
    const parts: string[] = [];
    for (let n = 100; n >= 1; n--) if (fs.existsSync(`${file}.${n}`)) parts.push(fs.readFileSync(`${file}.${n}`, 'utf8'));
    parts.push(fs.readFileSync(file, 'utf8'));
    const lines = parts.join('').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 100000);
    lines.forEach((line, index) => assert.equal(line, `line ${String(index + 1).padStart(6, '0')}`));
    for (const part of parts) assert.ok(part.endsWith('\n'), 'a file ends inside a line');
  });

  it('followFile shows every line of a log that RotatingLog rotates under it, once, in order', async (t) => {
    const file = path.join(makeTempDir(t), 'app.log');
    const count = 6000;
    const log = new RotatingLog(file, { maxBytes: 8 * 1024, backups: 100 }); // a rotation about every 0.5 s
    const chunks: Buffer[] = [];
    const controller = new AbortController();
    const following = followFile(file, { onData: (bytes) => void chunks.push(bytes), signal: controller.signal });
    const reaper = new Reaper();
    t.after(async () => {
      controller.abort();
      await following;
      await reaper.reap();
    });
    const child = spawn(process.execPath, [fixture('numbered-writer.js'), '-', 'keep', '2000', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    reaper.track(child.pid);
    await log.copyFrom(child.stdout);
    await log.close();
    const expected = Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join('');
    await waitFor(() => Buffer.concat(chunks).length >= expected.length || null, 'the follower to see the last line', 10000, 5);
    assert.equal(Buffer.concat(chunks).toString(), expected);
    assert.ok(fs.existsSync(`${file}.5`), 'too few rotations to mean anything');
  });

  it('past RLIMIT_FSIZE: EFBIG goes to onError once, and the host lives on', async (t) => {
    const dir = makeTempDir(t);
    // The host as the watchdog or supervisor would be: a plain node process
    // (which ignores SIGXFSZ), its file size limited to 4096 bytes.
    const script = `
      const { RotatingLog } = require(${JSON.stringify(MODULE)});
      const errors = [];
      const log = new RotatingLog(process.argv[1], { maxBytes: 0, backups: 0, onError: (e) => errors.push(e.code) });
      for (let n = 0; n < 100; n++) log.write(Buffer.from('x'.repeat(99) + '\\n'));
      log.close().then(() => console.log(JSON.stringify(errors)));
    `;
    const file = path.join(dir, 'app.log');
    const result = await run('prlimit', ['--fsize=4096', process.execPath, '-e', script, file]);
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ['EFBIG']);
    assert.equal(fs.statSync(file).size, 4096); // the write that reached the limit was partly done
  });

  it('rotation keeps a log under RLIMIT_FSIZE working', async (t) => {
    const dir = makeTempDir(t);
    const script = `
      const { RotatingLog } = require(${JSON.stringify(MODULE)});
      const errors = [];
      const log = new RotatingLog(process.argv[1], { maxBytes: 4000, backups: 3, onError: (e) => errors.push(e.code) });
      for (let n = 0; n < 100; n++) log.write(Buffer.from('x'.repeat(99) + '\\n'));
      log.close().then(() => console.log(JSON.stringify(errors)));
    `;
    const file = path.join(dir, 'app.log');
    const result = await run('prlimit', ['--fsize=4096', process.execPath, '-e', script, file]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
    assert.equal(fs.statSync(file).size, 2000);
  });
});
