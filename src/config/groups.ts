// Programs into groups: each [group:g] takes the programs it lists (their
// processes become g:name), every other [program:x] is a group of its own.
// Sorted as supervisor sorts them: priority, then name.
import type { GroupSpec, ProcessSpec } from '../model/program';
import type { SupervisordSettings } from '../model/settings';
import { byPriorityThenName, readProgram } from './program';
import { SectionReader, type LoadContext } from './reader';
import * as v from './values';

export function readGroups(ctx: LoadContext, supervisord: SupervisordSettings): GroupSpec[] {
  const sections = [...ctx.doc.sections.keys()];
  const claimedBy = new Map<string, string>();
  const groups: GroupSpec[] = [];
  for (const section of sections.filter((s) => s.startsWith('group:'))) {
    const r = new SectionReader(ctx, section);
    const name = r.checkName(section.slice('group:'.length));
    const programs = r.value('programs', ctx.envNames, v.parseList, []);
    const priority = r.value('priority', ctx.envNames, v.parseInteger, 999);
    const processes: ProcessSpec[] = [];
    for (const program of programs) {
      const programSection = `program:${program}`;
      if (!ctx.doc.sections.has(programSection)) {
        r.fail('EGROUP', `no [program:${program}] for '${program}'`, 'programs');
      }
      const earlier = claimedBy.get(programSection);
      // supervisor would run such a program once per group; we refuse.
      if (earlier) r.fail('EDUPLICATE', `'${program}' is already in [${earlier}]`, 'programs');
      claimedBy.set(programSection, section);
      processes.push(...readProgram(ctx, programSection, name, supervisord));
    }
    groups.push({ name, priority, kind: 'group', processes, source: sourceOf(r) });
    checkUniqueNames(r, processes);
  }
  for (const section of sections.filter((s) => s.startsWith('program:') && !claimedBy.has(s))) {
    const r = new SectionReader(ctx, section);
    const name = r.checkName(section.slice('program:'.length));
    const processes = readProgram(ctx, section, name, supervisord);
    const priority = r.value('priority', ctx.envNames, v.parseInteger, 999);
    groups.push({ name, priority, kind: 'program', processes, source: sourceOf(r) });
    checkUniqueNames(r, processes);
  }
  checkUniqueGroups(ctx, groups);
  return groups.sort(byPriorityThenName);
}

function sourceOf(r: SectionReader) {
  return { file: r.file, section: r.section, line: r.line ?? 0 };
}

/** supervisor keeps the last of two processes with one name and loses the other silently. */
function checkUniqueNames(r: SectionReader, processes: ProcessSpec[]): void {
  const seen = new Map<string, ProcessSpec>();
  for (const process of processes) {
    const earlier = seen.get(process.name);
    if (earlier) {
      const where = new SectionReader(r.ctx, process.source.section);
      const message = `two processes named '${process.namespec}' (also from [${earlier.source.section}])`;
      where.fail('EDUPLICATE', message, 'process_name');
    }
    seen.set(process.name, process);
  }
}

function checkUniqueGroups(ctx: LoadContext, groups: GroupSpec[]): void {
  const seen = new Map<string, GroupSpec>();
  for (const group of groups) {
    const earlier = seen.get(group.name);
    if (earlier) {
      const message = `a second group named '${group.name}' (the first is [${earlier.source.section}])`;
      new SectionReader(ctx, group.source.section).fail('EDUPLICATE', message);
    }
    seen.set(group.name, group);
  }
}
