// Checks over the raw sections: what we refuse ([eventlistener:x],
// [fcgi-program:x]) and what only deserves a warning (a key or section
// nobody reads, a key written twice).
import { ConfigError, type ConfigWarning } from './errors';
import type { IniDocument } from './ini';
import { closestKey, SECTION_KEYS } from './keys';

const UNSUPPORTED: Record<string, string> = {
  eventlistener: 'event listeners are not supported by tdaemon',
  'fcgi-program': 'FastCGI programs are not supported by tdaemon',
};

const NAMED_KINDS = ['program', 'group', 'rpcinterface', 'ctlplugin', 'eventlistener', 'fcgi-program'];

/** The kind of a section: the part before the first colon. */
export function sectionKind(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

export function refuseUnsupported(doc: IniDocument): void {
  for (const section of doc.sections.values()) {
    const why = UNSUPPORTED[sectionKind(section.name)];
    if (why) {
      const message = `${why}: remove this section or run the file with supervisord`;
      throw new ConfigError({ code: 'EUNSUPPORTED', file: section.file, line: section.line, section: section.name, message });
    }
  }
}

export function lintSections(doc: IniDocument): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const kinds = Object.keys(SECTION_KEYS);
  for (const section of doc.sections.values()) {
    const kind = sectionKind(section.name);
    if (!(kind in SECTION_KEYS) && !section.name.startsWith('inet_http_server')) {
      const near = closestKey(kind, kinds)!;
      const shown = NAMED_KINDS.includes(near) ? `[${near}:...]` : `[${near}]`;
      const message = `unknown section, ignored; the closest known section is ${shown}`;
      warnings.push({ file: section.file, line: section.line, section: section.name, message });
      continue;
    }
    const known = SECTION_KEYS[kind] ?? (section.name.startsWith('inet_http_server') ? SECTION_KEYS.inet_http_server : null);
    if (!known) continue;
    for (const entry of section.entries.values()) {
      if (known.includes(entry.key)) continue;
      const message = `unknown key, ignored; the closest known key is ${closestKey(entry.key, known)}`;
      warnings.push({ file: entry.file, line: entry.line, section: section.name, key: entry.key, message });
    }
  }
  for (const { section, entry } of doc.overridden) {
    const message = 'written again later in this section: the later value wins';
    warnings.push({ file: entry.file, line: entry.line, section, key: entry.key, value: entry.value, message });
  }
  return warnings;
}
