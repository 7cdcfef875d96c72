import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh directory for one test, removed when the test ends. */
export function makeTempDir(t: { after: (fn: () => void | Promise<void>) => void }, prefix = 'tnohup-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  // Retried: a process the test ended may still be closing a file in it.
  t.after(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

export const IS_ROOT = process.getuid?.() === 0;
