// Reads one section's keys the way supervisor's saneget does (expand, then
// convert), and turns every failure into a ConfigError that names the file
// the key was written in, its line, the key and the value as written.
import type { ConfigDeps } from './deps';
import { ConfigError, type ConfigErrorCode, type ConfigWarning } from './errors';
import { ExpansionProblem, expandPercent, type ExpansionNames } from './expand';
import { lookupEntry, type IniDocument, type IniEntry } from './ini';
import { dirname } from './paths';
import type { PolicyDefaults } from './program-policy';
import { ShlexError } from './shlex';
import { checkName, MissingDirectory, ValueProblem } from './values';

/** What every section reader of one load shares. */
export interface LoadContext {
  doc: IniDocument;
  deps: ConfigDeps;
  /** The main file, absolute: where a section with no file of its own is reported. */
  mainFile: string;
  warnings: ConfigWarning[];
  /** ENV_X for the supervisor's environment, then [supervisord] environment=. */
  envNames: ExpansionNames;
  policyDefaults: PolicyDefaults;
}

export class SectionReader {
  readonly file: string;
  readonly line: number | undefined;

  constructor(
    readonly ctx: LoadContext,
    readonly section: string,
  ) {
    const found = ctx.doc.sections.get(section);
    this.file = found?.file ?? ctx.mainFile;
    this.line = found?.line;
  }

  entry(key: string): IniEntry | undefined {
    return lookupEntry(this.ctx.doc, this.section, key);
  }

  has(key: string): boolean {
    return this.entry(key) !== undefined;
  }

  /** KEY's value with `%` expanded (here = the directory of its file), or undefined. */
  text(key: string, names: ExpansionNames): string | undefined {
    const entry = this.entry(key);
    if (!entry) return undefined;
    return this.expand(entry, entry.value, names);
  }

  /** Expands TEXT as if written at ENTRY (for values read raw first). */
  expand(entry: IniEntry, text: string, names: ExpansionNames): string {
    if (!text.includes('%')) return text;
    try {
      return expandPercent(text, { ...names, here: dirname(entry.file) });
    } catch (error) {
      if (error instanceof ExpansionProblem) this.failAt(entry, error.code, error.message);
      throw error;
    }
  }

  /** KEY expanded and converted by PARSE, or FALLBACK when it is not written. */
  value<T>(key: string, names: ExpansionNames, parse: (text: string) => T, fallback: T): T {
    const entry = this.entry(key);
    if (!entry) return fallback;
    return this.convert(entry, this.expand(entry, entry.value, names), parse);
  }

  /** Runs PARSE on TEXT, reporting a ValueProblem or ShlexError at ENTRY. */
  convert<T>(entry: IniEntry, text: string, parse: (text: string) => T): T {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof MissingDirectory) this.failAt(entry, 'EDIRECTORY', error.message);
      if (error instanceof ValueProblem || error instanceof ShlexError) this.failAt(entry, 'EVALUE', error.message);
      throw error;
    }
  }

  /** A program, group or process name (supervisor forbids ' ', ':' and '/'); ENTRY: where it was written. */
  checkName(text: string, entry?: IniEntry): string {
    try {
      return checkName(text);
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      if (entry) this.failAt(entry, 'ENAME', error.message);
      const message = `${error.message} (in the section's name)`;
      throw new ConfigError({ code: 'ENAME', file: this.file, line: this.line, section: this.section, message });
    }
  }

  /** A problem with KEY (at its line when written, else at the section). */
  fail(code: ConfigErrorCode, message: string, key?: string): never {
    const entry = key === undefined ? undefined : this.entry(key);
    if (entry) this.failAt(entry, code, message);
    throw new ConfigError({ code, file: this.file, line: this.line, section: this.section, key, message });
  }

  failAt(entry: IniEntry, code: ConfigErrorCode, message: string): never {
    throw new ConfigError({
      code,
      file: entry.file,
      line: entry.line,
      section: this.section,
      key: entry.key,
      value: entry.value,
      message,
    });
  }

  warn(message: string, key?: string): void {
    const entry = key === undefined ? undefined : this.entry(key);
    const warning: ConfigWarning = entry
      ? { file: entry.file, line: entry.line, section: this.section, key: entry.key, value: entry.value, message }
      : { file: this.file, line: this.line, section: this.section, message };
    const same = (w: ConfigWarning) => w.file === warning.file && w.line === warning.line && w.message === message;
    if (!this.ctx.warnings.some(same)) this.ctx.warnings.push(warning);
  }
}
