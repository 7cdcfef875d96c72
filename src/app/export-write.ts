import fs = require('node:fs');
import path = require('node:path');
import { writeFileAtomic } from '../common/atomic-file';
import { describeErrno } from '../common/errors';
import { DaemonError } from '../model/errors';
import type { ExportFile } from '../policy/systemd-syntax';

export interface WriteOutcome {
  /** Absolute paths, in the order of the files. */
  written: string[];
  /** Files that already held exactly this text: left alone. */
  unchanged: string[];
}

/**
 * Writes FILES into DIR, each by rename(2), so systemd never reads half a
 * unit. Every file is checked first: one that exists with other content is
 * replaced only with FORCE, and without it nothing at all is written.
 */
export function writeExportFiles(files: ExportFile[], dir: string, force: boolean): WriteOutcome {
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (error) {
    throw new DaemonError('USAGE', `--dir ${dir}: ${describeErrno(error)}`, { cause: error });
  }
  const targets = files.map((file) => ({ file, target: path.resolve(dir, file.name) }));
  const unchanged = targets.filter(({ file, target }) => readText(target) === file.text).map(({ target }) => target);
  const conflicts = targets.filter(({ target }) => !unchanged.includes(target) && fs.existsSync(target)).map(({ target }) => target);
  if (conflicts.length > 0 && !force) {
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
    throw new DaemonError('FAILED', `${conflicts[0]}${more} exists with other content; nothing written: --force replaces it`);
  }
  const written: string[] = [];
  for (const { file, target } of targets) {
    if (unchanged.includes(target)) continue;
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, file.text, 0o644);
    } catch (error) {
      throw new DaemonError('IO', `cannot write ${target}: ${describeErrno(error)}`, { cause: error });
    }
    written.push(target);
  }
  return { written, unchanged };
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
