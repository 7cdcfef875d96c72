// The text of systemd unit files: names, quoting and layout (systemd.unit(5),
// systemd.syntax(7), systemd.service(5) "COMMAND LINES"). Pure functions.

/** One line of a unit section: a directive, or a comment written above the next one. */
export type UnitLine = { key: string; value: string } | { comment: string };

export interface UnitSection {
  name: 'Unit' | 'Service' | 'Install';
  lines: UnitLine[];
}

/** A file of the export, named relative to the directory it goes into. */
export interface ExportFile {
  name: string;
  text: string;
}

export function directive(key: string, value: string): UnitLine {
  return { key, value };
}

export function comment(text: string): UnitLine {
  return { comment: text };
}

/** Sections with a blank line between them; empty sections are left out. HEADER comes first, as comments. */
export function renderUnit(header: string[], sections: UnitSection[]): string {
  const parts = header.length > 0 ? [header.map((line) => `# ${line}`.trimEnd()).join('\n')] : [];
  for (const section of sections) {
    if (section.lines.length === 0) continue;
    const body = section.lines.map((line) => ('key' in line ? `${line.key}=${line.value}` : `# ${line.comment}`));
    parts.push([`[${section.name}]`, ...body].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * A name systemd accepts as the part of a unit name before `@` or the
 * suffix: letters, digits, `:_.-` as they are, anything else (and a leading
 * dot) as `\xHH` per UTF-8 byte, as systemd-escape writes it.
 */
export function escapeUnitName(name: string): string {
  let out = '';
  for (const char of name) {
    if (/^[A-Za-z0-9:_-]$/.test(char) || (char === '.' && out !== '')) out += char;
    else for (const byte of new TextEncoder().encode(char)) out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** `%` starts a specifier in almost every value of a unit file. */
export function escapeSpecifiers(value: string): string {
  return value.replace(/%/g, '%%');
}

/** A value systemd takes as it is (a path, a description): null when it holds a line break. */
export function plainValue(value: string): string | null {
  return /[\n\r]/.test(value) ? null : escapeSpecifiers(value);
}

const SAFE_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * One word of ExecStart=. systemd splits the line at whitespace, honours
 * quotes and C escapes, expands `%` specifiers and `$VAR` (so `%%` and `$$`
 * for the characters themselves), and reads a lone `;` as the end of a
 * command.
 */
export function quoteExecWord(word: string): string {
  if (word === ';') return '\\;';
  if (SAFE_WORD.test(word)) return word;
  let out = '';
  for (const char of word) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (char === '%') out += '%%';
    else if (char === '$') out += '$$';
    else out += char;
  }
  return `"${out}"`;
}

export function formatExecLine(argv: readonly string[]): string {
  return argv.map(quoteExecWord).join(' ');
}

/** `"KEY=VALUE"` for Environment=: quoted, C escapes, `%%`; systemd does not expand `$` there. */
export function quoteEnvironmentAssignment(key: string, value: string): string {
  const escaped = `${key}=${value}`
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/%/g, '%%');
  return `"${escaped}"`;
}

/** systemd refuses other environment names ("Invalid environment assignment"). */
export function isEnvironmentName(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

/** Seconds as systemd's time span syntax: `10`, `1.5`, `100ms`. */
export function formatSeconds(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return String(Math.round(seconds * 1000) / 1000);
}

/** An octal mode as UMask= writes it: `0022`. */
export function formatUmask(umask: number): string {
  return umask.toString(8).padStart(4, '0');
}

/** `50MB` for 52428800: the way supervisor's config writes sizes, for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
