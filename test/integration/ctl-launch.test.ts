/**
 * `tdaemon -c FILE VERB [NAME]...` without options goes from bin/launch.js
 * straight to dist/tdaemon-ctl.js; a line with an option goes through the
 * CLI's parser first (a trailing `--` is such an option and changes nothing
 * else). Both ways must print the same and exit the same, for good input
 * and bad.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TDAEMON } from '../helpers/paths';
import { isDead, readPid, Reaper, waitFor } from '../helpers/processes';
import { run, type RunResult } from '../helpers/run';

/** Uptimes tick between two runs. */
function steady(result: RunResult): { code: number | null; stdout: string; stderr: string } {
  const same = (text: string) => text.replace(/uptime \d+:\d\d:\d\d/g, 'uptime H:MM:SS');
  return { code: result.code, stdout: same(result.stdout), stderr: same(result.stderr) };
}

async function bothWays(conf: string, args: string[], cwd: string): Promise<ReturnType<typeof steady>> {
  const direct = steady(await run(TDAEMON, ['-c', conf, ...args], { cwd, timeoutMs: 30000 }));
  const parsed = steady(await run(TDAEMON, ['-c', conf, ...args, '--'], { cwd, timeoutMs: 30000 }));
  assert.deepEqual(direct, parsed, `tdaemon -c FILE ${args.join(' ')}`);
  const spelled = steady(await run(TDAEMON, [`--config=${conf}`, ...args], { cwd, timeoutMs: 30000 }));
  assert.deepEqual(spelled, direct, `tdaemon --config=FILE ${args.join(' ')}`);
  return direct;
}

describe('tdaemon -c FILE VERB: the direct way and the parser\'s agree', () => {
  it('against a running supervisor, with no supervisor, and without a config', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-launch-'));
    const conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      conf,
      `[unix_http_server]\nfile=${dir}/supervisor.sock\n[supervisord]\npidfile=${dir}/supervisord.pid\nlogfile=${dir}/supervisord.log\nchildlogdir=${dir}\n` +
        `[supervisorctl]\nserverurl=unix://${dir}/supervisor.sock\n[program:a]\ncommand=sleep 1000\nstartsecs=0\n[program:b]\ncommand=sleep 1000\nstartsecs=0\nautostart=false\n`,
    );
    const reaper = new Reaper();
    t.after(async () => {
      const pid = readPid(path.join(dir, 'supervisord.pid'));
      if (pid !== null && !isDead(pid)) {
        await run(TDAEMON, ['-c', conf, 'shutdown'], { cwd: dir, timeoutMs: 30000 });
        if (!isDead(pid)) process.kill(pid, 'SIGTERM');
        await waitFor(() => isDead(pid), 'the supervisor to end', 20000);
      }
      await reaper.reap();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    // No supervisor yet: supervisorctl's line and status 4.
    const none = await bothWays(conf, ['status'], dir);
    assert.deepEqual(none, { code: 4, stdout: `unix://${dir}/supervisor.sock no such file\n`, stderr: '' });

    const up = await run(TDAEMON, ['-c', conf, 'up'], { cwd: dir, timeoutMs: 30000 });
    assert.equal(up.code, 0, up.stderr);
    reaper.track(readPid(path.join(dir, 'supervisord.pid')));
    const a = Number((await run(TDAEMON, ['-c', conf, 'pid', 'a'], { cwd: dir })).stdout.trim());
    reaper.track(a);

    const status = await bothWays(conf, ['status'], dir);
    assert.equal(status.code, 3); // b is not running
    assert.match(status.stdout, /^a +RUNNING +pid \d+, uptime H:MM:SS\nb +STOPPED +Not started\n$/);
    assert.deepEqual(await bothWays(conf, ['status', 'a'], dir), { code: 0, stdout: status.stdout.split('\n')[0] + '\n', stderr: '' });
    assert.deepEqual(await bothWays(conf, ['status', 'nosuch'], dir), { code: 4, stdout: 'nosuch: ERROR (no such process)\n', stderr: '' });
    assert.deepEqual(await bothWays(conf, ['pid', 'a'], dir), { code: 0, stdout: `${a}\n`, stderr: '' });
    assert.deepEqual(await bothWays(conf, ['signal', 'CONT', 'a'], dir), { code: 0, stdout: 'a: signalled\n', stderr: '' });
    assert.equal((await bothWays(conf, ['avail'], dir)).code, 0);
    assert.deepEqual(await bothWays(conf, ['reread'], dir), { code: 0, stdout: 'No config updates to processes\n', stderr: '' });
    assert.equal((await bothWays(conf, ['signal'], dir)).code, 1);
    const unknown = await bothWays(conf, ['bogus'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^tdaemon: unknown verb 'bogus' with -c; verbs: /);
    const logs = await bothWays(conf, ['logs'], dir);
    assert.equal(logs.code, 2);

    // A missing config: status 6 (LSB: not configured), one line.
    const missing = await bothWays(path.join(dir, 'nosuch.conf'), ['status'], dir);
    assert.deepEqual(missing, { code: 6, stdout: '', stderr: `tdaemon: ${dir}/nosuch.conf: no such config file\n` });
  });
});
