/**
 * supervisor's XML-RPC protocol as data: fault codes, the process struct and
 * its description text, the per-process result struct of group operations,
 * and namespecs. Pure: the server, the client and tdaemon's verbs share it.
 */
import { processStateName, ProcessStates } from '../model/supervisor-states';

export const Faults = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

export type FaultName = keyof typeof Faults;

/** supervisor names an unknown code 'UNKNOWN' in fault strings. */
export function faultName(code: number): string {
  for (const [name, value] of Object.entries(Faults)) if (value === code) return name;
  return 'UNKNOWN';
}

/**
 * A fault as supervisor raises it: faultString is the code's name, then
 * ": extra" when there is one (`BAD_NAME: nosuch`). Backends throw these;
 * the client throws them when the server answers with a fault.
 */
export class RpcFault extends Error {
  readonly code: number;
  readonly text: string;
  constructor(code: number, extra?: string | null, text?: string) {
    const faultString = text ?? (extra === undefined || extra === null ? faultName(code) : `${faultName(code)}: ${extra}`);
    super(faultString);
    this.name = 'RpcFault';
    this.code = code;
    this.text = faultString;
  }
}

export function isRpcFault(error: unknown): error is RpcFault {
  return error instanceof RpcFault;
}

/** `group:process`, or just the name when the group has the process's name (supervisor's make_namespec). */
export function makeNamespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`;
}

/** `g:p` -> [g, p]; `g:*` and `g:` -> [g, null] (the whole group); `p` -> [p, p]. */
export function splitNamespec(namespec: string): [group: string, process: string | null] {
  const colon = namespec.indexOf(':');
  if (colon < 0) return [namespec, namespec];
  const process = namespec.slice(colon + 1);
  return [namespec.slice(0, colon), process === '' || process === '*' ? null : process];
}

/** What a backend knows about one process; times are epoch seconds (0 = never). */
export interface ProcessFacts {
  name: string;
  group: string;
  start: number;
  stop: number;
  state: number;
  spawnerr: string;
  exitstatus: number;
  stdoutLogfile: string;
  stderrLogfile: string;
  pid: number;
  /** Restarts so far (the web page shows it; not part of supervisor's struct). */
  restarts?: number;
}

/** The process struct, keys in supervisor's order (its responses are compared byte for byte). */
export interface ProcessInfo {
  name: string;
  group: string;
  start: number;
  stop: number;
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  exitstatus: number;
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
  description: string;
}

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** supervisor truncates times to int and caps them to XML-RPC's int32 (until 2038 that cap never bites). */
export function cappedInt(value: number): number {
  const i = Math.trunc(value);
  return i < INT_MIN ? INT_MIN : i > INT_MAX ? INT_MAX : i;
}

export function toProcessInfo(facts: ProcessFacts, nowSeconds: number): ProcessInfo {
  const info: ProcessInfo = {
    name: facts.name,
    group: facts.group,
    start: cappedInt(facts.start),
    stop: cappedInt(facts.stop),
    now: cappedInt(nowSeconds),
    state: facts.state,
    statename: processStateName(facts.state) ?? 'UNKNOWN',
    spawnerr: facts.spawnerr || '',
    exitstatus: facts.exitstatus || 0,
    logfile: facts.stdoutLogfile || '',
    stdout_logfile: facts.stdoutLogfile || '',
    stderr_logfile: facts.stderrLogfile || '',
    pid: facts.pid,
    description: '',
  };
  info.description = describeProcess(info);
  return info;
}

/**
 * The description column, built by the server as supervisor's
 * `_interpretProcessInfo` does: uptime for RUNNING, spawnerr for
 * BACKOFF/FATAL, the stop time (server's local zone) or `Not started` for
 * STOPPED/EXITED, empty otherwise.
 */
export function describeProcess(info: Pick<ProcessInfo, 'state' | 'start' | 'stop' | 'now' | 'pid' | 'spawnerr' | 'name'>): string {
  switch (info.state) {
    case ProcessStates.RUNNING:
      return `pid ${info.pid}, uptime ${formatUptime(info.now - info.start)}`;
    case ProcessStates.FATAL:
    case ProcessStates.BACKOFF:
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case ProcessStates.STOPPED:
    case ProcessStates.EXITED:
      return info.start ? formatStopTime(info.stop) : 'Not started';
    default:
      return '';
  }
}

/** Python's str(timedelta) of whole seconds: `0:00:04`, `1 day, 0:00:04`, `2 days, 1:02:03`; negative clamps to 0. */
export function formatUptime(seconds: number): string {
  const total = Math.max(0, Math.trunc(seconds));
  const days = Math.floor(total / 86400);
  const rest = total % 86400;
  const clock = `${Math.floor(rest / 3600)}:${pad2(Math.floor(rest / 60) % 60)}:${pad2(rest % 60)}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime('%b %d %I:%M %p') in the C locale and the local zone: `Nov 29 06:22 PM`. */
export function formatStopTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const hour12 = d.getHours() % 12 || 12;
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(hour12)}:${pad2(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** One entry of the array that group and `all` operations return. */
export interface ProcessResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

/** An entry for a process whose operation succeeded (status SUCCESS, description `OK`). */
export function successResult(group: string, name: string): ProcessResult {
  return { name, group, status: Faults.SUCCESS, description: 'OK' };
}

/**
 * Runs one operation per process at once, as supervisor's group calls do,
 * and lists each outcome as it settles (faults become status + text).
 * Errors that are not faults are passed on: they are the server's bugs.
 */
export async function settleEach(
  targets: ReadonlyArray<{ group: string; name: string }>,
  run: (namespec: string) => Promise<unknown>,
): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  await Promise.all(
    targets.map(async ({ group, name }) => {
      try {
        await run(makeNamespec(group, name));
        results.push(successResult(group, name));
      } catch (error) {
        if (!isRpcFault(error)) throw error;
        results.push({ name, group, status: error.code, description: error.text });
      }
    }),
  );
  return results;
}

/** [added, changed, removed] group names, as reloadConfig reports them (inside one more array on the wire). */
export type ConfigChanges = [added: string[], changed: string[], removed: string[]];

/** supervisord's state struct (`getState`). */
export interface SupervisorStateInfo {
  statecode: number;
  statename: string;
}

/** The API version supervisorctl insists on: anything else makes it exit 5. */
export const API_VERSION = '3.0';
