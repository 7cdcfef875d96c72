/**
 * supervisorctl's start, stop, restart and signal (supervisorctl.py's
 * do_start/do_stop/do_restart/do_signal): the lines it prints and its exit
 * status, through an XML-RPC caller.
 */
import { Faults, isRpcFault, makeNamespec, splitNamespec, type ProcessResult } from './protocol';
import { asResults, command, upcheck, type Caller, type Output } from './ctl-run';
import { CtlExit, faultResult, HELP, signalResultLine, startResultLine, stopResultLine, type CtlOutput } from './status-lines';

async function startNames(caller: Caller, out: Output, names: readonly string[]): Promise<void> {
  if (names.includes('all')) {
    for (const result of asResults(await caller.call('supervisor.startAllProcesses'))) {
      out.say(startResultLine(result));
      out.fault(result.status, Faults.ALREADY_STARTED);
    }
    return;
  }
  for (const name of names) {
    const [group, process] = splitNamespec(name);
    if (process === null) {
      try {
        for (const result of asResults(await caller.call('supervisor.startProcessGroup', [group]))) {
          out.say(startResultLine(result));
          out.fault(result.status, Faults.ALREADY_STARTED);
        }
      } catch (error) {
        if (!isRpcFault(error) || error.code !== Faults.BAD_NAME) throw error;
        out.say(`${group}: ERROR (no such group)`);
        out.exitCode = CtlExit.INVALID_ARGS;
      }
      continue;
    }
    try {
      await caller.call('supervisor.startProcess', [name]);
      out.say(`${makeNamespec(group, process)}: started`);
    } catch (error) {
      if (!isRpcFault(error)) throw error;
      out.say(startResultLine(faultResult(name, error.code, error.text)));
      out.fault(error.code, Faults.ALREADY_STARTED);
    }
  }
}

async function stopNames(caller: Caller, out: Output, names: readonly string[]): Promise<void> {
  if (names.includes('all')) {
    for (const result of asResults(await caller.call('supervisor.stopAllProcesses'))) {
      out.say(stopResultLine(result));
      out.fault(result.status, Faults.NOT_RUNNING);
    }
    return;
  }
  for (const name of names) {
    const [group, process] = splitNamespec(name);
    if (process === null) {
      try {
        for (const result of asResults(await caller.call('supervisor.stopProcessGroup', [group]))) {
          out.say(stopResultLine(result));
          out.fault(result.status, Faults.NOT_RUNNING);
        }
      } catch (error) {
        out.exitCode = CtlExit.GENERIC;
        if (!isRpcFault(error) || error.code !== Faults.BAD_NAME) throw error;
        out.say(`${group}: ERROR (no such group)`);
      }
      continue;
    }
    try {
      await caller.call('supervisor.stopProcess', [name]);
      out.say(`${makeNamespec(group, process)}: stopped`);
    } catch (error) {
      if (!isRpcFault(error)) throw error;
      out.say(stopResultLine(faultResult(name, error.code, error.text)));
      out.fault(error.code, Faults.NOT_RUNNING);
    }
  }
}

export function ctlStart(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (names.length === 0) {
      out.say('Error: start requires a process name', ...HELP.start);
      out.exitCode = CtlExit.INVALID_ARGS;
      return;
    }
    await startNames(caller, out, names);
  });
}

export function ctlStop(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (names.length === 0) {
      out.say('Error: stop requires a process name', ...HELP.stop);
      out.exitCode = CtlExit.GENERIC;
      return;
    }
    await stopNames(caller, out, names);
  });
}

/** A stop, then a start: not atomic, as in supervisorctl. */
export function ctlRestart(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (names.length === 0) {
      out.say('Error: restart requires a process name', ...HELP.restart);
      out.exitCode = CtlExit.GENERIC;
      return;
    }
    await stopNames(caller, out, names);
    await startNames(caller, out, names);
  });
}

export function ctlSignal(caller: Caller, signal: string | undefined, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (!signal || names.length === 0) {
      out.say('Error: signal requires a signal name and a process name', ...HELP.signal);
      out.exitCode = CtlExit.GENERIC;
      return;
    }
    const report = (results: ProcessResult[]): void => {
      for (const result of results) {
        out.say(signalResultLine(result));
        out.fault(result.status);
      }
    };
    if (names.includes('all')) return report(asResults(await caller.call('supervisor.signalAllProcesses', [signal])));
    for (const name of names) {
      const [group, process] = splitNamespec(name);
      if (process === null) {
        try {
          report(asResults(await caller.call('supervisor.signalProcessGroup', [group, signal])));
        } catch (error) {
          if (!isRpcFault(error) || error.code !== Faults.BAD_NAME) throw error;
          out.say(`${group}: ERROR (no such group)`);
          out.exitCode = CtlExit.GENERIC;
        }
        continue;
      }
      try {
        await caller.call('supervisor.signalProcess', [name, signal]);
        out.say(`${makeNamespec(group, process)}: signalled`);
      } catch (error) {
        if (!isRpcFault(error)) throw error;
        out.say(signalResultLine(faultResult(name, error.code, error.text)));
        out.fault(error.code);
      }
    }
  });
}
