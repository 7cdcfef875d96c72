// supervisor's value types (datatypes.py), each a pure parser that throws a
// ValueProblem saying what was expected; the caller adds file, key and value.
import type { AutoRestart } from '../model/program';
import { pyStrip } from './pytext';
import { signalByName, signalByNumber } from './signals';

export class ValueProblem extends Error {}

/** A path whose directory must exist and does not. */
export class MissingDirectory extends ValueProblem {}

const TRUTHY = ['yes', 'true', 'on', '1'];
const FALSY = ['no', 'false', 'off', '0'];

export function parseBoolean(text: string): boolean {
  const lower = text.toLowerCase();
  if (TRUTHY.includes(lower)) return true;
  if (FALSY.includes(lower)) return false;
  throw new ValueProblem('not a boolean (write true or false)');
}

const DECIMAL = /^[+-]?\d+(_\d+)*$/;
const OCTAL = /^[+-]?[0-7]+(_[0-7]+)*$/;

/** Python's int(): surrounding spaces, a sign, and _ between digits are allowed. */
export function parseInteger(text: string, radix = 10): number {
  let body = pyStrip(text);
  if (radix === 8) body = body.replace(/^([+-]?)0[oO]/, '$1');
  if (!(radix === 8 ? OCTAL : DECIMAL).test(body)) {
    throw new ValueProblem(radix === 8 ? 'not an octal number' : 'not an integer');
  }
  const value = parseInt(body.replace(/_/g, ''), radix);
  if (!Number.isSafeInteger(value)) throw new ValueProblem('too large');
  return value;
}

export function parseNonNegative(text: string): number {
  const value = parseInteger(text);
  if (value < 0) throw new ValueProblem('must not be negative');
  return value;
}

export function parseOctal(text: string): number {
  return parseInteger(text, 8);
}

const BYTE_SUFFIXES: Record<string, number> = { kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 };

/** `50MB`, `10kb`, `1GB` or a plain number of bytes. */
export function parseByteSize(text: string): number {
  const lower = text.toLowerCase();
  const multiplier = BYTE_SUFFIXES[lower.slice(-2)];
  try {
    return multiplier ? parseInteger(lower.slice(0, -2)) * multiplier : parseInteger(lower);
  } catch {
    throw new ValueProblem('not a size (write a number of bytes, or one with KB, MB or GB)');
  }
}

/** A comma list of exit statuses 0-255; empty means none. */
export function parseExitCodes(text: string): number[] {
  if (text === '') return [];
  const codes = text.split(',').map((part) => {
    const code = /^\s*[+-]?\d+\s*$/.test(part) ? Number(part) : NaN;
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      throw new ValueProblem('not a list of exit codes (numbers 0-255 separated by commas)');
    }
    return code;
  });
  return codes;
}

export function parseAutoRestart(text: string): AutoRestart {
  const lower = text.toLowerCase();
  if (TRUTHY.includes(lower)) return 'true';
  if (FALSY.includes(lower)) return 'false';
  if (lower === 'unexpected') return 'unexpected';
  throw new ValueProblem('not an autorestart value (write true, false or unexpected)');
}

/** TERM, SIGTERM, sigterm or 15: returns `SIGTERM` and 15. */
export function parseSignal(text: string): { name: string; number: number } {
  const trimmed = pyStrip(text);
  const found = /^[+-]?\d+$/.test(trimmed) ? signalByNumber(Number(trimmed)) : signalByName(trimmed);
  if (!found) throw new ValueProblem('not a signal name or number (write TERM, INT, HUP, QUIT, KILL...)');
  return found;
}

/** supervisor's process_or_group_name: these characters break namespecs and URLs. */
export function checkName(name: string): string {
  const stripped = pyStrip(name);
  if (stripped === '') throw new ValueProblem('an empty name');
  for (const ch of [' ', ':', '/']) {
    if (stripped.includes(ch)) throw new ValueProblem(`a name may not contain ${ch === ' ' ? 'a space' : `'${ch}'`}`);
  }
  return stripped;
}

export type LogfileWord = 'AUTO' | 'NONE' | 'SYSLOG';

/** AUTO, NONE/OFF (any case), the deprecated `syslog`, or null for a path. */
export function logfileWord(text: string): LogfileWord | null {
  const lower = text.toLowerCase();
  if (lower === 'none' || lower === 'off') return 'NONE';
  if (lower === 'auto') return 'AUTO';
  if (lower === 'syslog') return 'SYSLOG';
  return null;
}

export const LOG_LEVELS = ['critical', 'error', 'warn', 'info', 'debug', 'trace', 'blather'] as const;

export function parseLogLevel(text: string): (typeof LOG_LEVELS)[number] {
  const lower = text.toLowerCase() as (typeof LOG_LEVELS)[number];
  if (!LOG_LEVELS.includes(lower)) throw new ValueProblem(`not a log level (write one of ${LOG_LEVELS.join(', ')})`);
  return lower;
}

/** Commas separate; spaces around each item go. */
export function parseList(text: string): string[] {
  if (text === '') return [];
  return text.split(',').map((item) => pyStrip(item));
}

/** `host:port`, `*:port` or `port`; host '' means every interface. */
export function parseInetAddress(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? '' : text.slice(0, colon).toLowerCase();
  const portText = colon === -1 ? text : text.slice(colon + 1);
  let port: number;
  try {
    port = parseInteger(portText);
  } catch {
    throw new ValueProblem('not a port (write host:port, *:port or port)');
  }
  if (port < 1 || port > 65535) throw new ValueProblem('the port is not in 1-65535');
  return { host: host === '*' ? '' : host, port };
}

/** Seconds for our own keys: a non-negative number, fractions allowed. */
export function parseSeconds(text: string): number {
  const trimmed = pyStrip(text);
  if (!/^\d+(\.\d+)?$/.test(trimmed)) throw new ValueProblem('not a number of seconds');
  return Number(trimmed);
}
