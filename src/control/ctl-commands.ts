/**
 * supervisorctl's commands, run through an XML-RPC caller: each returns the
 * lines supervisorctl 4.x prints and the exit status it ends with, so that
 * tdaemon's verbs behave exactly like it against the same server. Pure
 * apart from the caller (supervisorctl.py's do_* methods, rewritten).
 */
import { asResults, command, upcheck, type Caller, type TransportFailure } from './ctl-run';
import { Faults, isRpcFault, makeNamespec, splitNamespec, type ConfigChanges } from './protocol';
import { clearResultLine, CtlExit, faultResult, formatAvailLine, formatChanges, HELP, StatusExit, statusOutput, type AvailRow, type CtlOutput, type StatusRow } from './status-lines';

export type { Caller } from './ctl-run';
export { ctlRestart, ctlSignal, ctlStart, ctlStop } from './ctl-process-verbs';

export function ctlStatus(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    // The process list is asked for together with the connect check, not
    // after it: the client sends both at once, a round trip sooner. It is
    // read only once the check passes, as supervisorctl reads it.
    const checked = upcheck(caller, out);
    const infos = caller.call('supervisor.getAllProcessInfo');
    infos.catch(() => {}); // unread when the check fails
    if (!(await checked)) {
      out.exitCode = StatusExit.UNKNOWN;
      return;
    }
    const all = (await infos) as unknown as StatusRow[];
    const result = statusOutput(all, names);
    out.say(...result.lines);
    out.exitCode = result.exitCode;
  });
}

/** `pid` (the supervisor's), `pid all`, or `pid NAME...` (exit 7 for a process without one). */
export function ctlPid(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (names.length === 0) return out.say(String(await caller.call('supervisor.getPID')));
    if (names.includes('all')) {
      for (const info of (await caller.call('supervisor.getAllProcessInfo')) as Array<{ pid: number }>) out.say(String(info.pid));
      return;
    }
    for (const name of names) {
      try {
        const { pid } = (await caller.call('supervisor.getProcessInfo', [name])) as { pid: number };
        out.say(String(pid));
        if (pid === 0) out.exitCode = CtlExit.NOT_RUNNING;
      } catch (error) {
        out.exitCode = CtlExit.GENERIC;
        if (!isRpcFault(error) || error.code !== Faults.BAD_NAME) throw error;
        out.say(`No such process ${name}`);
      }
    }
  });
}

export function ctlAvail(caller: Caller): Promise<CtlOutput> {
  return command(async (out) => {
    try {
      for (const row of (await caller.call('supervisor.getAllConfigInfo')) as unknown as AvailRow[]) out.say(formatAvailLine(row));
    } catch (error) {
      out.exitCode = CtlExit.GENERIC;
      if (!isRpcFault(error) || error.code !== Faults.SHUTDOWN_STATE) throw error;
      out.say('ERROR: supervisor shutting down');
    }
  });
}

async function reloadConfig(caller: Caller): Promise<ConfigChanges> {
  const [changes] = (await caller.call('supervisor.reloadConfig')) as unknown as [ConfigChanges];
  return changes;
}

export function ctlReread(caller: Caller): Promise<CtlOutput> {
  return command(async (out) => {
    try {
      out.say(...formatChanges(await reloadConfig(caller)));
    } catch (error) {
      out.exitCode = CtlExit.GENERIC;
      if (isRpcFault(error) && error.code === Faults.SHUTDOWN_STATE) out.say('ERROR: supervisor shutting down');
      else if (isRpcFault(error) && error.code === Faults.CANT_REREAD) out.say(`ERROR: ${error.text}`);
      else throw error;
    }
  });
}

/**
 * supervisorctl's `update [GROUP...]`: removed groups are stopped and
 * removed, changed ones stopped, removed and added again (so the whole
 * group restarts), added ones added.
 */
/**
 * supervisorctl's update, line for line. With PER_PROCESS (tdaemon's own
 * verb), a changed group is updated process by process on the server
 * (tdaemon.updateProcessGroup): its unchanged processes keep running.
 */
