import { spawn } from 'node:child_process';
import fs = require('node:fs');
import path = require('node:path');
import type * as SignalExit from 'signal-exit';
import { beginAtomicWrite, removeIfHolds, type PendingFile } from '../common/atomic-file';
import { lookupCommand } from '../common/command-path';
import { describeErrno } from '../common/errors';
import { readProcStat } from '../common/proc';
import { pidfileBase } from '../model/daemon-paths';
import { formatStateText } from '../model/state-codec';
import { hupIgnoringArgvRaw, SHELL } from '../common/hup-shim';
import { rawTailArguments } from '../common/raw-args';
import { quoteName } from '../common/quote';
import { dieOf, exitWith } from './exit';
import { readTerminalFacts } from './facts';
import { checkInterpreter } from './interpreter';
import { closingInShim, stdioFor } from './descriptors';
import { openOutput } from './output';
import { noticesFor, planDescriptors, planNohup } from './plan';
import { nohupRecord } from './record';
import { describeCode, writeText } from './write';

export interface NohupOptions {
  command: string;
  args: string[];
  pidfile?: string;
  output?: string;
  /** 125, or 127 when POSIXLY_CORRECT is set. */
  internalFailure: number;
  /** Descriptors 0-2 that the caller left closed. */
  closed: ReadonlySet<number>;
  /** The caller's descriptors above 2, handed on to the command as GNU does. */
  inherited: readonly number[];
}

/** Signals tnohup passes on to the command's process group. */
export const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * Runs the command as GNU nohup would, but in a session of its own with
 * tnohup staying as its parent to relay signals and the exit status.
 */
export function runNohup(options: NohupOptions): void {
  const { closed, internalFailure } = options;
  const facts = readTerminalFacts(closed, options.output, process.env);
  const plan = planNohup(facts);
  /** A line on tnohup's own stderr; the errno code if it could not be written. */
  const say = (line: string) => writeText(2, `tnohup: ${line}\n`, closed);
  const failWith = (line: string, status: number): never => {
    say(line);
    return exitWith(status);
  };

  let stdinTarget: number | null = null;
  if (plan.ignoreInput) {
    try {
      // Write-only, as GNU does: any read by the command fails at once.
      stdinTarget = fs.openSync('/dev/null', 'w');
    } catch (error) {
      failWith(`failed to render standard input unusable: ${describeErrno(error)}`, internalFailure);
    }
  }

  const output = openOutput(plan.outputCandidates, say, internalFailure);
  // GNU stops when a notice cannot be written (stderr closed, /dev/full, a
  // hung-up terminal), before the command runs; the file stays created.
  let noticeFailed = false;
  for (const notice of noticesFor(plan, facts, output ? quoteName(output.name) : null)) {
    if (say(notice) !== null) noticeFailed = true;
  }
  if (noticeFailed) exitWith(internalFailure);

  let pending: PendingFile | null = null;
  let pendingState: PendingFile | null = null;
  const statefile = options.pidfile === undefined ? null : `${pidfileBase(options.pidfile)}.state`;
  if (options.pidfile !== undefined) {
    try {
      refuseDirectory(options.pidfile);
      pending = beginAtomicWrite(options.pidfile, 0o644);
    } catch (error) {
      failWith(`cannot write pidfile ${quoteName(options.pidfile)}: ${describeErrno(error)}`, internalFailure);
    }
    try {
      pendingState = beginAtomicWrite(statefile!, 0o644);
    } catch (error) {
      pending?.abandon();
      failWith(`cannot write state file ${quoteName(statefile!)}: ${describeErrno(error)}`, internalFailure);
    }
  }
  const abandonFiles = () => {
    pending?.abandon();
    pendingState?.abandon();
  };
  // Loaded only with -p: without a pidfile there is nothing to clean up.
  const removeTempOnExit = pending ? (require('signal-exit') as typeof SignalExit).onExit(abandonFiles) : () => {};
  const failedToRun = (code: string): never => {
    abandonFiles();
    return failWith(`failed to run command ${quoteName(options.command)}: ${describeCode(code)}`, code === 'ENOENT' ? 127 : 126);
  };

  const found = lookupCommand(options.command, process.env.PATH, process.cwd());
  if (!found.found) failedToRun(found.errno);
  const file = (found as { file: string }).file;
  const interpreterFailure = checkInterpreter(file);
  if (interpreterFailure !== null) failedToRun(interpreterFailure);

  const slots = planDescriptors(facts, plan, output !== null);
  const stdio = stdioFor(slots, { unreadable: stdinTarget, file: output?.fd ?? null }, options.inherited);

  // Hangups must not end tnohup: it relays the command's status. The
  // forwarders are in place before the command starts, so that a signal sent
  // as soon as the command runs cannot kill tnohup and orphan the command.
  process.on('SIGHUP', () => {});
  let pid: number | undefined;
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => forwardToGroup(pid, signal));
  }

  // With PATH unset, sh would search its own default path, not execvp's:
  // hand it the file this lookup found so both agree.
  const commandToRun = process.env.PATH === undefined ? file : options.command;
  let child;
  try {
    // Raw bytes are only needed for the arguments, the tail of our own argv.
    const raw = [null, ...rawTailArguments(options.args)];
    const argv = closingInShim(hupIgnoringArgvRaw(commandToRun, options.args, raw), slots);
    child = spawn(SHELL, argv, { detached: true, stdio });
  } catch (error) {
    failedToRun((error as NodeJS.ErrnoException).code ?? 'EIO');
  }
  for (const fd of [stdinTarget, output?.fd]) if (typeof fd === 'number') fs.closeSync(fd);

  pid = child!.pid;
  let pidfileContent: string | null = null;
  let stateContent: string | null = null;
  child!.once('spawn', () => {
    if (pending && pid !== undefined) {
      // The record first, then the pidfile that points at it, as tdaemon
      // publishes: a reader never sees the pidfile without it.
      stateContent = commitRecord(pendingState!, pid, options, output?.name ?? null, say);
      pidfileContent = `${pid}\n`;
      try {
        pending.commit(pidfileContent);
      } catch (error) {
        pidfileContent = null;
        say(`cannot write pidfile ${quoteName(pending.target)}: ${describeErrno(error)}`);
      }
    }
  });

  child!.once('error', (error: NodeJS.ErrnoException) => failedToRun(error.code ?? 'EIO'));

  child!.once('exit', (code, signal) => {
    if (options.pidfile !== undefined && pidfileContent !== null) removeIfHolds(options.pidfile, pidfileContent);
    if (statefile !== null && stateContent !== null) removeIfHolds(statefile, stateContent);
    removeTempOnExit();
    if (signal) dieOf(signal);
    exitWith(code ?? 0);
  });
}

