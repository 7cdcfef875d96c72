import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { supervisorDefaultLog, TDAEMON } from '../helpers/paths';
import { isDead, Reaper, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';

interface Row {
  name: string;
  state: string;
  pid: number | null;
  command: string[] | null;
  source: string;
}

async function list(): Promise<Row[]> {
  const result = await run(TDAEMON, ['list', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Row[];
}

describe('tdaemon list', () => {
  it('shows a named daemon and the programs of a running supervisor, in one table', async (t) => {
    const reaper = new Reaper();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-list-'));
    const name = `list-test-${process.pid}`;
    const conf = path.join(dir, 'programs.conf');
    fs.writeFileSync(conf, `[program:listed${process.pid}]\ncommand=sleep 1001\nstartsecs=0\nstdout_logfile=${dir}/listed.log\n`);
    t.after(async () => {
      await run(TDAEMON, ['--name', name, 'stop']);
      await run(TDAEMON, ['-c', conf, 'shutdown']);
      await reaper.reap();
      fs.rmSync(dir, { recursive: true, force: true });
      if (process.getuid?.() === 0) fs.rmSync(`/var/log/tdaemon/${name}.log`, { force: true }); // --name's log, as root
      fs.rmSync(supervisorDefaultLog(conf), { force: true });
    });
    const start = await run(TDAEMON, ['--name', name, 'start', '--', 'sleep', '1000']);
    assert.equal(start.code, 0, start.stderr);
    const up = await run(TDAEMON, ['-c', conf, 'up']);
    assert.equal(up.code, 0, up.stderr);
    const rows = await list();
    const daemon = rows.find((r) => r.name === name);
    const program = rows.find((r) => r.name === `listed${process.pid}`);
    assert.ok(daemon && program, JSON.stringify(rows));
    reaper.track(daemon.pid, program.pid);
    assert.equal(daemon.state, 'running');
    assert.deepEqual(daemon.command, ['sleep', '1000']);
    assert.equal(program.state, 'running');
    assert.equal(program.source, conf);
    const table = await run(TDAEMON, ['list']);
    assert.match(table.stdout, /^NAME +STATE +PID +UPTIME +RESTARTS +MEMORY +COMMAND\n/);
    assert.match(table.stdout, new RegExp(`\\n${name} +running +${daemon.pid} +\\d+s +- +[\\d.]+M +sleep 1000\\n`));
    await run(TDAEMON, ['--name', name, 'stop']);
    await run(TDAEMON, ['-c', conf, 'shutdown']);
    await waitFor(() => isDead(program.pid!), 'the program to stop');
    const after = await list();
    assert.ok(!after.some((r) => r.name === name || r.name === `listed${process.pid}`));
  });
});
