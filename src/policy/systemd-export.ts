// Every program of a supervisord config as systemd units: a service per
// program (a template with one instance per process when numprocs > 1), and
// a target that groups them and starts the autostart ones at boot.
import type { ProcessSpec } from '../model/program';
import type { SupervisorConfig } from '../model/settings';
import { mapProcess, type Field, type ProcessFacts, type SupervisorWide } from './systemd-program';
import { comment, directive, escapeSpecifiers, escapeUnitName, renderUnit, type ExportFile, type UnitLine } from './systemd-syntax';

export interface ExportPlan {
  files: ExportFile[];
  /** `PROGRAM: what is not carried over`, one line each. */
  warnings: string[];
}

interface Program {
  name: string;
  processes: ProcessSpec[];
  /** The unit file: `P-x.service`, or the template `P-x@.service`. */
  file: string;
  /** What systemctl starts: the unit, or each instance. */
  units: string[];
}

/** The drop-in that holds what differs between the instances of a template. */
export const DROP_IN = 'process.conf';

export function exportPrograms(config: SupervisorConfig, prefix: string, factsOf: (spec: ProcessSpec) => ProcessFacts): ExportPlan {
  const programs = collectPrograms(config, prefix);
  const wide = supervisorWide(config);
  const files: ExportFile[] = [];
  const warnings: string[] = [];
  for (const program of programs) {
    const mapped = program.processes.map((spec) => mapProcess(spec, factsOf(spec), wide));
    for (const text of new Set(mapped.flatMap((m) => m.warnings))) warnings.push(`${program.name}: ${text}`);
    const unit = splitFields(mapped.map((m) => m.unit));
    const service = splitFields(mapped.map((m) => m.service));
    const after = ['network.target', ...programs.filter((p) => p.processes[0].priority < program.processes[0].priority).flatMap((p) => p.units)];
    const template = program.file.endsWith('@.service');
    const first = program.processes[0];
    const description = template ? `${program.name}, process %i` : escapeSpecifiers(program.name);
    const perProcess = template && service.own.some((fields) => fields.length > 0);
    files.push({
      name: program.file,
      text: renderUnit([...headerOf(config, first, program.processes), ...(template ? [`Instances: ${program.units.join(' ')}`] : [])], [
        {
          name: 'Unit',
          lines: [directive('Description', `${description} (${escapeSpecifiers(config.file)})`), directive('PartOf', `${prefix}.target`), directive('After', after.join(' ')), ...flatten(unit.common)],
        },
        {
          name: 'Service',
          lines: [...(perProcess ? [comment(`What differs between the processes is in ${program.units[0]}.d/${DROP_IN} and its siblings.`)] : []), ...flatten(service.common)],
        },
        { name: 'Install', lines: [directive('WantedBy', `${prefix}.target`)] },
      ]),
    });
    if (!template) continue;
    program.processes.forEach((spec, k) => {
      if (unit.own[k].length === 0 && service.own[k].length === 0) return;
      files.push({
        name: `${program.units[k]}.d/${DROP_IN}`,
        text: renderUnit([`Process ${spec.processNum} of [program:${program.name}]: supervisorctl calls it ${spec.namespec}.`], [
          { name: 'Unit', lines: flatten(unit.own[k]) },
          { name: 'Service', lines: flatten(service.own[k]) },
        ]),
      });
    });
  }
  files.push(targetFile(config, prefix, programs));
  return { files, warnings };
}

function collectPrograms(config: SupervisorConfig, prefix: string): Program[] {
  const byName = new Map<string, ProcessSpec[]>();
  for (const group of config.groups) for (const spec of group.processes) byName.set(spec.program, [...(byName.get(spec.program) ?? []), spec]);
  const programs: Program[] = [];
  for (const [name, processes] of byName) {
    processes.sort((a, b) => a.processNum - b.processNum);
    const base = `${prefix}-${escapeUnitName(name)}`;
    if (processes[0].numprocs > 1) {
      programs.push({ name, processes, file: `${base}@.service`, units: processes.map((p) => `${base}@${p.processNum}.service`) });
    } else {
      programs.push({ name, processes, file: `${base}.service`, units: [`${base}.service`] });
    }
  }
  return programs;
}

function supervisorWide(config: SupervisorConfig): SupervisorWide {
  const s = config.supervisord;
  const written = (key: string) => s.explicit.includes(key);
  return {
    umask: written('umask') ? s.umask : null,
    user: s.user,
    minfds: written('minfds') ? s.minfds : null,
    minprocs: written('minprocs') ? s.minprocs : null,
  };
}

/** Fields equal in every process go to the template; the others to each instance's drop-in. */
export function splitFields(perProcess: Field[][]): { common: Field[]; own: Field[][] } {
  const ids = [...new Set(perProcess.flatMap((fields) => fields.map((f) => f.id)))];
  const common: Field[] = [];
  const own: Field[][] = perProcess.map(() => []);
  for (const id of ids) {
    const values = perProcess.map((fields) => fields.find((f) => f.id === id)?.lines ?? []);
    const text = values.map((lines) => JSON.stringify(lines));
    if (text.every((t) => t === text[0])) common.push({ id, lines: values[0] });
    else values.forEach((lines, k) => own[k].push({ id, lines }));
  }
  return { common, own };
}

function flatten(fields: Field[]): UnitLine[] {
  return fields.flatMap((f) => f.lines);
}

function headerOf(config: SupervisorConfig, first: ProcessSpec, processes: ProcessSpec[]): string[] {
  const where = `${first.source.file}${first.source.line ? `:${first.source.line}` : ''}`;
  return [
    `Written by 'tdaemon export systemd' from ${config.file}: [program:${first.program}] (${where}).`,
    `supervisorctl names: ${processes.map((p) => p.namespec).join(' ')}`,
  ];
}

function targetFile(config: SupervisorConfig, prefix: string, programs: Program[]): ExportFile {
  const wanted = programs.filter((p) => p.processes[0].autostart).flatMap((p) => p.units);
  return {
    name: `${prefix}.target`,
    text: renderUnit(
      [
        `Written by 'tdaemon export systemd' from ${config.file}: every program of it.`,
        `It wants the autostart programs; start them now and at every boot with: systemctl enable --now ${prefix}.target`,
      ],
      [
        {
          name: 'Unit',
          lines: [directive('Description', `Programs of ${escapeSpecifiers(config.file)}`), ...(wanted.length > 0 ? [directive('Wants', wanted.join(' '))] : [])],
        },
        { name: 'Install', lines: [directive('WantedBy', 'multi-user.target')] },
      ],
    ),
  };
}
