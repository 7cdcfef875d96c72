import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh directory for one test, removed when the test ends. */
export function makeTempDir(t: { after: (fn: () => void | Promise<void>) => void }, prefix = 'tnohup-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  t.after(() => {
    // A test that failed or timed out before it learnt its daemon's pid
    // leaves it to this: whatever carries a pidfile of this directory in
    // its tag is ended, by pid.
    endTaggedUnder(dir);
    // Retried: a process the test ended may still be closing a file in it.
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  return dir;
}

/** SIGKILLs every process whose environment names a pidfile (TDAEMON_PIDFILE) inside DIR. */
function endTaggedUnder(dir: string): void {
  const tag = Buffer.from(`\0TDAEMON_PIDFILE=${dir}/`);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${name}/environ`)]);
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.includes(tag)) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
}

export const IS_ROOT = process.getuid?.() === 0;
