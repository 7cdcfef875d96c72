import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeFifos } from '../../src/os/fifo';
import { PipeHolder } from '../../src/os/pipe-holder';
import { Reaper, waitFor } from '../helpers/processes';
import { makeTempDir } from '../helpers/tmp';

/** The pid of whatever holds FIFO open for reading, from /proc/PID/fd (the holder is the only reader). */
function fifoHolders(fifo: string, pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === fifo);
    } catch {
      return false;
    }
  });
}

describe('the pipe holder falls back to sleep(1) when its small program cannot run', () => {
  const cases: Array<{ what: string; make(file: string): void }> = [
    { what: 'not executable (EACCES)', make: (file) => fs.writeFileSync(file, 'x', { mode: 0o644 }) },
    { what: 'not a program (the shell that execvp hands it to exits)', make: (file) => fs.writeFileSync(file, 'not an ELF\n', { mode: 0o755 }) },
  ];
  for (const { what, make } of cases) {
    it(what, async (t) => {
      const dir = makeTempDir(t);
      const reaper = new Reaper();
      t.after(() => reaper.reap());
      const program = path.join(dir, 'holder');
      make(program);
      const fifo = path.join(dir, 'out.fifo');
      makeFifos([fifo]);
      const lines: string[] = [];
      let changes = 0;
      const holder = new PipeHolder({ log: (line) => lines.push(line), onChange: () => changes++, program });
      t.after(() => holder.dispose());
      holder.hold([fifo]);
      const sleep = fs.realpathSync(spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim());
      const exe = (pid: number) => {
        try {
          return fs.realpathSync(`/proc/${pid}/exe`);
        } catch {
          return null;
        }
      };
      const id = await waitFor(() => (holder.current && exe(holder.current.pid) === sleep ? holder.current : null), 'sleep(1) to hold the FIFO');
      reaper.track(id.pid);
      assert.equal(fs.readFileSync(`/proc/${id.pid}/cmdline`, 'utf8'), 'tdaemon-pipe-holder\0infinity\0');
      assert.deepEqual(fifoHolders(fifo, [id.pid]), [id.pid], 'it holds the FIFO');
      assert.equal(lines.filter((l) => l.startsWith(`cannot run ${program} (`)).length, 1, lines.join('\n'));
      assert.ok(!lines.some((l) => l.startsWith('cannot start the pipe holder')), lines.join('\n'));
      assert.ok(changes >= 1, 'the supervisor hears of the new holder');
    });
  }
});
