import { formatCommand } from './describe';

/** What a start asks for, or what the running daemon was started with, as far as a second start compares them. */
export interface StartShape {
  command: readonly string[];
  respawn: boolean;
}

/**
 * How the daemon that runs differs from what this start asks for, one phrase
 * each; empty when they agree. SAME_PROGRAM says whether two command names
 * run one program ('sleep' and '/usr/bin/sleep').
 */
export function startDifferences(
  recorded: StartShape,
  requested: StartShape,
  sameProgram: (a: string, b: string) => boolean = (a, b) => a === b,
): string[] {
  const differences: string[] = [];
  const [recordedName, ...recordedArgs] = recorded.command;
  const [requestedName, ...requestedArgs] = requested.command;
  const sameArgs = recordedArgs.length === requestedArgs.length && recordedArgs.every((word, i) => word === requestedArgs[i]);
  if (!sameArgs || !sameProgram(recordedName, requestedName)) {
    differences.push(`it runs ${formatCommand(recorded.command)}, not ${formatCommand(requested.command)}`);
  }
  if (recorded.respawn && !requested.respawn) differences.push('it runs with --respawn, this start has none');
  if (!recorded.respawn && requested.respawn) differences.push('it runs without --respawn');
  return differences;
}

/** How to put what was asked in place of what runs. IDENTITY: `--name NAME` or `--pidfile FILE`. */
export function replaceAdvice(identity: string, recorded: StartShape, requested: StartShape): string {
  const stop = `'tdaemon ${identity} stop'`;
  // restart keeps what was recorded unless told otherwise: it can add --respawn, not take it away.
  if (recorded.respawn && !requested.respawn) return `to replace it, run ${stop}, then this start again`;
  const restart = `'tdaemon ${identity} restart${requested.respawn ? ' --respawn' : ''} -- ${formatCommand(requested.command)}'`;
  return `to replace it, run ${restart}, or ${stop} and then this start again`;
}
