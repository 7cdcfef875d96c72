// stdout_*/stderr_* keys of one process: supervisor reads them inside the
// numprocs loop, so %(process_num)s works in a log path.
import type { LogSpec } from '../model/program';
import type { ExpansionNames } from './expand';
import { dirname, expandUser, resolvePath } from './paths';
import type { SectionReader } from './reader';
import { logfileWord, MissingDirectory, parseBoolean, parseByteSize, parseNonNegative, ValueProblem } from './values';

const DEFAULT_MAXBYTES = 50 * 1024 * 1024;

export function readLogSpec(r: SectionReader, channel: 'stdout' | 'stderr', names: ExpansionNames): LogSpec {
  const key = `${channel}_logfile`;
  const maxbytes = r.value(`${key}_maxbytes`, names, parseNonNegativeSize, DEFAULT_MAXBYTES);
  const spec: LogSpec = {
    logfile: 'AUTO',
    maxbytes,
    backups: r.value(`${key}_backups`, names, parseNonNegative, 10),
    captureMaxbytes: r.value(`${channel}_capture_maxbytes`, names, parseNonNegativeSize, 0),
    eventsEnabled: r.value(`${channel}_events_enabled`, names, parseBoolean, false),
    syslog: r.value(`${channel}_syslog`, names, parseBoolean, false),
  };
  const entry = r.entry(key);
  if (entry) {
    const text = r.expand(entry, entry.value, names);
    const word = logfileWord(text);
    if (word === 'SYSLOG') {
      r.warn(`${key}=syslog is deprecated (supervisor reads it as ${channel}_syslog=true); write ${channel}_syslog=true`, key);
      spec.logfile = 'NONE';
      spec.syslog = true;
    } else if (word) spec.logfile = word;
    else spec.logfile = r.convert(entry, text, (path) => existingFilePath(r, path));
  }
  if (spec.logfile === 'AUTO' && spec.maxbytes === 0) {
    r.warn(`${key} is AUTO with ${key}_maxbytes=0: nothing bounds the file's size`, key);
  }
  return spec;
}

function parseNonNegativeSize(text: string): number {
  const size = parseByteSize(text);
  if (size < 0) throw new ValueProblem('must not be negative');
  return size;
}

/**
 * supervisor's existing_dirpath: `~` expanded, and the directory part must
 * exist (a bare file name is taken from the current directory). We return
 * the path made absolute, so a later chdir does not move it.
 */
export function existingFilePath(r: SectionReader, path: string): string {
  const { deps } = r.ctx;
  const expanded = expandUser(path, deps.env.HOME, (name) => deps.lookupUser(name)?.home);
  const dir = dirname(expanded);
  if (dir !== '' && !deps.dirExists(resolvePath(deps.cwd, dir))) {
    throw new MissingDirectory(`the directory ${dir} does not exist`);
  }
  return resolvePath(deps.cwd, expanded);
}

/** supervisor's existing_directory, made absolute. */
export function existingDirectory(r: SectionReader, path: string): string {
  const { deps } = r.ctx;
  const expanded = resolvePath(deps.cwd, expandUser(path, deps.env.HOME, (name) => deps.lookupUser(name)?.home));
  if (!deps.dirExists(expanded)) throw new MissingDirectory(`the directory ${path} does not exist`);
  return expanded;
}
