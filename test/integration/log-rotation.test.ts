import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it, type TestContext } from 'node:test';
import { fixture, TDAEMON } from '../helpers/paths';
import { isDead, readPid, Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';
import { tdaemonIn } from '../helpers/daemon-test';

/*
 * Rotation that keeps logging (issue 13, point 9): a watched daemon's
 * watchdog writes the log, rotates it by size and reopens it on
 * `tdaemon reopen` (logrotate's create + postrotate); a plain daemon is
 * rotated with copytruncate, and status and logs say when its log was
 * renamed away from under it. With the real /usr/sbin/logrotate.
 */

const WRITER = fixture('numbered-writer.js');
const LOGROTATE = fs.existsSync('/usr/sbin/logrotate') ? '/usr/sbin/logrotate' : 'logrotate';

const td = tdaemonIn;

/** The "line N" numbers of the log files BASE.N ... BASE.1, BASE, oldest first; the watchdog's own lines are skipped. */
function linesInOrder(base: string): { numbers: number[]; files: string[] } {
  const dir = path.dirname(base);
  const name = path.basename(base);
  const rotated = new RegExp(`^${name.replace('.', '\\.')}\\.(\\d+)(\\.gz)?$`);
  const found = fs
    .readdirSync(dir)
    .filter((file) => file === name || rotated.test(file))
    .map((file) => ({ file: path.join(dir, file), n: file === name ? 0 : Number(rotated.exec(file)![1]) }))
    .sort((a, b) => b.n - a.n);
  const numbers: number[] = [];
  const files: string[] = [];
  for (const { file } of found) {
    files.push(file);
    const text = readText(file);
    assert.ok(text === '' || text.endsWith('\n'), `${file} ends inside a line`);
    for (const line of text.split('\n').slice(0, -1)) {
      if (/^\d{4}-\d\d-\d\dT[\d:.]+Z tdaemon\[\d+\]: /.test(line)) continue;
      const match = /^line (\d+)$/.exec(line);
      assert.ok(match, `a mangled line in ${file}: ${JSON.stringify(line)}`);
      numbers.push(Number(match[1]));
    }
  }
  return { numbers, files };
}

/** A log file's text; logrotate's compress made FILE.gz. */
function readText(file: string): string {
  return file.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(file)).toString('utf8') : fs.readFileSync(file, 'utf8');
}

