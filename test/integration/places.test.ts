import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { binsForNobody, TDAEMON } from '../helpers/paths';
import { Reaper } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';

/*
 * One place per --name (issue 13, point 11): the same name from a login
 * shell (XDG_RUNTIME_DIR, HOME set) and from cron (neither) is one daemon.
 */

const NEEDS_ROOT = { skip: !IS_ROOT && 'needs root to become another user' };

function unique(): string {
  return `places-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs BIN as UID with exactly the environment ENV (and a PATH). */
function asUser(uid: number, bin: string, env: Record<string, string>, args: string[], cwd: string): Promise<RunResult> {
  return run('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'env', '-i', 'PATH=/usr/bin:/bin', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin, ...args], { cwd });
}

/** Removes NAME's files from DIR, and DIR itself if this left it empty (another test may be using it). */
function removeNamed(dir: string, name: string): void {
  for (const suffix of ['.pid', '.state', '.log', '.pid.lock', '.pid.starting', '.pid.stop']) fs.rmSync(path.join(dir, `${name}${suffix}`), { recursive: true, force: true });
}

describe('--name: one place per name, whatever the environment', { concurrency: true }, () => {
  it('a user: started from a login shell, the same name from a cron-like environment is already running', NEEDS_ROOT, async (t) => {
    const dir = makeTempDir(t, 'tdaemon-places-');
    const reaper = new Reaper();
    const { tdaemon } = binsForNobody(dir);
    const name = unique();
    const runtime = path.join(dir, 'xdg');
    fs.mkdirSync(runtime, { mode: 0o700 });
    fs.chownSync(runtime, 65534, 65534);
    // nobody's home (/nonexistent) is not there: its place is /tmp/tdaemon-65534.
    const place = '/tmp/tdaemon-65534';
    t.after(async () => {
      await reaper.reap();
      removeNamed(place, name);
    });
    const login = { XDG_RUNTIME_DIR: runtime, HOME: runtime, USER: 'nobody' };
    const first = await asUser(65534, tdaemon, login, ['--name', name, 'start', '--wait', '0.3', '--', 'sleep', '1001'], dir);
    assert.equal(first.code, 0, first.stderr);
    const pid = reaper.trackPidfile(path.join(place, `${name}.pid`))!;
    assert.equal(first.stdout, `tdaemon: ${name} started (pid ${pid}); log ${place}/${name}.log\n`);
    assert.deepEqual(fs.readdirSync(runtime), [], 'nothing in XDG_RUNTIME_DIR');
    const cron = await asUser(65534, tdaemon, {}, ['--name', name, 'start', '--wait', '0.3', '--', 'sleep', '1001'], dir);
    assert.equal(cron.code, 0, cron.stderr);
    assert.match(cron.stdout, new RegExp(`^tdaemon: ${name} already running \\(pid ${pid}\\)`));
    const status = await asUser(65534, tdaemon, { HOME: '/' }, ['--name', name, 'status'], dir);
    assert.equal(status.code, 0, status.stderr);
    const stop = await asUser(65534, tdaemon, {}, ['--name', name, 'stop'], dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((fs.statSync(place).mode & 0o777).toString(8), '700');
  });

  it('a place in /tmp that another user made first is refused, exit 4, nothing started', NEEDS_ROOT, async (t) => {
    const dir = makeTempDir(t, 'tdaemon-places-');
    const { tdaemon } = binsForNobody(dir);
    // A uid with no account: no home, so its place would be /tmp/tdaemon-UID; root made it first.
    const uid = 40000 + (process.pid % 20000);
    const place = `/tmp/tdaemon-${uid}`;
    fs.mkdirSync(place, { mode: 0o755 });
    t.after(() => fs.rmSync(place, { recursive: true, force: true }));
    const result = await asUser(uid, tdaemon, {}, ['--name', unique(), 'start', '--', 'sleep', '1002'], dir);
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.stderr, `tdaemon: refusing ${place}: it belongs to uid 0\n`);
    assert.deepEqual(fs.readdirSync(place), []);
  });

  it('root: the pidfile in /run/tdaemon and the log in /var/log/tdaemon, with or without XDG_RUNTIME_DIR', NEEDS_ROOT, async (t) => {
    const dir = makeTempDir(t, 'tdaemon-places-');
    const reaper = new Reaper();
    const name = unique();
    t.after(async () => {
      await run(TDAEMON, ['--name', name, 'stop']);
      await reaper.reap();
      removeNamed('/run/tdaemon', name);
      removeNamed('/var/log/tdaemon', name);
    });
    const env = { ...process.env, XDG_RUNTIME_DIR: dir };
    const start = await run(TDAEMON, ['--name', name, 'start', '--wait', '0.3', '--', 'sh', '-c', 'echo hello from root; exec sleep 1003'], { env, cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    const pid = reaper.trackPidfile(`/run/tdaemon/${name}.pid`)!;
    assert.equal(start.stdout, `tdaemon: ${name} started (pid ${pid}); log /var/log/tdaemon/${name}.log\n`);
    assert.equal(fs.readFileSync(`/var/log/tdaemon/${name}.log`, 'utf8'), 'hello from root\n');
    const withoutXdg = { ...process.env };
    delete withoutXdg.XDG_RUNTIME_DIR;
    const again = await run(TDAEMON, ['--name', name, 'start', '--', 'sh', '-c', 'echo hello from root; exec sleep 1003'], { env: withoutXdg, cwd: dir });
    assert.match(again.stdout, /already running/);
    const logs = await run(TDAEMON, ['--name', name, 'logs'], { env: withoutXdg });
    assert.equal(logs.stdout, 'hello from root\n');
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing in XDG_RUNTIME_DIR');
  });

  it("--help shows --name's real directories", async () => {
    const help = await run(TDAEMON, ['start', '--help']);
    const line = help.stdout.split('\n').find((l) => l.trimStart().startsWith('--name'))!;
    if (IS_ROOT) assert.match(line, /its pidfile goes in \/run\/tdaemon, its log in \/var\/log\/tdaemon/);
    else assert.match(line, /its files go in \/\S+/);
  });
});
