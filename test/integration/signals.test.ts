import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, TDAEMON } from '../helpers/paths';
import { Reaper, readPid, waitFor } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

describe('a stop signals each process of the family once', () => {
  for (const signal of ['TERM', 'INT'] as const) {
    it(`--stop-signal ${signal}: the daemon and a child that made a group of its own each get it exactly once, over 5 stops`, async (t) => {
      const dir = makeTempDir(t, 'tdaemon-signals-');
      const reaper = new Reaper();
      t.after(() => reaper.reap());
      const pidfile = path.join(dir, 'app.pid');
      for (let round = 1; round <= 5; round++) {
        const counts = path.join(dir, `counts-${round}`);
        const start = await run(TDAEMON, ['--pidfile', pidfile, 'start', '--wait', '0', '--', fixture('count-signals.sh'), counts], { cwd: dir });
        assert.equal(start.code, 0, start.stderr);
        reaper.track(readPid(pidfile));
        await waitFor(() => fs.existsSync(counts) && fs.readFileSync(counts, 'utf8').includes('ready'), 'the child to set its traps');
        const stop = await run(TDAEMON, ['--pidfile', pidfile, 'stop', '--stop-signal', signal, '--stop-timeout', '5'], { cwd: dir });
        assert.equal(stop.code, 0, stop.stderr);
        const lines = fs.readFileSync(counts, 'utf8').split('\n').filter((line) => line.endsWith(signal));
        assert.equal(lines.filter((line) => line.startsWith('parent')).length, 1, `round ${round}: ${lines.join(', ')}`);
        assert.equal(lines.filter((line) => line.startsWith('child')).length, 1, `round ${round}: ${lines.join(', ')}`);
      }
    });
  }
});