export function ctlUpdate(caller: Caller, groups: readonly string[], perProcess = false): Promise<CtlOutput> {
  return command(async (out) => {
    let added: string[];
    let changed: string[];
    let removed: string[];
    try {
      [added, changed, removed] = await reloadConfig(caller);
    } catch (error) {
      out.exitCode = CtlExit.GENERIC;
      if (!isRpcFault(error) || error.code !== Faults.SHUTDOWN_STATE) throw error;
      return out.say('ERROR: already shutting down');
    }
    const wanted = new Set(groups.includes('all') ? [] : groups);
    if (wanted.size) {
      const known = new Set(((await caller.call('supervisor.getAllProcessInfo')) as Array<{ group: string }>).map((info) => info.group));
      for (const name of added) known.add(name);
      for (const name of wanted) {
        if (known.has(name)) continue;
        out.say(`ERROR: no such group: ${name}`);
        out.exitCode = CtlExit.GENERIC;
      }
    }
    const chosen = (name: string): boolean => wanted.size === 0 || wanted.has(name);
    for (const name of removed.filter(chosen)) {
      const results = asResults(await caller.call('supervisor.stopProcessGroup', [name]));
      out.say(`${name}: stopped`);
      if (results.some((r) => r.status === Faults.FAILED)) {
        out.say(`${name}: has problems; not removing`);
        out.exitCode = CtlExit.GENERIC;
        continue;
      }
      await caller.call('supervisor.removeProcessGroup', [name]);
      out.say(`${name}: removed process group`);
    }
    for (const name of changed.filter(chosen)) {
      if (perProcess) {
        await caller.call('tdaemon.updateProcessGroup', [name]);
        out.say(`${name}: stopped`);
        out.say(`${name}: updated process group`);
        continue;
      }
      await caller.call('supervisor.stopProcessGroup', [name]);
      out.say(`${name}: stopped`);
      await caller.call('supervisor.removeProcessGroup', [name]);
      await caller.call('supervisor.addProcessGroup', [name]);
      out.say(`${name}: updated process group`);
    }
    for (const name of added.filter(chosen)) {
      await caller.call('supervisor.addProcessGroup', [name]);
      out.say(`${name}: added process group`);
    }
  });
}

export function ctlClear(caller: Caller, names: readonly string[]): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    if (names.length === 0) {
      out.say('Error: clear requires a process name', ...HELP.clear);
      out.exitCode = CtlExit.GENERIC;
      return;
    }
    if (names.includes('all')) {
      for (const result of asResults(await caller.call('supervisor.clearAllProcessLogs'))) {
        out.say(clearResultLine(result));
        out.fault(result.status);
      }
      return;
    }
    for (const name of names) {
      try {
        await caller.call('supervisor.clearProcessLogs', [name]);
        const [group, process] = splitNamespec(name);
        out.say(`${makeNamespec(group, process ?? group)}: cleared`);
      } catch (error) {
        if (!isRpcFault(error)) throw error;
        out.say(clearResultLine(faultResult(name, error.code, error.text)));
        out.fault(error.code);
      }
    }
  });
}

export function ctlVersion(caller: Caller): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    out.say(String(await caller.call('supervisor.getSupervisorVersion')));
  });
}

/** `tail [-BYTES] NAME [stdout|stderr]`: the last BYTES (1600) bytes, printed with one more newline. */
export function ctlTail(caller: Caller, name: string, channel: 'stdout' | 'stderr' = 'stdout', bytes = 1600): Promise<CtlOutput> {
  return command(async (out) => {
    if (!(await upcheck(caller, out))) return;
    try {
      const method = channel === 'stdout' ? 'supervisor.readProcessStdoutLog' : 'supervisor.readProcessStderrLog';
      out.say(String(await caller.call(method, [name, -bytes, 0])));
    } catch (error) {
      out.exitCode = CtlExit.GENERIC;
      if (!isRpcFault(error)) throw error;
      if (error.code === Faults.NO_FILE) out.say(`${name}: ERROR (no log file)`);
      else if (error.code === Faults.FAILED) out.say(`${name}: ERROR (unknown error reading log)`);
      else if (error.code === Faults.BAD_NAME) out.say(`${name}: ERROR (no such process name)`);
      else throw error;
    }
  });
}

export function ctlShutdown(caller: Caller): Promise<CtlOutput> {
  return command(async (out) => {
    try {
      await caller.call('supervisor.shutdown');
      out.say('Shut down');
    } catch (error) {
      const kind = (error as TransportFailure)?.kind;
      if (isRpcFault(error) && error.code === Faults.SHUTDOWN_STATE) return out.say('ERROR: already shutting down');
      if (kind === 'refused' || kind === 'no-such-file') {
        out.exitCode = CtlExit.GENERIC;
        return out.say(`ERROR: ${caller.serverUrl} ${kind === 'refused' ? 'refused connection' : 'no such file'} (already shut down?)`);
      }
      throw error;
    }
  });
}
