import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { binsForNobody, TDAEMON } from '../helpers/paths';
import { isDead, isRunning, readPid, Reaper, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';
import { daemonTestDir } from '../helpers/daemon-test';

type Context = Parameters<typeof makeTempDir>[0];

/**
 * restart runs what was recorded (issue 13, point 7): the environment and
 * the command's file of the start, whatever the caller's; --update-env
 * takes the caller's. The caller here is cron-like: `env -i PATH=/usr/bin:/bin`.
 */

const CRON_ENV = { PATH: '/usr/bin:/bin' };

const setUp = (t: Context) => daemonTestDir(t, 'tdaemon-env-');

/** bin/tdaemon with exactly ENV (node by its path: PATH may not find it). */
async function td(dir: string, reaper: Reaper, env: NodeJS.ProcessEnv, ...args: string[]): Promise<RunResult> {
  const result = await run(process.execPath, [TDAEMON, '--pidfile', path.join(dir, 'srv.pid'), ...args], { cwd: dir, env, timeoutMs: 60000 });
  reaper.trackPidfile(path.join(dir, 'srv.pid'));
  return result;
}

/**
 * DIR/NAME/srv: a server script that says which file it is in its log, then
 * execs `sleep` (so the daemon's pid shows the environment it was given).
 */
function writeServer(dir: string, name: string): string {
  const bin = path.join(dir, name);
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'srv'), `#!/bin/sh\necho "srv from ${name}"\nexec sleep 1000${process.pid}\n`, { mode: 0o755 });
  return bin;
}

function environ(pid: number): Record<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

function lastLogLine(dir: string): string {
  const lines = fs.readFileSync(path.join(dir, 'srv.log'), 'utf8').trim().split('\n');
  return lines[lines.length - 1];
}

/** The pid the pidfile names once it differs from BEFORE (a restart's new daemon). */
function newPid(dir: string, before: number | null): number {
  const pid = readPid(path.join(dir, 'srv.pid'));
  assert.ok(pid !== null && pid !== before, 'a new daemon is recorded');
  return pid;
}