function oneToN(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** Starts the numbered writer as a watched daemon that ends by itself (exit 0 is for good). */
async function startWatchedWriter(t: TestContext, dir: string, rate: number, count: number, extra: string[]): Promise<{ pidfile: string; log: string; reaper: Reaper }> {
  const reaper = new Reaper();
  const pidfile = path.join(dir, 'app.pid');
  t.after(async () => {
    await run(TDAEMON, ['--pidfile', pidfile, 'stop', '--stop-timeout', '1']);
    await reaper.reap();
  });
  const start = await td(dir, '--pidfile', pidfile, 'start', '--respawn', '--wait', '0.2', ...extra, '--', process.execPath, WRITER, '-', 'keep', String(rate), String(count));
  assert.equal(start.code, 0, start.stderr);
  reaper.trackPidfile(pidfile);
  return { pidfile, log: path.join(dir, 'app.log'), reaper };
}

/** The watched writer ran to its end: its watchdog is gone (and has written everything). */
async function waitForEnd(pidfile: string, watchdog: number): Promise<void> {
  await waitFor(() => isDead(watchdog) || null, 'the watchdog to end after its writer', 20000);
  assert.ok(!fs.existsSync(pidfile));
}

describe('log rotation that keeps logging', { concurrency: true }, () => {
  it('--log-max-size: the watchdog rotates the log, no line lost, split or out of order, no file much past the size', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-rotate-');
    const count = 1500;
    const { pidfile, log } = await startWatchedWriter(t, dir, 1500, count, ['--log-max-size', '1K', '--log-backups', '40']);
    const watchdog = readPid(pidfile)!;
    await waitForEnd(pidfile, watchdog);
    const { numbers, files } = linesInOrder(log);
    assert.deepEqual(numbers, oneToN(count));
    assert.ok(files.length >= 10, `rotated into ${files.length} files`);
    for (const file of files) {
      const size = fs.statSync(file).size;
      // A file exceeds the size only by the line it had open when it was full.
      assert.ok(size <= 1024 + 120, `${file} has ${size} bytes`);
    }
  });

  it('--log-backups N keeps N old files; --log-max-size without --respawn is refused, exit 2', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-rotate-');
    const { pidfile, log } = await startWatchedWriter(t, dir, 2000, 1000, ['--log-max-size', '512', '--log-backups', '2']);
    await waitForEnd(pidfile, readPid(pidfile)!);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('app.log')).sort(), ['app.log', 'app.log.1', 'app.log.2']);
    assert.match(fs.readFileSync(log, 'utf8'), /^line 1000$/m);
    const plain = await td(dir, '--pidfile', path.join(dir, 'p.pid'), 'start', '--log-max-size', '10M', '--', 'sleep', '1');
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /^tdaemon: --log-max-size needs --respawn[^\n]*\n$/);
    const bad = await td(dir, '--pidfile', path.join(dir, 'p.pid'), 'start', '--respawn', '--log-max-size', '10X', '--', 'sleep', '1');
    assert.equal(bad.stderr, "tdaemon: --log-max-size takes a size such as 512K, 10M or 1G, not '10X'\n");
    assert.ok(!fs.existsSync(path.join(dir, 'p.pid')));
  });

  it("logrotate create + compress + postrotate 'tdaemon reopen', 3 times under a writer of 100 lines/s: every line in order, the daemon writes on into the new file", async (t) => {
    const dir = makeTempDir(t, 'tdaemon-rotate-');
    // The writer runs until stopped: a busy machine may make the rotations slow.
    const { pidfile, log } = await startWatchedWriter(t, dir, 100, 1000000, []);
    const watchdog = readPid(pidfile)!;
    const conf = path.join(dir, 'logrotate.conf');
    fs.writeFileSync(conf, `${log} {\n  create\n  rotate 5\n  compress\n  missingok\n  postrotate\n    ${TDAEMON} --pidfile ${pidfile} reopen\n  endscript\n}\n`);
    for (let n = 1; n <= 3; n++) {
      const due = n * 60;
      await waitFor(() => linesInOrder(log).numbers.at(-1)! >= due || null, `line ${due}`, 15000);
      const began = Date.now();
      const result = await run(LOGROTATE, ['-f', '-s', path.join(dir, 'state'), conf]);
      t.diagnostic(`logrotate run ${n}: ${Date.now() - began} ms`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout + result.stderr, /reopened/);
      // The daemon writes into the new file, and status has nothing to warn about.
      const size = fs.statSync(log).size;
      await waitFor(() => fs.statSync(log).size > size || null, 'the daemon to write into the new app.log');
      const status = await td(dir, '--pidfile', pidfile, 'status');
      assert.equal(status.stderr, '');
    }
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0, stop.stderr);
    await waitForEnd(pidfile, watchdog);
    const { numbers, files } = linesInOrder(log);
    assert.equal(files.length, 4);
    assert.ok(numbers.length > 180);
    assert.deepEqual(numbers, oneToN(numbers.length));
    for (const file of files) assert.match(readText(file), /^line \d+$/m, `${file} has lines of the daemon`);
  });

  it('a rename without reopen: status and logs warn that the watchdog writes elsewhere; reopen mends it', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-rotate-');
    const { pidfile, log } = await startWatchedWriter(t, dir, 50, 100000, []);
    fs.renameSync(log, `${log}.1`);
    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 0);
    assert.match(status.stderr, /^tdaemon: app: its watchdog \(pid \d+\) no longer writes to \S+app\.log, which was renamed or deleted: 'tdaemon reopen' makes it open \S+ again\n$/);
    const reopen = await td(dir, '--pidfile', pidfile, 'reopen');
    assert.equal(reopen.code, 0, reopen.stderr);
    assert.equal(reopen.stdout, `tdaemon: app: watchdog ${readPid(pidfile)} reopened ${log}\n`);
    const after = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(after.stderr, '');
  });

  it("a plain daemon: logrotate copytruncate keeps its lines and its log; a rename is warned of by status and logs; reopen exits 3", async (t) => {
    const dir = makeTempDir(t, 'tdaemon-rotate-');
    const reaper = new Reaper();
    const pidfile = path.join(dir, 'app.pid');
    const log = path.join(dir, 'app.log');
    const pause = path.join(dir, 'pause');
    t.after(async () => {
      await run(TDAEMON, ['--pidfile', pidfile, 'stop', '--stop-timeout', '1']);
      await reaper.reap();
    });
    // copytruncate loses what is written between its copy and its truncation
    // (logrotate(8) says so): the writer is paused around each run.
    const script = `i=0; while :; do if [ -e ${pause} ]; then touch ${pause}.seen; sleep 0.02; continue; fi; i=$((i+1)); echo "line $i"; sleep 0.01; done`;
    const start = await td(dir, '--pidfile', pidfile, 'start', '--wait', '0.2', '--', 'sh', '-c', script);
    assert.equal(start.code, 0, start.stderr);
    reaper.trackPidfile(pidfile);
    const conf = path.join(dir, 'logrotate.conf');
    fs.writeFileSync(conf, `${log} {\n  copytruncate\n  rotate 5\n  nocompress\n  missingok\n}\n`);
    for (let n = 1; n <= 2; n++) {
      await waitFor(() => linesInOrder(log).numbers.length >= 20 || null, 'lines to rotate');
      fs.writeFileSync(pause, '');
      await waitFor(() => fs.existsSync(`${pause}.seen`) || null, 'the writer to pause');
      const result = await run(LOGROTATE, ['-f', '-s', path.join(dir, 'state'), conf]);
      assert.equal(result.code, 0, result.stderr);
      fs.rmSync(`${pause}.seen`);
      fs.rmSync(pause);
      await waitFor(() => fs.statSync(log).size > 0 || null, 'the daemon to write on into app.log');
      const status = await td(dir, '--pidfile', pidfile, 'status');
      assert.equal(status.stderr, '');
    }
    await waitFor(() => linesInOrder(log).numbers.length >= 5 || null, 'more lines');
    const { numbers } = linesInOrder(log);
    assert.deepEqual(numbers, oneToN(numbers.length), 'every line, in order, across app.log.2, app.log.1 and app.log');
    assert.ok(fs.existsSync(`${log}.2`));

    fs.renameSync(log, `${log}.moved`);
    const warning = new RegExp(`^tdaemon: app: pid \\d+ no longer writes to ${log} but to ${log}\\.moved: the file was renamed or deleted; rotate it with logrotate's copytruncate[^\\n]*\\n`);
    const status = await td(dir, '--pidfile', pidfile, 'status');
    assert.equal(status.code, 0);
    assert.match(status.stderr, warning);
    fs.writeFileSync(log, '');
    const logs = await td(dir, '--pidfile', pidfile, 'logs');
    assert.match(logs.stderr, warning);
    const reopen = await td(dir, '--pidfile', pidfile, 'reopen');
    assert.equal(reopen.code, 3);
    assert.equal(reopen.stderr, `tdaemon: app: reopen needs a watched daemon (start --respawn); this one writes to ${log} itself: rotate it with logrotate's copytruncate\n`);
    const stop = await td(dir, '--pidfile', pidfile, 'stop');
    assert.equal(stop.code, 0);
    const none = await td(dir, '--pidfile', pidfile, 'reopen');
    assert.equal(none.code, 7);
    assert.equal(none.stderr, 'tdaemon: app: not running\n');
  });
});
