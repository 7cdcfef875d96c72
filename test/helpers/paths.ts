import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logDirectory } from '../../src/os/paths';

/** Tests are compiled to build/test/...; the repository root is three levels up. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TNOHUP = path.join(ROOT, 'bin', 'tnohup');
export const TDAEMON = path.join(ROOT, 'bin', 'tdaemon');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/**
 * bin/ and dist/ copied into DIR, for tests that run as nobody: the checkout
 * may sit under a directory nobody cannot enter (mktemp -d makes them 0700),
 * and the bundles need nothing beside them.
 */
export function binsForNobody(dir: string): { tnohup: string; tdaemon: string } {
  for (const part of ['bin', 'dist']) fs.cpSync(path.join(ROOT, part), path.join(dir, 'app', part), { recursive: true });
  return { tnohup: path.join(dir, 'app', 'bin', 'tnohup'), tdaemon: path.join(dir, 'app', 'bin', 'tdaemon') };
}

/**
 * The log a supervisor of a config without [supervisord] logfile= keeps in
 * tdaemon's log directory (as root, /var/log/tdaemon, which outlives the
 * test): tests remove it.
 */
export function supervisorDefaultLog(conf: string): string {
  return path.join(logDirectory(), `supervisor-${createHash('sha256').update(conf).digest('hex').slice(0, 12)}.log`);
}
