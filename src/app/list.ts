import fs = require('node:fs');
import path = require('node:path');
import { procStatusField } from '../common/proc';
import { pathsFor } from '../model/daemon-paths';
import { DaemonError } from '../model/errors';
import { runtimeDirectory } from '../os/paths';
import { statusDaemon } from './status';

/** One daemon (or one program of a supervisor) as `tdaemon list` shows it. */
export interface ListRow {
  name: string;
  state: string;
  pid: number | null;
  uptimeSeconds: number | null;
  restarts: number | null;
  rssKb: number | null;
  command: string[] | null;
  /** The pidfile, or the supervisor's config file. */
  source: string;
}

/** The daemons named with --name by this user: every pidfile in the runtime directory. */
export function listNamedDaemons(): ListRow[] {
  const dir = runtimeDirectory();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.pid') && !name.startsWith('supervisor-')).sort();
  } catch {
    return [];
  }
  return names.map((file) => {
    const paths = pathsFor(path.join(dir, file), file.slice(0, -4));
    let verdict;
    try {
      ({ verdict } = statusDaemon(paths));
    } catch (error) {
      if (!(error instanceof DaemonError)) throw error;
      // A file root must not trust (trust.ts): listed, never acted on.
      return { name: paths.name, state: 'untrusted', pid: null, uptimeSeconds: null, restarts: null, rssKb: null, command: null, source: paths.pidfile };
    }
    const record = verdict.record;
    return {
      name: paths.name,
      state: verdict.kind,
      pid: verdict.pid,
      uptimeSeconds: verdict.uptimeSeconds === null ? null : Math.floor(verdict.uptimeSeconds),
      restarts: record?.watchdog?.restarts ?? null,
      rssKb: verdict.pid === null ? null : rssKb(verdict.pid),
      command: record?.command ?? null,
      source: paths.pidfile,
    };
  });
}

/** The supervisors of this user that say they run (their registry files in the runtime directory). */
export function runningSupervisorConfigs(): string[] {
  const dir = runtimeDirectory();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => /^supervisor-[0-9a-f]+\.json$/.test(name));
  } catch {
    return [];
  }
  const configs: string[] = [];
  for (const name of names) {
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { config?: unknown; pid?: unknown };
      if (typeof entry.config === 'string' && Number.isInteger(entry.pid) && fs.existsSync(`/proc/${entry.pid}`)) configs.push(entry.config);
    } catch {
      // a registry file being written, or garbage: not a supervisor to ask
    }
  }
  return configs.sort();
}

export function rssKb(pid: number): number | null {
  const match = /^(\d+) kB$/.exec(procStatusField(pid, 'VmRSS') ?? '');
  return match ? Number(match[1]) : null;
}

/** The names of the daemons named with --name by this user (shell completion lists them). */
export function namedDaemonNames(): string[] {
  try {
    return fs.readdirSync(runtimeDirectory()).filter((name) => name.endsWith('.pid') && !name.startsWith('supervisor-')).map((name) => name.slice(0, -4)).sort();
  } catch {
    return [];
  }
}