describe('restart runs with what start recorded', () => {
  it('from cron: the recorded variables, PATH and command file; --update-env: the caller\'s', async (t) => {
    const { dir, reaper } = setUp(t);
    const early = path.join(dir, 'early'); // on PATH before srv's directory, empty at start
    fs.mkdirSync(early);
    const bin = writeServer(dir, 'app-bin');
    const startPath = `${early}:${bin}:/usr/bin:/bin`;
    const startEnv = { PATH: startPath, NODE_ENV: 'production', DATABASE_URL: 'postgres://app:secret@db/app' };
    const started = await td(dir, reaper, startEnv, 'start', '--wait', '0.3', '--', 'srv');
    assert.equal(started.code, 0, started.stderr);
    const first = newPid(dir, null);
    const environFile = path.join(dir, 'srv.environ');
    assert.equal(fs.statSync(environFile).mode & 0o777, 0o600, 'the environ file, which may hold secrets, is private');
    assert.equal(fs.statSync(path.join(dir, 'srv.state')).mode & 0o777, 0o644, 'the state file stays readable for status');
    assert.equal(JSON.parse(fs.readFileSync(environFile, 'utf8')).environment.DATABASE_URL, startEnv.DATABASE_URL);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'srv.state'), 'utf8'), /secret/, 'the state file holds no secret');
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'srv.state'), 'utf8'));
    assert.equal(record.commandPath, path.join(bin, 'srv'), 'the command file is recorded, absolute');

    // Another srv appears earlier on the recorded PATH: the recorded file still runs.
    writeServer(dir, 'early');
    const restarted = await td(dir, reaper, CRON_ENV, 'restart', '--wait', '0.3');
    assert.equal(restarted.code, 0, restarted.stderr);
    await waitFor(() => isDead(first), 'the first daemon to be gone');
    const second = newPid(dir, first);
    const seen = environ(second);
    assert.equal(seen.NODE_ENV, 'production');
    assert.equal(seen.DATABASE_URL, startEnv.DATABASE_URL);
    assert.equal(seen.PATH, startPath);
    assert.equal(lastLogLine(dir), 'srv from app-bin', 'the same file ran');

    // --update-env: the caller's environment, and srv found in the caller's PATH.
    const callerBin = writeServer(dir, 'caller-bin');
    const callerEnv = { PATH: `${callerBin}:/usr/bin:/bin`, NODE_ENV: 'staging' };
    const updated = await td(dir, reaper, callerEnv, 'restart', '--update-env', '--wait', '0.3');
    assert.equal(updated.code, 0, updated.stderr);
    await waitFor(() => isDead(second), 'the second daemon to be gone');
    const third = environ(newPid(dir, second));
    assert.equal(third.NODE_ENV, 'staging');
    assert.equal(third.DATABASE_URL, undefined, 'a variable the caller lacks is gone');
    assert.equal(third.PATH, callerEnv.PATH);
    assert.equal(lastLogLine(dir), 'srv from caller-bin');
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
    assert.ok(!fs.existsSync(environFile), 'stop removes the environ file with the record');
  });

  it('--env given at start still applies after --update-env, and --env on restart adds to the record', async (t) => {
    const { dir, reaper } = setUp(t);
    const bin = writeServer(dir, 'bin');
    const env = { PATH: `${bin}:/usr/bin:/bin`, FROM_SHELL: 'yes' };
    assert.equal((await td(dir, reaper, env, 'start', '--wait', '0.3', '--env', 'PORT=8080', '--', 'srv')).code, 0);
    const first = newPid(dir, null);
    assert.equal((await td(dir, reaper, CRON_ENV, 'restart', '--wait', '0.3', '--env', 'EXTRA=1')).code, 0);
    await waitFor(() => isDead(first), 'the first daemon to be gone');
    const second = newPid(dir, first);
    assert.deepEqual([environ(second).FROM_SHELL, environ(second).PORT, environ(second).EXTRA], ['yes', '8080', '1']);
    const updated = await td(dir, reaper, { ...CRON_ENV, PATH: `${bin}:/usr/bin:/bin` }, 'restart', '--update-env', '--wait', '0.3');
    assert.equal(updated.code, 0, updated.stderr);
    await waitFor(() => isDead(second), 'the second daemon to be gone');
    const third = environ(newPid(dir, second));
    assert.deepEqual([third.FROM_SHELL, third.PORT], [undefined, '8080']);
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
  });

  it('a watched daemon: each respawn and a restart from cron run with the start\'s environment', async (t) => {
    const { dir, reaper } = setUp(t);
    const bin = writeServer(dir, 'bin');
    const env = { PATH: `${bin}:/usr/bin:/bin`, NODE_ENV: 'production' };
    assert.equal((await td(dir, reaper, env, 'start', '--respawn', '--wait', '0.3', '--', 'srv')).code, 0);
    const statusOf = async (): Promise<{ pid: number | null }> => JSON.parse((await td(dir, reaper, CRON_ENV, 'status', '--json')).stdout);
    const child = (await waitFor(async () => (await statusOf()).pid, 'the first child')) as number;
    reaper.track(child);
    process.kill(child, 'SIGKILL');
    const respawned = (await waitFor(async () => {
      const pid = (await statusOf()).pid;
      return pid !== null && pid !== child ? pid : null;
    }, 'a respawned child')) as number;
    reaper.track(respawned);
    assert.equal(environ(respawned).NODE_ENV, 'production', 'the respawn has the start\'s environment');

    const restarted = await td(dir, reaper, CRON_ENV, 'restart', '--wait', '0.3');
    assert.equal(restarted.code, 0, restarted.stderr);
    const after = (await waitFor(async () => {
      const pid = (await statusOf()).pid;
      return pid !== null && pid !== respawned ? pid : null;
    }, 'the restarted child')) as number;
    reaper.track(after);
    assert.equal(environ(after).NODE_ENV, 'production');
    assert.equal(environ(after).PATH, env.PATH);
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
  });

  it('a record of an older tdaemon (no environment, no command file): restart takes the caller\'s, as before', async (t) => {
    const { dir, reaper } = setUp(t);
    const bin = writeServer(dir, 'bin');
    const env = { PATH: `${bin}:/usr/bin:/bin`, NODE_ENV: 'production' };
    assert.equal((await td(dir, reaper, env, 'start', '--wait', '0.3', '--', 'srv')).code, 0);
    const first = newPid(dir, null);
    const stateFile = path.join(dir, 'srv.state');
    const { commandPath, ...older } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    assert.ok(commandPath);
    fs.writeFileSync(stateFile, JSON.stringify(older));
    fs.unlinkSync(path.join(dir, 'srv.environ'));
    const status = await td(dir, reaper, CRON_ENV, 'status');
    assert.equal(status.code, 0, `the older record is read: ${status.stdout}${status.stderr}`);
    const restarted = await td(dir, reaper, { PATH: `${bin}:/usr/bin:/bin`, NODE_ENV: 'test' }, 'restart', '--wait', '0.3');
    assert.equal(restarted.code, 0, restarted.stderr);
    await waitFor(() => isDead(first), 'the first daemon to be gone');
    assert.equal(environ(newPid(dir, first)).NODE_ENV, 'test');
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
  });

  it('an environ file another user could have written is refused: exit 4, nothing stopped', { skip: !IS_ROOT && 'needs root' }, async (t) => {
    const { dir, reaper } = setUp(t);
    const bin = writeServer(dir, 'bin');
    assert.equal((await td(dir, reaper, { PATH: `${bin}:/usr/bin:/bin` }, 'start', '--wait', '0.3', '--', 'srv')).code, 0);
    const pid = newPid(dir, null);
    const environFile = path.join(dir, 'srv.environ');
    fs.chownSync(environFile, 65534, 65534);
    const result = await td(dir, reaper, CRON_ENV, 'restart', '--wait', '0.3');
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.stderr, `tdaemon: refusing the recorded environment ${environFile}: it is owned by uid 65534, not by 0; remove it, or restart with --update-env\n`);
    assert.ok(isRunning(pid), 'the daemon was not stopped');
    const updated = await td(dir, reaper, { PATH: `${bin}:/usr/bin:/bin` }, 'restart', '--update-env', '--wait', '0.3');
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
  });

  it('another user still reads status of a root daemon: only the environ file is private', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const { dir, reaper } = setUp(t);
    fs.chmodSync(dir, 0o755);
    const bins = binsForNobody(dir);
    const bin = writeServer(dir, 'bin');
    assert.equal((await td(dir, reaper, { PATH: `${bin}:/usr/bin:/bin`, API_KEY: 'k' }, 'start', '--wait', '0.3', '--', 'srv')).code, 0);
    const pid = newPid(dir, null);
    const status = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bins.tdaemon, '--pidfile', path.join(dir, 'srv.pid'), 'status'], { env: CRON_ENV });
    assert.match(status.stdout, new RegExp(`^srv: running \\(pid ${pid}, up `), status.stderr);
    assert.equal(status.code, 0);
    assert.equal((await td(dir, reaper, CRON_ENV, 'stop')).code, 0);
  });
});
