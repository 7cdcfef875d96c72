/**
 * The page's buttons as backend calls: POST /action/VERB[/NAMESPEC]. Every
 * call waits as supervisorctl's would (start until RUNNING, stop until
 * stopped); a fault is the answer's error text.
 */
import type { SupervisorBackend } from '../backend';
import { Faults, isRpcFault } from '../protocol';

export const PROCESS_VERBS = ['start', 'stop', 'restart', 'clear'] as const;
export const ALL_VERBS = ['startall', 'stopall', 'restartall'] as const;
export type Verb = (typeof PROCESS_VERBS)[number] | (typeof ALL_VERBS)[number];

/** `/action/stop/web:web_00` -> { verb, namespec }; null for anything else. */
export function parseActionPath(url: string): { verb: Verb; namespec: string | null } | null {
  const match = /^\/action\/([a-z]+)(?:\/([^/?#]+))?$/.exec(url.split('?')[0]);
  if (!match) return null;
  let namespec: string | null = null;
  if (match[2] !== undefined) {
    try {
      namespec = decodeURIComponent(match[2]);
    } catch {
      return null;
    }
  }
  const verb = match[1] as Verb;
  if ((PROCESS_VERBS as readonly string[]).includes(verb)) return namespec ? { verb, namespec } : null;
  if ((ALL_VERBS as readonly string[]).includes(verb)) return namespec === null ? { verb, namespec } : null;
  return null;
}

export async function runAction(backend: SupervisorBackend, verb: Verb, namespec: string | null): Promise<void> {
  const name = namespec ?? '';
  switch (verb) {
    case 'start':
      await backend.startProcess(name, true);
      return;
    case 'stop':
      await backend.stopProcess(name, true);
      return;
    case 'restart':
      await ignoring(Faults.NOT_RUNNING, () => backend.stopProcess(name, true));
      await backend.startProcess(name, true);
      return;
    case 'clear':
      await backend.clearProcessLogs(name);
      return;
    case 'startall':
      await backend.startAllProcesses(true);
      return;
    case 'stopall':
      await backend.stopAllProcesses(true);
      return;
    case 'restartall':
      await backend.stopAllProcesses(true);
      await backend.startAllProcesses(true);
      return;
  }
}

async function ignoring(code: number, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!isRpcFault(error) || error.code !== code) throw error;
  }
}
