// Config problems as values: one line each, naming the file that holds the
// problem (an included file, not the main one), where in it, the key and the
// bad value.

export type ConfigErrorCode =
  | 'ENOTFOUND' // the main config file does not exist
  | 'EUNREADABLE' // it, or an included file, cannot be read
  | 'EPARSE' // a line the INI reader cannot place
  | 'EPERCENT' // a % that is neither %% nor %(name)X
  | 'ECONVERSION' // %(name)X with an unknown or unfitting conversion X
  | 'EEXPAND' // %(name)s naming nothing known
  | 'EVALUE' // a value of the wrong shape (number, boolean, signal, ...)
  | 'ENOCOMMAND'
  | 'ENUMPROCS' // numprocs > 1 without %(process_num) in process_name
  | 'ENAME' // a program, group or process name with ' ', ':' or '/'
  | 'EUSER' // user= names nobody
  | 'EDIRECTORY' // a directory (of a log file, childlogdir...) is missing
  | 'EDUPLICATE' // two processes or groups with one name
  | 'EGROUP' // [group:x] names an unknown program
  | 'EMISSING' // a section lacks a required key
  | 'EUNSUPPORTED'; // [eventlistener:x], [fcgi-program:x]

export interface ConfigErrorFields {
  code: ConfigErrorCode;
  file: string;
  section?: string;
  line?: number;
  key?: string;
  value?: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly file: string;
  readonly section: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;
  readonly value: string | undefined;
  /** The reason alone; toString() adds where and what. */
  readonly reason: string;

  constructor(fields: ConfigErrorFields) {
    super(formatProblem(fields));
    this.name = 'ConfigError';
    this.code = fields.code;
    this.file = fields.file;
    this.section = fields.section;
    this.line = fields.line;
    this.key = fields.key;
    this.value = fields.value;
    this.reason = fields.message;
  }

  /** LSB: 6 "not configured" for a missing file, 4 for an unreadable one, else 2. */
  get exitCode(): number {
    if (this.code === 'ENOTFOUND') return 6;
    if (this.code === 'EUNREADABLE') return 4;
    return 2;
  }

  override toString(): string {
    return this.message;
  }
}

/** A problem that does not stop the file from being used: the fields of an error, without a code. */
export type ConfigWarning = Omit<ConfigErrorFields, 'code'>;

/** `FILE:LINE: [SECTION] KEY='VALUE': MESSAGE`, each part only when known. */
export function formatProblem(p: Omit<ConfigErrorFields, 'code'> | ConfigWarning): string {
  const at = p.line ? `${p.file}:${p.line}` : p.file;
  const what: string[] = [];
  if (p.section !== undefined) what.push(`[${p.section}]`);
  if (p.key !== undefined) what.push(p.value === undefined ? p.key : `${p.key}=${quoteValue(p.value)}`);
  return what.length > 0 ? `${at}: ${what.join(' ')}: ${p.message}` : `${at}: ${p.message}`;
}

/** Quoted as Python's repr quotes (single quotes unless the value holds one),
 * control characters escaped, so the problem stays on one line. */
export function quoteValue(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/[\x00-\x1f\x7f\\]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}