/**
 * Publishes tdaemon's record of the command (nohup/record.ts) and returns
 * its text, or null, having said why, when it cannot be written: the
 * command runs on, and tdaemon then takes the pidfile for another's.
 */
function commitRecord(
  pending: PendingFile,
  pid: number,
  options: NohupOptions,
  output: string | null,
  say: (line: string) => unknown,
): string | null {
  const startTicks = readProcStat(pid)?.startTicks;
  if (startTicks === undefined) {
    pending.abandon(); // already gone: its exit is on the way
    return null;
  }
  const record = nohupRecord({
    name: path.basename(pidfileBase(options.pidfile!)),
    pid,
    startTicks,
    startedAt: new Date().toISOString(),
    command: [options.command, ...options.args],
    cwd: process.cwd(),
    log: output === null ? outputTarget() : path.resolve(output),
  });
  const text = formatStateText(record);
  try {
    pending.commit(text);
    return text;
  } catch (error) {
    say(`cannot write state file ${quoteName(pending.target)}: ${describeErrno(error)}`);
    return null;
  }
}

/** Where tnohup's stdout, and so the command's, goes: a file's path, or what /proc says (pipe:[N], /dev/null). */
function outputTarget(): string {
  try {
    return fs.readlinkSync('/proc/self/fd/1');
  } catch {
    return '/dev/null';
  }
}

/** rename(2) cannot replace a directory: find out before the command starts. */
function refuseDirectory(file: string): void {
  let isDirectory = false;
  try {
    isDirectory = fs.lstatSync(file).isDirectory();
  } catch {
    return; // absent: beginAtomicWrite reports any real problem
  }
  if (isDirectory) throw Object.assign(new Error('Is a directory'), { code: 'EISDIR' });
}

/** The command leads its own process group; kill %1 or Ctrl-C reach all of it. */
function forwardToGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone; its exit is on the way
    }
  }
}
