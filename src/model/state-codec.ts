import type { DaemonRecord, ExitRecord, LogRotation, RespawnPolicy, StateReading, WatchdogReport } from './record';

/**
 * The state file is written by another process, perhaps by another version
 * of tdaemon, and may be truncated or edited by hand. Nothing in it is
 * trusted until every field has the type the code relies on: a reading is
 * either a whole record or a reason that names what is wrong.
 */
export function parseStateText(text: string): StateReading {
  if (text.trim() === '') return { kind: 'invalid', reason: 'it is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'it is not JSON (truncated or corrupt)' };
  }
  if (!isObject(value)) return { kind: 'invalid', reason: 'it is not a tdaemon state record' };
  if (value.format !== 1) {
    return { kind: 'invalid', reason: `it has format ${JSON.stringify(value.format ?? null)}, and this tdaemon reads format 1` };
  }
  const problem = recordProblem(value);
  if (problem !== null) return { kind: 'invalid', reason: `its field ${problem}` };
  return { kind: 'ok', record: value as unknown as DaemonRecord };
}

export function formatStateText(record: DaemonRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

type Check = (value: unknown) => boolean;

const string: Check = (v) => typeof v === 'string';
const stringOrNull: Check = (v) => v === null || typeof v === 'string';
const count: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const countOrNull: Check = (v) => v === null || count(v);
const pid: Check = (v) => Number.isInteger(v) && (v as number) > 0;
const pidOrNull: Check = (v) => v === null || pid(v);
const strings: Check = (v) => Array.isArray(v) && v.every(string);
const nonEmptyStrings: Check = (v) => strings(v) && (v as unknown[]).length > 0;
const codes: Check = (v) => Array.isArray(v) && v.every((c) => Number.isInteger(c) && c >= 0 && c <= 255);
const env: Check = (v) => isObject(v) && Object.values(v).every(string);

const RECORD_FIELDS: Record<string, Check> = {
  name: string,
  pid,
  startTicks: string,
  startedAt: string,
  command: nonEmptyStrings,
  cwd: string,
  log: string,
  errorLog: stringOrNull,
  env,
  umask: countOrNull,
  user: stringOrNull,
  group: stringOrNull,
  stopSignal: string,
  stopTimeoutMs: count,
  reloadSignal: string,
};

/** Fields added since format 1 began: absent in older records, checked when present. */
const OPTIONAL_FIELDS: Record<string, Check> = {
  commandPath: string,
  ready: string,
  readyTimeoutMs: count,
  cgroup: stringOrNull,
  forking: (v) => v === null || (isObject(v) && firstProblem(v, FORKING_FIELDS) === null),
  logRotation: (v) => v === null || (isObject(v) && firstProblem(v, ROTATION_FIELDS) === null),
};

const RESPAWN_FIELDS: Record<keyof RespawnPolicy, Check> = {
  restart: (v) => v === 'on-failure' || v === 'always',
  noRestartExitCodes: codes,
  minUptimeMs: count,
  backoffMaxMs: count,
  maxRestarts: count,
  restartWindowMs: count,
};

const EXIT_FIELDS: Record<keyof ExitRecord, Check> = {
  code: (v) => v === null || Number.isInteger(v),
  signal: stringOrNull,
  at: string,
  afterMs: (v) => typeof v === 'number' && v >= 0,
};

const WATCHDOG_FIELDS: Record<keyof WatchdogReport, Check> = {
  state: (v) => ['starting', 'running', 'backoff', 'stopping', 'gave-up'].includes(v as string),
  childPid: pidOrNull,
  childStartTicks: stringOrNull,
  childStartedAt: stringOrNull,
  restarts: count,
  lastExit: (v) => v === null || (isObject(v) && firstProblem(v, EXIT_FIELDS) === null),
  nextRestartAt: stringOrNull,
  reason: stringOrNull,
  watchdogRssKb: countOrNull,
};

const ROTATION_FIELDS: Record<keyof LogRotation, Check> = { maxBytes: count, backups: count };

const FORKING_FIELDS: Record<string, Check> = {
  commandPidfile: string,
  sid: pid,
  sidStartTicks: string,
};

function recordProblem(value: Record<string, unknown>): string | null {
  const problem = firstProblem(value, RECORD_FIELDS) ?? firstProblem(value, OPTIONAL_FIELDS, true);
  if (problem !== null) return problem;
  if (isObject(value.forking) && value.watchdog !== null) return "'forking' and 'watchdog' cannot both be set";
  if (value.respawn === null && value.watchdog === null) return null;
  if (value.respawn === null || value.watchdog === null) return "'respawn' and 'watchdog' disagree";
  if (!isObject(value.respawn)) return "'respawn' is not an object";
  if (!isObject(value.watchdog)) return "'watchdog' is not an object";
  const respawn = firstProblem(value.respawn, RESPAWN_FIELDS);
  if (respawn !== null) return `respawn.${respawn}`;
  const watchdog = firstProblem(value.watchdog, WATCHDOG_FIELDS);
  return watchdog === null ? null : `watchdog.${watchdog}`;
}

function firstProblem(value: Record<string, unknown>, fields: Record<string, Check>, optional = false): string | null {
  for (const [name, check] of Object.entries(fields)) {
    if (!(name in value)) {
      if (optional) continue;
      return `'${name}' is missing`;
    }
    if (!check(value[name])) return `'${name}' has a bad value (${JSON.stringify(value[name])?.slice(0, 40)})`;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
