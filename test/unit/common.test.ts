import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lookupCommand } from '../../src/common/command-path';
import { isAlive, readProcStat } from '../../src/common/proc';
import { quoteName } from '../../src/common/quote';
import { parseSignal } from '../../src/common/signals';
import { sha256Hex } from '../../src/common/sha256';
import { VERSION } from '../../src/common/version';
import { ROOT } from '../helpers/paths';
import { waitFor } from '../helpers/processes';
import { makeTempDir } from '../helpers/tmp';

describe('common pieces', () => {
  it('VERSION matches package.json', () => {
    assert.equal(VERSION, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('sha256Hex gives node:crypto\'s digest, at every padding boundary and for any UTF-8', () => {
    const texts = ['', 'abc', '/etc/supervisor/supervisord.conf', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(119), 'é☃𝄞'.repeat(40)];
    for (const text of texts) assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'), `${text.length} characters`);
  });

  it('quoteName quotes like GNU quoteaf', () => {
    assert.equal(quoteName('nohup.out'), "'nohup.out'");
    assert.equal(quoteName("it's"), `'it'\\''s'`);
  });

  it('parseSignal accepts names, short names and numbers', () => {
    for (const text of ['TERM', 'SIGTERM', 'term', '15']) assert.equal(parseSignal(text), 'SIGTERM');
    assert.equal(parseSignal('HUP'), 'SIGHUP');
    assert.equal(parseSignal('NOPE'), null);
    assert.equal(parseSignal('99'), null);
  });

  it('lookupCommand follows execvp: PATH order, not-runnable files, directories', (t) => {
    const dir = makeTempDir(t);
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'tool'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(b, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(a, 'dironly'));
    assert.deepEqual(lookupCommand('tool', `${a}:${b}`, dir), { found: true, file: path.join(b, 'tool') });
    assert.deepEqual(lookupCommand('tool', a, dir), { found: false, errno: 'EACCES' });
    assert.deepEqual(lookupCommand('dironly', a, dir), { found: false, errno: 'EACCES' });
    assert.deepEqual(lookupCommand('missing', `${a}:${b}`, dir), { found: false, errno: 'ENOENT' });
    assert.deepEqual(lookupCommand('./b/tool', '', dir), { found: true, file: path.join(b, 'tool') });
    assert.deepEqual(lookupCommand('', a, dir), { found: false, errno: 'ENOENT' });
    assert.deepEqual(lookupCommand('tool', `:${b}`, b), { found: true, file: path.join(b, 'tool') });
  });

  it('counts a zombie as dead although kill(pid, 0) succeeds on it', async () => {
    // The shell forks a short sleep, then execs a long one that never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
      await waitFor(() => readProcStat(zombie)?.state === 'Z', 'the child to become a zombie');
      assert.doesNotThrow(() => process.kill(zombie, 0));
      assert.equal(isAlive(zombie), false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('readProcStat reads fields after a process name with spaces and parentheses', async (t) => {
    const dir = makeTempDir(t);
    const odd = path.join(dir, 'a) b (c');
    fs.copyFileSync('/bin/sleep', odd);
    fs.chmodSync(odd, 0o755);
    const child = spawn(odd, ['30'], { stdio: 'ignore' });
    try {
      await waitFor(() => readProcStat(child.pid!)?.startTicks, 'the process to appear');
      const stat = readProcStat(child.pid!)!;
      assert.equal(stat.ppid, process.pid);
      assert.match(stat.startTicks, /^\d+$/);
      assert.ok(isAlive(child.pid!));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
