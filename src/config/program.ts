// One [program:x] section → its processes, in supervisor's order of reading:
// the keys before the numprocs loop cannot use %(process_num)s, the ones
// inside it (process_name, command, environment, directory, logs) can.
import type { ProcessSpec, RunAs } from '../model/program';
import type { SupervisordSettings } from '../model/settings';
import type { ExpansionNames } from './expand';
import { PROGRAM_KEYS } from './keys';
import { readLogSpec } from './program-logs';
import { decideStopScopes, readPolicy } from './program-policy';
import { expandUser, resolvePath } from './paths';
import { SectionReader, type LoadContext } from './reader';
import { parseKeyValuePairs, splitCommand } from './shlex';
import * as v from './values';

export function readProgram(ctx: LoadContext, section: string, group: string, supervisord: SupervisordSettings): ProcessSpec[] {
  const r = new SectionReader(ctx, section);
  const program = r.checkName(section.slice('program:'.length));
  const common: ExpansionNames = {
    ...ctx.envNames,
    program_name: program,
    group_name: group,
    host_node_name: ctx.deps.hostname,
  };
  const priority = r.value('priority', common, v.parseInteger, 999);
  const autostart = r.value('autostart', common, v.parseBoolean, true);
  const autorestart = r.value('autorestart', common, v.parseAutoRestart, 'unexpected');
  const startsecs = r.value('startsecs', common, v.parseNonNegative, 1);
  const startretries = r.value('startretries', common, v.parseNonNegative, 3);
  const stopsignal = r.value('stopsignal', common, v.parseSignal, { name: 'SIGTERM', number: 15 });
  const stopwaitsecs = r.value('stopwaitsecs', common, v.parseNonNegative, 10);
  const stopasgroupSet = r.has('stopasgroup');
  const killasgroupSet = r.has('killasgroup');
  const stopasgroup = r.value('stopasgroup', common, v.parseBoolean, false);
  const killasgroup = r.value('killasgroup', common, v.parseBoolean, stopasgroup);
  const exitcodes = r.value('exitcodes', common, v.parseExitCodes, [0]);
  const redirectStderr = r.value('redirect_stderr', common, v.parseBoolean, false);
  const numprocs = r.value('numprocs', common, parseNumprocs, 1);
  const numprocsStart = r.value('numprocs_start', common, v.parseInteger, 0);
  const serverurl = r.value('serverurl', common, (t) => (t.trim().toUpperCase() === 'AUTO' ? null : t), null);
  const user = r.value('user', common, (name) => lookupRunAs(r, name), null);
  const umask = r.value('umask', common, v.parseOctal, null);
  const tdaemon = readPolicy(r, common, supervisord);
  const nameEntry = r.entry('process_name');
  const nameTemplate = nameEntry ? r.checkName(nameEntry.value, nameEntry) : '%(program_name)s';
  if (numprocs > 1 && !nameTemplate.includes('%(process_num)')) {
    const message = `numprocs=${numprocs} needs %(process_num) in process_name, e.g. %(program_name)s_%(process_num)02d`;
    r.fail('ENUMPROCS', message, 'process_name');
  }
  if (stopasgroup && !killasgroup) r.fail('EVALUE', 'stopasgroup=true needs killasgroup=true', 'killasgroup');
  const scopes = decideStopScopes(stopasgroupSet ? stopasgroup : undefined, killasgroupSet ? killasgroup : undefined);
  const explicit = PROGRAM_KEYS.filter((key) => r.has(key));
  const processes: ProcessSpec[] = [];
  for (let processNum = numprocsStart; processNum < numprocsStart + numprocs; processNum++) {
    const names: ExpansionNames = { ...common, process_num: processNum, numprocs };
    const ownEnv = readEnvironment(r, names);
    for (const [key, value] of Object.entries(ownEnv)) names[`ENV_${key}`] = value;
    const directory = r.value('directory', names, (d) => resolvePath(ctx.deps.cwd, expandHome(r, d)), null);
    const stdout = readLogSpec(r, 'stdout', names);
    const stderr = readLogSpec(r, 'stderr', names);
    if (redirectStderr) {
      if (stderr.logfile !== 'AUTO' && stderr.logfile !== 'NONE') {
        r.warn('redirect_stderr=true sends stderr to stdout\'s log: stderr_logfile is ignored', 'stderr_logfile');
      }
      stderr.logfile = 'NONE';
    }
    const { command, argv } = readCommand(r, names);
    const name = nameEntry ? r.checkName(r.expand(nameEntry, nameTemplate, names), nameEntry) : program;
    processes.push({
      name,
      group,
      program,
      namespec: group === name ? name : `${group}:${name}`,
      processNum,
      numprocs,
      command,
      argv,
      directory,
      umask,
      priority,
      autostart,
      autorestart,
      exitcodes,
      startsecs,
      startretries,
      stopsignal: stopsignal.name,
      stopsignalNumber: stopsignal.number,
      stopwaitsecs,
      stopasgroup,
      killasgroup,
      stopasgroupWritten: stopasgroupSet,
      killasgroupWritten: killasgroupSet,
      ...scopes,
      user,
      redirectStderr,
      stdout,
      stderr,
      environment: { ...supervisord.environment, ...ownEnv },
      serverurl,
      tdaemon,
      explicit,
      source: { file: r.file, section, line: r.line ?? 0 },
    });
  }
  return processes.sort(byPriorityThenName);
}

export function byPriorityThenName(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function parseNumprocs(text: string): number {
  const n = v.parseInteger(text);
  if (n < 1) throw new v.ValueProblem('numprocs must be at least 1');
  return n;
}

/** user= must name an existing account when the config is read (supervisor's rule). */
function lookupRunAs(r: SectionReader, name: string): RunAs {
  const found = r.ctx.deps.lookupUser(name.trim());
  if (!found) r.fail('EUSER', /^\d+$/.test(name.trim()) ? 'no user has this id' : 'no such user', 'user');
  return found;
}

function expandHome(r: SectionReader, path: string): string {
  return expandUser(path, r.ctx.deps.env.HOME, (name) => r.ctx.deps.lookupUser(name)?.home);
}

function readEnvironment(r: SectionReader, names: ExpansionNames): Record<string, string> {
  const entry = r.entry('environment');
  if (!entry) return {};
  const { pairs, ignored } = r.convert(entry, r.expand(entry, entry.value, names), parseKeyValuePairs);
  if (ignored.length > 0) {
    r.warn(`${ignored.map((w) => `'${w}'`).join(', ')} ignored as supervisor does: quote a value with spaces (K="a b")`, 'environment');
  }
  return pairs;
}

function readCommand(r: SectionReader, names: ExpansionNames): { command: string; argv: string[] } {
  const entry = r.entry('command');
  if (!entry) return r.fail('ENOCOMMAND', 'no command= (every program needs one)');
  const command = r.expand(entry, entry.value, names);
  const argv = r.convert(entry, command, (text) => {
    try {
      return splitCommand(text);
    } catch (error) {
      const quotes = /quotation/.test(String(error));
      const hint = quotes ? " (note: ' ;' and ' #' start a comment, even inside quotes)" : '';
      throw new v.ValueProblem(`cannot split the command: ${(error as Error).message}${hint}`);
    }
  });
  if (argv.length === 0) r.failAt(entry, 'ENOCOMMAND', 'the command is empty');
  return { command, argv };
}
