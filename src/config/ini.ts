// supervisord's INI dialect: Python's RawConfigParser with
// inline_comment_prefixes=(';', '#') and strict=False, line for line as
// CPython 3's _read loop does it, so a file means here what it means there.
import { ConfigError } from './errors';
import { indentOf, isPySpace, pyRstrip, pyStrip } from './pytext';

export interface IniEntry {
  key: string;
  value: string;
  file: string;
  /** The line of `key=`; continuation lines follow it. */
  line: number;
}

export interface IniSection {
  name: string;
  /** Where the section first appeared (supervisor's section_to_file). */
  file: string;
  line: number;
  entries: Map<string, IniEntry>;
}

export interface IniDocument {
  sections: Map<string, IniSection>;
  /** [DEFAULT]: Python lends its keys to every section. */
  defaults: Map<string, IniEntry>;
  /** Keys written twice in one section (the later wins, as in Python). */
  overridden: { section: string; entry: IniEntry }[];
}

export function emptyIniDocument(): IniDocument {
  return { sections: new Map(), defaults: new Map(), overridden: [] };
}

// [\s\S] because Python's '.' crosses U+2028, which JavaScript's does not.
const SECTION = /^\[([\s\S]+)\]/;
const OPTION = /^([\s\S]*?)\s*[=:]\s*([\s\S]*)$/;

/**
 * Reads TEXT (from FILE) into DOC: later sections of the same name merge into
 * earlier ones, and a later key replaces an earlier one, across files too.
 * Returns the names of the sections this file wrote to. Lines Python cannot
 * place are collected and reported together, after the whole file is read.
 */
export function parseIniInto(doc: IniDocument, text: string, file: string): string[] {
  const touched = new Set<string>();
  const bad: { line: number; text: string }[] = [];
  let current: Map<string, IniEntry> | null = null;
  let currentName: string | null = null;
  let pending: { entry: IniEntry; parts: string[] } | null = null;
  const values: { entry: IniEntry; parts: string[] }[] = [];
  let indentLevel = 0;
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    const lineno = index + 1;
    const commentStart = findCommentStart(line);
    const value = pyStrip(commentStart === null ? line : line.slice(0, commentStart));
    if (!value) {
      // Python keeps a truly blank line inside a value, not a comment line.
      if (commentStart === null && current && pending) pending.parts.push('');
      return;
    }
    const indent = indentOf(line);
    if (current && pending && indent > indentLevel) {
      pending.parts.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      currentName = header[1];
      current = openSection(doc, currentName, file, lineno);
      if (currentName !== 'DEFAULT') touched.add(currentName);
      pending = null;
      return;
    }
    if (!current) {
      throw new ConfigError({
        code: 'EPARSE',
        file,
        line: lineno,
        message: `a key before any [section] header: ${JSON.stringify(line)}`,
      });
    }
    const option = OPTION.exec(value);
    if (!option || option[1] === '') {
      bad.push({ line: lineno, text: line });
      return;
    }
    const key = pyRstrip(option[1]).toLowerCase();
    const entry: IniEntry = { key, value: '', file, line: lineno };
    const previous = current.get(key);
    if (previous) doc.overridden.push({ section: currentName!, entry: previous });
    current.set(key, entry);
    pending = { entry, parts: [pyStrip(option[2])] };
    values.push(pending);
  });
  for (const { entry, parts } of values) entry.value = pyRstrip(parts.join('\n'));
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more such line${bad.length > 2 ? 's' : ''})` : '';
    throw new ConfigError({
      code: 'EPARSE',
      file,
      line: bad[0].line,
      message: `not a section header, key=value or continuation line: ${JSON.stringify(bad[0].text)}${more}`,
    });
  }
  return [...touched];
}

function openSection(doc: IniDocument, name: string, file: string, line: number): Map<string, IniEntry> {
  if (name === 'DEFAULT') return doc.defaults;
  let section = doc.sections.get(name);
  if (!section) {
    section = { name, file, line, entries: new Map() };
    doc.sections.set(name, section);
  }
  return section.entries;
}

/**
 * Where an inline comment starts: a `;` or `#` at the start of the line or
 * right after whitespace. CPython looks at the next occurrence of each prefix
 * per round and stops at the first round that finds a comment, so in
 * `a#b #c ;d` the `;` wins over the later-found `#`. A line whose stripped
 * text starts with either prefix is a comment as a whole.
 */
export function findCommentStart(line: string): number | null {
  const stripped = pyStrip(line);
  if (stripped.startsWith(';') || stripped.startsWith('#')) return 0;
  let positions: [string, number][] = [
    [';', -1],
    ['#', -1],
  ];
  let found = Infinity;
  while (found === Infinity && positions.length > 0) {
    const next: [string, number][] = [];
    for (const [prefix, from] of positions) {
      const at = line.indexOf(prefix, from + 1);
      if (at === -1) continue;
      next.push([prefix, at]);
      if (at === 0 || isPySpace(line[at - 1])) found = Math.min(found, at);
    }
    positions = next;
  }
  return found === Infinity ? null : found;
}

/** The entry for KEY in SECTION, falling back to [DEFAULT] as Python does. */
export function lookupEntry(doc: IniDocument, section: string, key: string): IniEntry | undefined {
  return doc.sections.get(section)?.entries.get(key) ?? doc.defaults.get(key);
}
