/**
 * What supervisorctl 4.x prints, and the exit status it ends with, as pure
 * functions of the server's answers (supervisorctl.py). tdaemon's own verbs
 * print through these so that their output is supervisorctl's byte for byte.
 */
import { isStoppedState } from '../model/supervisor-states';
import { Faults, makeNamespec, splitNamespec, type ConfigChanges, type ProcessResult } from './protocol';

/** supervisorctl's LSB init-script exit statuses (LSBInitExitStatuses). */
export const CtlExit = {
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const;

/** `status` uses the LSB status codes instead: 3 not running, 4 unknown (no such name, or no server). */
export const StatusExit = { NOT_RUNNING: 3, UNKNOWN: 4 } as const;

/** Faults that say the program is not running: they end in exit status 7. */
const DEAD_PROGRAM_FAULTS: readonly number[] = [Faults.SPAWN_ERROR, Faults.ABNORMAL_TERMINATION, Faults.NOT_RUNNING];

/** Lines plus the exit status supervisorctl would end with. */
export interface CtlOutput {
  lines: string[];
  exitCode: number;
}

/** The fields of a process struct that status lines use. */
export interface StatusRow {
  name: string;
  group: string;
  state: number;
  statename: string;
  description: string;
}

/** Python's len() and %-Ns count code points, not UTF-16 units. */
function width(text: string): number {
  return [...text].length;
}

function padRight(text: string, size: number): string {
  const w = width(text);
  return w >= size ? text : text + ' '.repeat(size - w);
}

/** `%-{max(30,longest)+3}s%-10s%s` for each row: name column 33 wide unless a name is longer. */
export function formatStatusTable(rows: readonly StatusRow[]): string[] {
  const names = rows.map((row) => makeNamespec(row.group, row.name));
  const column = Math.max(30, ...names.map(width)) + 3;
  return rows.map((row, i) => padRight(names[i], column) + padRight(row.statename, 10) + row.description);
}

/**
 * `status [NAME|GROUP:*|all]...`: error lines for unknown names first (exit
 * 4), then the table of matches in argument order; any match that is
 * stopped makes the status 3, which wins over the 4, as in supervisorctl.
 */
export function statusOutput(all: readonly StatusRow[], names: readonly string[]): CtlOutput {
  const lines: string[] = [];
  let exitCode: number = CtlExit.SUCCESS;
  let matching: StatusRow[];
  if (names.length === 0 || names.includes('all')) matching = [...all];
  else {
    matching = [];
    for (const name of names) {
      const [group, process] = splitNamespec(name);
      const found = all.filter((row) => row.group === group && (process === null || row.name === process));
      if (found.length === 0) {
        lines.push(process === null ? `${group}: ERROR (no such group)` : `${name}: ERROR (no such process)`);
        exitCode = StatusExit.UNKNOWN;
      }
      matching.push(...found);
    }
  }
  lines.push(...formatStatusTable(matching));
  if (matching.some((row) => isStoppedState(row.state))) exitCode = StatusExit.NOT_RUNNING;
  return { lines, exitCode };
}

/** supervisorctl's set_exitstatus_from_xmlrpc_fault: the new exit status after a result with CODE. */
export function exitAfterFault(current: number, code: number, ignored?: number): number {
  if (code === ignored || code === Faults.SUCCESS) return current;
  return DEAD_PROGRAM_FAULTS.includes(code) ? CtlExit.NOT_RUNNING : CtlExit.GENERIC;
}

function errorLine(result: ProcessResult, reason: string): string {
  return `${makeNamespec(result.group, result.name)}: ERROR (${reason})`;
}

/**
 * A start result line: `x: started` or `x: ERROR (...)`. supervisorctl
 * raises on a code it does not expect (FAILED, SHUTDOWN_STATE); we print the
 * fault text instead of its traceback line.
 */
export function startResultLine(result: ProcessResult): string {
  const reasons: Record<number, string> = {
    [Faults.BAD_NAME]: 'no such process',
    [Faults.NO_FILE]: 'no such file',
    [Faults.NOT_EXECUTABLE]: 'file is not executable',
    [Faults.ALREADY_STARTED]: 'already started',
    [Faults.SPAWN_ERROR]: 'spawn error',
    [Faults.ABNORMAL_TERMINATION]: 'abnormal termination',
  };
  if (result.status === Faults.SUCCESS) return `${makeNamespec(result.group, result.name)}: started`;
  return errorLine(result, reasons[result.status] ?? result.description);
}

/** A signal result line (`x: signalled`); stop uses it with `stopped`. FAILED prints the bare fault text. */
export function signalResultLine(result: ProcessResult, success = 'signalled'): string {
  const reasons: Record<number, string> = {
    [Faults.BAD_NAME]: 'no such process',
    [Faults.BAD_SIGNAL]: 'bad signal name',
    [Faults.NOT_RUNNING]: 'not running',
  };
  if (result.status === Faults.SUCCESS) return `${makeNamespec(result.group, result.name)}: ${success}`;
  if (result.status === Faults.FAILED) return result.description;
  return errorLine(result, reasons[result.status] ?? result.description);
}

export function stopResultLine(result: ProcessResult): string {
  return signalResultLine(result, 'stopped');
}

export function clearResultLine(result: ProcessResult): string {
  if (result.status === Faults.SUCCESS) return `${makeNamespec(result.group, result.name)}: cleared`;
  if (result.status === Faults.BAD_NAME) return errorLine(result, 'no such process');
  if (result.status === Faults.FAILED) return errorLine(result, 'failed');
  return errorLine(result, result.description);
}

/** A fault on a single name turned into a result, as supervisorctl does before printing it. */
export function faultResult(namespec: string, code: number, text: string): ProcessResult {
  const [group, process] = splitNamespec(namespec);
  return { group, name: process ?? group, status: code, description: text };
}

/** `reread`: `NAME: available|changed|disappeared`, sorted by name, or `No config updates to processes`. */
export function formatChanges([added, changed, removed]: ConfigChanges): string[] {
  const kinds = new Map<string, string>();
  for (const [names, kind] of [
    [added, 'available'],
    [changed, 'changed'],
    [removed, 'disappeared'],
  ] as const) {
    for (const name of names) kinds.set(name, kind);
  }
  if (kinds.size === 0) return ['No config updates to processes'];
  // Python sorts str by code point; JavaScript's default sort compares UTF-16 units (equal for the BMP).
  return [...kinds.keys()].sort().map((name) => `${name}: ${kinds.get(name)}`);
}

export interface AvailRow {
  name: string;
  group: string;
  inuse: boolean;
  autostart: boolean;
  group_prio: number;
  process_prio: number;
}

/** `avail`: `%-32s %-9s %-9s %s` of namespec, in use/avail, auto/manual, group_prio:process_prio. */
export function formatAvailLine(row: AvailRow): string {
  return `${padRight(makeNamespec(row.group, row.name), 32)} ${padRight(row.inuse ? 'in use' : 'avail', 9)} ${padRight(row.autostart ? 'auto' : 'manual', 9)} ${row.group_prio}:${row.process_prio}`;
}

/** The usage lines supervisorctl prints after "Error: start requires a process name" and the like. */
export const HELP: Record<'start' | 'stop' | 'restart' | 'signal' | 'clear', string[]> = {
  start: ['start <name>\t\tStart a process', 'start <gname>:*\t\tStart all processes in a group', 'start <name> <name>\tStart multiple processes or groups', 'start all\t\tStart all processes'],
  stop: ['stop <name>\t\tStop a process', 'stop <gname>:*\t\tStop all processes in a group', 'stop <name> <name>\tStop multiple processes or groups', 'stop all\t\tStop all processes'],
  restart: [
    'restart <name>\t\tRestart a process',
    'restart <gname>:*\tRestart all processes in a group',
    'restart <name> <name>\tRestart multiple processes or groups',
    'restart all\t\tRestart all processes',
    'Note: restart does not reread config files. For that, see reread and update.',
  ],
  signal: [
    'signal <signal name> <name>\t\tSignal a process',
    'signal <signal name> <gname>:*\t\tSignal all processes in a group',
    'signal <signal name> <name> <name>\tSignal multiple processes or groups',
    'signal <signal name> all\t\tSignal all processes',
  ],
  clear: ["clear <name>\t\tClear a process' log files.", "clear <name> <name>\tClear multiple process' log files", "clear all\t\tClear all process' log files"],
};
