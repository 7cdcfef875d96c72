/** What most tests of bin/tdaemon start from: a directory of their own, a reaper, and tdaemon run in it. */
import { TDAEMON } from './paths';
import { Reaper } from './processes';
import { run, type RunResult } from './run';
import { makeTempDir } from './tmp';

export type TestContext = Parameters<typeof makeTempDir>[0];

/** A fresh directory (PREFIX...) and a reaper that ends, by pid, whatever the test started. */
export function daemonTestDir(t: TestContext, prefix: string): { dir: string; reaper: Reaper } {
  // The reaper is registered first: after-hooks run in order, and a daemon
  // still writing its log would keep its directory from being removed.
  const reaper = new Reaper();
  t.after(() => reaper.reap());
  return { dir: makeTempDir(t, prefix), reaper };
}

/** Runs bin/tdaemon in DIR to its end. */
export function tdaemonIn(dir: string, ...args: string[]): Promise<RunResult> {
  return run(TDAEMON, args, { cwd: dir });
}
