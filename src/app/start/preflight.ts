import fs = require('node:fs');
import path = require('node:path');
import { describeLookupError, lookupCommand } from '../../common/command-path';
import { describeErrno } from '../../common/errors';
import { DaemonError } from '../../model/errors';
import { PIDFILE_VARIABLE } from '../../os/tag';
import { isPermission } from '../../os/paths';
import { readPidfile } from '../../os/pidfile';
import { lookupGroup, lookupUser } from '../../os/users';
import type { StartOptions } from './options';

/** What was checked and opened before anything starts. */
export interface Plan {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The environment recorded for restart (env without the tag and --user's variables). */
  environment: Record<string, string>;
  /** The command's file, absolute, as found at this start. */
  commandPath: string;
  /** What the shell execs: the command's name as typed, or the recorded file. */
  exec: string;
  uid?: number;
  gid?: number;
  log: string;
  errorLog: string | null;
  logFd: number;
  errorFd: number;
  /** Descriptors to close once the daemon has them. */
  fds: number[];
}

export type Preflight = { plan: Plan; problems: [] } | { plan: null; problems: DaemonError[] };

/**
 * Everything start can check while the user's terminal still hears it: the
 * account, the directory, the command, the pidfile's place, the logs. Every
 * problem found is returned, not only the first; nothing is left open then.
 */
export function preflight(options: StartOptions): Preflight {
  const { paths } = options;
  const problems: DaemonError[] = [];
  const check = <T>(step: () => T): T | undefined => {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof DaemonError)) throw error;
      problems.push(error);
      return undefined;
    }
  };
  const isRoot = process.getuid?.() === 0;
  if ((options.user !== undefined || options.group !== undefined) && !isRoot) {
    problems.push(new DaemonError('PRIVILEGE', `--user and --group need root; this is uid ${process.getuid?.()}`));
  }
  const cwd = options.chdir !== undefined ? path.resolve(options.chdir) : process.cwd();
  check(() => requireDirectory(cwd, (error) => new DaemonError('USAGE', `--chdir ${cwd}: ${describeErrno(error)}`, { cause: error })));
  // What the command is given, as recorded for restart: the tag is ours, and
  // --user's variables are set again from the account at each start.
  const environment = definedStrings({ ...(options.baseEnv ?? process.env), ...options.env });
  delete environment[PIDFILE_VARIABLE];
  const env: NodeJS.ProcessEnv = { ...environment, [PIDFILE_VARIABLE]: paths.pidfile };
  let uid: number | undefined;
  let gid: number | undefined;
  if (options.user !== undefined && isRoot) {
    const account = check(() => lookupUser(options.user!));
    if (account) {
      uid = account.uid;
      gid = account.gid;
      Object.assign(env, { HOME: account.home, USER: account.name, LOGNAME: account.name });
    }
  }
  if (options.group !== undefined && isRoot) gid = check(() => lookupGroup(options.group!)) ?? gid;

  const found = lookupCommand(options.command[0], env.PATH, cwd);
  let commandPath = found.found ? found.file : '';
  // The shell that execs the command searches PATH as lookupCommand does, so
  // the name is run as typed (argv[0] unchanged); only when PATH now finds
  // another file than the recorded one is the recorded file run by its path.
  let exec = options.command[0];
  if (options.commandPath !== undefined && options.commandPath !== commandPath && lookupCommand(options.commandPath, undefined, cwd).found) {
    exec = commandPath = options.commandPath;
  } else if (!found.found) {
    const what = found.errno === 'ENOENT' ? 'command not found' : 'cannot run command';
    problems.push(new DaemonError('NOT_INSTALLED', `${what}: '${options.command[0]}': ${describeLookupError(found.errno)}`));
  }
  check(() => checkPidfileLocation(paths.pidfile));

  // The logs are opened (and so created) only when nothing else is wrong.
  if (problems.length > 0) return { plan: null, problems };
  const log = path.resolve(options.log ?? paths.defaultLog);
  const errorLog = options.errorLog !== undefined ? path.resolve(options.errorLog) : null;
  const umask = options.umask ?? process.umask();
  const fds: number[] = [];
  const logFd = check(() => openLog(log, umask, '--log'));
  if (logFd !== undefined) fds.push(logFd);
  let errorFd = logFd;
  if (errorLog !== null) {
    errorFd = check(() => openLog(errorLog, umask, '--error-log'));
    if (errorFd !== undefined) fds.push(errorFd);
  }
  if (problems.length > 0) {
    for (const fd of fds) fs.closeSync(fd);
    return { plan: null, problems };
  }
  if (options.ready?.kind === 'log' && !fs.fstatSync(logFd!).isFile()) {
    problems.push(new DaemonError('USAGE', `--ready log: reads the log, and ${log} is not a regular file`));
  }
  if (problems.length > 0) {
    for (const fd of fds) fs.closeSync(fd);
    return { plan: null, problems };
  }
  return { plan: { cwd, env, environment, commandPath, exec, uid, gid, log, errorLog, logFd: logFd!, errorFd: errorFd!, fds }, problems: [] };
}

/** process.env's type allows undefined values; an environment has none. */
function definedStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

function requireDirectory(dir: string, fail: (error: unknown) => DaemonError): void {
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (error) {
    throw fail(error);
  }
}

function checkPidfileLocation(pidfile: string): void {
  const dir = path.dirname(pidfile);
  requireDirectory(dir, (error) => new DaemonError('USAGE', `pidfile directory ${dir}: ${describeErrno(error)}`, { cause: error }));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new DaemonError('PRIVILEGE', `cannot write pidfile ${pidfile}: ${describeErrno(error)}`, { cause: error });
  }
  const reading = readPidfile(pidfile);
  if (reading.kind === 'invalid' && reading.problem === 'symlink') {
    throw new DaemonError('USAGE', `refusing pidfile ${pidfile}: it is a symbolic link`);
  }
  // An empty file holds nothing to lose (a writer killed mid-write, not ours:
  // ours are renamed into place); anything else might be the user's.
  if (reading.kind === 'invalid' && reading.problem !== 'empty') {
    throw new DaemonError('BAD_RECORD', `pidfile ${pidfile}: ${reading.reason}; remove it if it is stale`);
  }
}

/**
 * Opens a log for appending. Opened without blocking: a fifo with no reader
 * would hang start (and one with a reader would stall the daemon), so it
 * fails at once (ENXIO) or is refused once opened. A log is a regular file;
 * a character device (/dev/null, a terminal) is taken as asked.
 */
function openLog(file: string, umask: number, option: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NONBLOCK, 0o666 & ~umask);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') throw notAFile(option, file);
    throw new DaemonError(isPermission(error) ? 'PRIVILEGE' : 'USAGE', `cannot open ${option} ${file}: ${describeErrno(error)}`, { cause: error });
  }
  const stat = fs.fstatSync(fd);
  if (stat.isFile()) return fd; // O_NONBLOCK means nothing to a regular file
  fs.closeSync(fd);
  if (!stat.isCharacterDevice()) throw notAFile(option, file);
  // The daemon's output must not fail with EAGAIN: opened again, blocking.
  return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND);
}

function notAFile(option: string, file: string): DaemonError {
  return new DaemonError('USAGE', `refusing ${option} ${file}: it is not a regular file`);
}
