import * as path from 'node:path';

/** Tests are compiled to build/test/...; the repository root is three levels up. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TNOHUP = path.join(ROOT, 'bin', 'tnohup');
export const TDAEMON = path.join(ROOT, 'bin', 'tdaemon');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}
