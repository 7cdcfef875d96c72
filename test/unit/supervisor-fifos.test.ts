import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fifoPaths } from '../../src/app/supervisor/logs';
import { loadConfig, type ProcessSpec } from '../../src/config';
import { FifoChannel, makeFifos } from '../../src/os/fifo';
import { fakeDeps } from '../helpers/config-fs';

function spec(body: string): ProcessSpec {
  const loaded = loadConfig('/etc/t.conf', fakeDeps({ files: { '/etc/t.conf': `[program:w]\ncommand=/bin/cat\n${body}` }, dirs: ['/logs'] }));
  return loaded.config.groups[0].processes[0];
}

describe('fifoPaths: which channels go through a FIFO (a rotating log), by config', () => {
  const cases: Array<[string, string, string]> = [
    ['stdout_logfile=/logs/o\nstderr_logfile=/logs/e\n', '/p/w.stdout', '/p/w.stderr'],
    ['stdout_logfile=/logs/o\nstdout_logfile_maxbytes=0\nstderr_logfile=/logs/e\n', '', '/p/w.stderr'],
    ['stdout_logfile=/logs/o\nredirect_stderr=true\n', '/p/w.stdout', ''],
    ['stdout_logfile=NONE\nstderr_logfile=NONE\n', '', ''],
    ['stdout_logfile=AUTO\nstderr_logfile_maxbytes=0\n', '/p/w.stdout', ''],
  ];
  for (const [body, stdout, stderr] of cases) {
    it(JSON.stringify(body), () => {
      assert.deepEqual(fifoPaths(spec(body), '/logs', 'supervisor', '/p'), { stdout, stderr });
    });
  }

  it('names a grouped process by its namespec, escaped for a file name', () => {
    const grouped = { ...spec('stdout_logfile=/logs/o\n'), namespec: 'web:w_01' };
    assert.equal(fifoPaths(grouped, '/logs', 'supervisor', '/p').stdout, '/p/web%3Aw_01.stdout');
  });
});

describe('FifoChannel', () => {
  it('keeps a FIFO that is there, reads what a writer left in it, and drains on close', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-fifo-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'x.stdout');
    makeFifos([file]);
    assert.ok(fs.lstatSync(file).isFIFO());
    const ino = fs.lstatSync(file).ino;
    makeFifos([file]);
    assert.equal(fs.lstatSync(file).ino, ino, 'an existing FIFO is kept');
    const chunks: Buffer[] = [];
    // The sink's chunk is a view of a reused buffer: it copies what it keeps.
    const channel = new FifoChannel(file, (chunk) => chunks.push(Buffer.from(chunk)));
    fs.writeSync(channel.writeFd, 'one\n');
    // A second writer, as a run's stdout is: the channel's own write end is not the only one.
    const other = fs.openSync(file, 'w');
    fs.writeSync(other, 'two\n');
    fs.closeSync(other);
    await channel.close();
    assert.equal(Buffer.concat(chunks).toString(), 'one\ntwo\n');
  });

  it('two channels share one read buffer: each chunk is handed over before the next read', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-fifo-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const files = [path.join(dir, 'a.stdout'), path.join(dir, 'b.stdout')];
    makeFifos(files);
    const received = ['', ''];
    const channels = files.map((file, i) => new FifoChannel(file, (chunk) => (received[i] += chunk.toString())));
    const big = (letter: string) => `${letter.repeat(99)}\n`.repeat(2000); // 200 kB: several reads each
    const texts = [big('a'), big('b')];
    // Both written at once from children, so the reads of the two channels interleave.
    const writers = files.map((file) => spawn('sh', ['-c', 'cat > "$1"', 'sh', file], { stdio: ['pipe', 'ignore', 'inherit'] }));
    writers.forEach((writer, i) => writer.stdin.end(texts[i]));
    await Promise.all(writers.map((writer) => new Promise((resolve) => writer.once('exit', resolve))));
    await Promise.all(channels.map((channel) => channel.close()));
    assert.equal(received[0], texts[0]);
    assert.equal(received[1], texts[1]);
  });
});

