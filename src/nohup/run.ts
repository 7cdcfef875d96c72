import { spawn, type StdioOptions } from 'node:child_process';
import fs = require('node:fs');
import type * as SignalExit from 'signal-exit';
import { beginAtomicWrite, openAppendExact, removeIfHolds, type PendingFile } from '../common/atomic-file';
import { describeLookupError, lookupCommand } from '../common/command-path';
import { CliError, describeErrno } from '../common/errors';
import { hupIgnoringArgvRaw, SHELL } from '../common/hup-shim';
import { rawTailArguments } from '../common/raw-args';
import { quoteName } from '../common/quote';
import { sayError } from '../common/say';
import { dieBySignal } from '../common/signals';
import { readTerminalFacts } from './facts';
import { noticesFor, planNohup } from './plan';

export interface NohupOptions {
  command: string;
  args: string[];
  pidfile?: string;
  output?: string;
  /** 125, or 127 when POSIXLY_CORRECT is set. */
  internalFailure: number;
}

/** Signals tnohup passes on to the command's process group. */
export const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * Runs the command as GNU nohup would, but in a session of its own with
 * tnohup staying as its parent to relay signals and the exit status.
 */
export function runNohup(options: NohupOptions): void {
  const facts = readTerminalFacts(options.output, process.env);
  const plan = planNohup(facts);
  const fail = (message: string) => new CliError(message, options.internalFailure);

  let stdinTarget: number | 'inherit' = 'inherit';
  if (plan.ignoreInput) {
    try {
      // Write-only, as GNU does: any read by the command fails at once.
      stdinTarget = fs.openSync('/dev/null', 'w');
    } catch (error) {
      throw fail(`failed to render standard input unusable: ${describeErrno(error)}`);
    }
  }

  const output = openOutput(plan.outputCandidates, fail);
  for (const notice of noticesFor(plan, facts, output ? quoteName(output.name) : null)) {
    sayError('tnohup', notice);
  }

  let pending: PendingFile | null = null;
  if (options.pidfile !== undefined) {
    try {
      refuseDirectory(options.pidfile);
      pending = beginAtomicWrite(options.pidfile, 0o644);
    } catch (error) {
      throw fail(`cannot write pidfile ${quoteName(options.pidfile)}: ${describeErrno(error)}`);
    }
  }
  // Loaded only with -p: without a pidfile there is nothing to clean up.
  const removeTempOnExit = pending ? (require('signal-exit') as typeof SignalExit).onExit(() => pending?.abandon()) : () => {};

  const found = lookupCommand(options.command, process.env.PATH, process.cwd());
  if (!found.found) {
    pending?.abandon();
    throw new CliError(
      `failed to run command ${quoteName(options.command)}: ${describeLookupError(found.errno)}`,
      found.errno === 'ENOENT' ? 127 : 126,
    );
  }

  const stdoutTarget: number | 'inherit' | 'ignore' =
    plan.stdoutToFile && output ? output.fd : facts.stdoutIsClosed ? 'ignore' : 'inherit';
  let stderrTarget: number | 'inherit' = 'inherit';
  if (plan.stderrToStdout) stderrTarget = output ? output.fd : 1;
  const stdio: StdioOptions = [stdinTarget, stdoutTarget, stderrTarget];

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
  const commandToRun = process.env.PATH === undefined ? found.file : options.command;
  let child;
  try {
    // Raw bytes are only needed for the arguments, the tail of our own argv.
    const raw = [null, ...rawTailArguments(options.args)];
    child = spawn(SHELL, hupIgnoringArgvRaw(commandToRun, options.args, raw), { detached: true, stdio });
  } catch (error) {
    pending?.abandon();
    throw fail(`failed to run command ${quoteName(options.command)}: ${describeErrno(error)}`);
  }
  for (const fd of [stdinTarget, output?.fd]) if (typeof fd === 'number') fs.closeSync(fd);

  pid = child.pid;
  let pidfileContent: string | null = null;
  child.once('spawn', () => {
    if (pending && pid !== undefined) {
      pidfileContent = `${pid}\n`;
      try {
        pending.commit(pidfileContent);
      } catch (error) {
        pidfileContent = null;
        sayError('tnohup', `cannot write pidfile ${quoteName(pending.target)}: ${describeErrno(error)}`);
      }
    }
  });

  child.once('error', (error) => {
    pending?.abandon();
    sayError('tnohup', `failed to run command ${quoteName(options.command)}: ${describeErrno(error)}`);
    process.exit(126);
  });

  child.once('exit', (code, signal) => {
    if (options.pidfile !== undefined && pidfileContent !== null) removeIfHolds(options.pidfile, pidfileContent);
    removeTempOnExit();
    if (signal) dieBySignal(signal);
    process.exit(code ?? 0);
  });
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

interface OpenedOutput {
  name: string;
  fd: number;
}

function openOutput(candidates: string[], fail: (message: string) => CliError): OpenedOutput | null {
  if (candidates.length === 0) return null;
  const failures: string[] = [];
  for (const name of candidates) {
    try {
      return { name, fd: openAppendExact(name, 0o600) };
    } catch (error) {
      failures.push(`failed to open ${quoteName(name)}: ${describeErrno(error)}`);
    }
  }
  // GNU names every file it tried; the last line carries the exit status.
  for (const line of failures.slice(0, -1)) sayError('tnohup', line);
  throw fail(failures[failures.length - 1]);
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
