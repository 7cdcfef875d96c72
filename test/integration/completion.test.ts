import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TDAEMON } from '../helpers/paths';
import { Reaper } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

/**
 * The script `tdaemon completion bash` prints, sourced in a real bash, and
 * its function called as bash's programmable completion calls it: with
 * COMP_WORDS and COMP_CWORD set (the word under the cursor last).
 */
async function complete(script: string, words: string[], cwd: string): Promise<string[]> {
  const driver = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tdaemon; printf "%s\\n" "${COMPREPLY[@]}"';
  const result = await run('bash', ['--norc', '--noprofile', '-c', driver, 'bash', script, TDAEMON, ...words], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', `no error completing ${words.join(' ')}`);
  return [...new Set(result.stdout.split('\n').filter((line) => line !== ''))].sort();
}

describe('tdaemon completion bash', () => {
  it('completes verbs, options, option values, daemon names and the command, sourced in bash', async (t) => {
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    const dir = makeTempDir(t, 'tdaemon-completion-');
    const printed = await run(TDAEMON, ['completion', 'bash'], { cwd: dir });
    assert.equal(printed.code, 0, printed.stderr);
    const script = path.join(dir, 'tdaemon.bash');
    fs.writeFileSync(script, printed.stdout);
    assert.equal((await run('bash', ['-n', script])).code, 0, 'bash reads it');

    assert.deepEqual(await complete(script, ['st'], dir), ['start', 'status', 'stop']);
    assert.deepEqual(await complete(script, ['-c', 'app.conf', 'sh'], dir), ['shutdown']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'start', '--re'], dir), ['--ready', '--ready-timeout', '--reload-signal', '--respawn', '--restart', '--restart-window']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'logs', '--'], dir), ['--config', '--follow', '--help', '--lines', '--name', '--pidfile', '--version']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'stop', '--stop-signal', 'US'], dir), ['USR1', 'USR2']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'start', '--respawn', '--restart', ''], dir), ['always', 'on-failure']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'start', '--wait', '1', '--', 'slee'], dir), ['sleep']);
    assert.deepEqual(await complete(script, ['--name', 'x', 'restart', 'slee'], dir), ['sleep']);
    assert.deepEqual(await complete(script, ['export', ''], dir), ['supervisord', 'systemd']);
    fs.writeFileSync(path.join(dir, 'web.pid'), '');
    assert.deepEqual(await complete(script, ['--pidfile', path.join(dir, 'we')], dir), [path.join(dir, 'web.pid')]);

    // --name: the daemons of the directory --name uses.
    const name = `completion-${process.pid}`;
    const start = await run(TDAEMON, ['--name', name, 'start', '--wait', '0.2', '--', 'sleep', '300'], { cwd: dir });
    assert.equal(start.code, 0, start.stderr);
    reaper.track(Number(/\(pid (\d+)\)/.exec(start.stdout)?.[1]));
    t.after(async () => {
      // Its log, wherever --name puts logs, goes too: the directory is shared.
      const { log } = JSON.parse((await run(TDAEMON, ['--name', name, 'status', '--json'])).stdout) as { log: string | null };
      await run(TDAEMON, ['--name', name, 'stop']);
      if (log !== null) fs.rmSync(log, { force: true });
    });
    assert.ok((await complete(script, ['--name', 'completion-'], dir)).includes(name));
    assert.ok((await complete(script, ['status', '--name', 'completion-'], dir)).includes(name));
  });

  it('completion takes bash only', async (t) => {
    const dir = makeTempDir(t, 'tdaemon-completion-');
    const zsh = await run(TDAEMON, ['completion', 'zsh'], { cwd: dir });
    assert.equal(zsh.code, 2);
    assert.equal(zsh.stderr, "tdaemon: completion takes 'bash', not 'zsh'\n");
  });
});
