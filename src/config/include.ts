// [include] files=: whitespace-separated globs, relative ones taken from the
// main file's directory, matches read in sorted order. Like supervisor we do
// not follow an [include] inside an included file; unlike it we say so, and
// an included file we cannot read is an error, not silently skipped.
import type { ConfigDeps } from './deps';
import { ConfigError } from './errors';
import { globPaths } from './glob';
import { parseIniInto } from './ini';
import { dirname, joinPath, normalizePath } from './paths';
import { SectionReader, type LoadContext } from './reader';

/** Reads every included file into ctx.doc; returns their paths in reading order. */
export function readIncludes(ctx: LoadContext, mainFile: string): string[] {
  if (!ctx.doc.sections.has('include')) return [];
  const r = new SectionReader(ctx, 'include');
  const names = { ...ctx.envNames, host_node_name: ctx.deps.hostname };
  const files = r.text('files', names);
  if (files === undefined) return r.fail('EMISSING', 'no files= (globs of the files to read)', 'files');
  const read = new Set<string>([mainFile]);
  const order: string[] = [];
  for (const pattern of files.split(/\s+/).filter(Boolean)) {
    const full = joinPath(dirname(mainFile), pattern);
    const matches = globPaths(full, ctx.deps);
    if (matches.length === 0) r.warn(`no file matches "${full}"`, 'files');
    for (const match of matches.map(normalizePath)) {
      if (read.has(match)) continue;
      read.add(match);
      order.push(match);
      const touched = parseIniInto(ctx.doc, readConfigText(ctx.deps, match, false), match);
      if (touched.includes('include')) {
        const message = 'an [include] inside an included file is not followed (nor by supervisord)';
        ctx.warnings.push({ file: match, section: 'include', message });
      }
    }
  }
  return order;
}

const REASONS: Record<string, string> = {
  EISDIR: 'is a directory',
  EACCES: 'cannot be read: permission denied',
  ENOENT: 'vanished while being read',
};

/** The text of a config file, or a ConfigError: ENOTFOUND (main file only) or EUNREADABLE. */
export function readConfigText(deps: Pick<ConfigDeps, 'readFile'>, file: string, main: boolean): string {
  try {
    return deps.readFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' && main) throw new ConfigError({ code: 'ENOTFOUND', file, message: 'no such config file' });
    const why = REASONS[code ?? ''] ?? `cannot be read (${code ?? String(error)})`;
    throw new ConfigError({ code: 'EUNREADABLE', file, message: `the config file ${why}` });
  }
}
