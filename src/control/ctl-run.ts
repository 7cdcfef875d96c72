/**
 * How supervisorctl runs a command: the connect check (getVersion must be
 * "3.0"), the exit status a fault leaves, and what an unexpected error
 * prints. Pure apart from the caller.
 */
import { API_VERSION, Faults, isRpcFault, type ProcessResult } from './protocol';
import { CtlExit, exitAfterFault, type CtlOutput } from './status-lines';
import type { XmlRpcValue } from './xmlrpc';

export interface Caller {
  /** The server URL, for connection messages (`unix:///x.sock no such file`). */
  readonly serverUrl: string;
  call(methodName: string, params?: readonly XmlRpcValue[]): Promise<XmlRpcValue>;
}

/** A transport failure as the client reports it (see rpc-client.ts); anything with this shape works. */
export interface TransportFailure {
  kind: string;
  status?: number;
}

export class Output implements CtlOutput {
  lines: string[] = [];
  exitCode: number = CtlExit.SUCCESS;
  say(...lines: string[]): void {
    this.lines.push(...lines);
  }
  fault(code: number, ignored?: number): void {
    this.exitCode = exitAfterFault(this.exitCode, code, ignored);
  }
}

/**
 * Runs BODY; an error supervisorctl does not handle ends the command with
 * exit 1 and one `error:` line (supervisorctl prints a traceback summary
 * there), a 401 with `Server requires authentication`.
 */
export async function command(body: (out: Output) => Promise<void>): Promise<CtlOutput> {
  const out = new Output();
  try {
    await body(out);
  } catch (error) {
    out.exitCode = CtlExit.GENERIC;
    const failure = error as TransportFailure;
    if (failure?.kind === 'http-status' && failure.status === 401) out.say('Server requires authentication');
    else if (isRpcFault(error)) out.say(`error: <Fault ${error.code}: '${error.text}'>`);
    else out.say(`error: ${(error as Error)?.message ?? String(error)}`);
  }
  return { lines: out.lines, exitCode: out.exitCode };
}

/** supervisorctl's connect check: getVersion must answer "3.0". False means: stop here, OUT says why. */
export async function upcheck(caller: Caller, out: Output): Promise<boolean> {
  try {
    const api = await caller.call('supervisor.getVersion');
    if (api !== API_VERSION) {
      out.say(`Sorry, this version of supervisorctl expects to talk to a server with API version ${API_VERSION}, but the remote version is ${String(api)}.`);
      out.exitCode = CtlExit.NOT_INSTALLED;
      return false;
    }
    return true;
  } catch (error) {
    if (isRpcFault(error) && error.code === Faults.UNKNOWN_METHOD) {
      out.say(
        'Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).',
      );
      out.exitCode = CtlExit.UNIMPLEMENTED_FEATURE;
      return false;
    }
    const kind = (error as TransportFailure)?.kind;
    if (kind === 'refused') {
      out.say(`${caller.serverUrl} refused connection`);
      out.exitCode = CtlExit.INSUFFICIENT_PRIVILEGES;
      return false;
    }
    if (kind === 'no-such-file') {
      out.say(`${caller.serverUrl} no such file`);
      out.exitCode = CtlExit.NOT_RUNNING;
      return false;
    }
    throw error;
  }
}

export const asResults = (value: XmlRpcValue): ProcessResult[] => value as unknown as ProcessResult[];
