import type { Slot } from './plan';

/** Descriptors tnohup opened for the command: /dev/null write-only, the output file. */
export interface OpenedForCommand {
  unreadable: number | null;
  file: number | null;
}

/**
 * spawn's stdio array for the planned SLOTS, with the caller's descriptors
 * above 2 (INHERITED) at their own numbers. The gaps in between must be
 * 'ignore', which leaves them closed: Node closes up an array with holes and
 * would renumber what follows.
 */
export function stdioFor(slots: readonly Slot[], opened: OpenedForCommand, inherited: readonly number[]): Array<number | 'ignore'> {
  const stdio = slots.map((slot, fd) => stdioForSlot(slot, fd, opened));
  for (const fd of inherited) {
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = fd;
  }
  return stdio;
}

function stdioForSlot(slot: Slot, fd: number, opened: OpenedForCommand): number | 'ignore' {
  switch (slot) {
    case 'own':
      return fd;
    case 'own-stdout':
      return 1;
    case 'unreadable':
      return opened.unreadable!;
    case 'file':
      return opened.file!;
    case 'closed':
      return 'ignore'; // /dev/null for a moment: the shim closes it (closingInShim)
  }
}

/**
 * spawn cannot leave descriptor 0, 1 or 2 closed, so the sh shim (ARGV is
 * ['-c', script, ...]) closes the ones planned closed before its exec.
 */
export function closingInShim(argv: string[], slots: readonly Slot[]): string[] {
  const toClose = slots.flatMap((slot, fd) => (slot === 'closed' ? [`${fd}>&-`] : []));
  if (toClose.length === 0) return argv;
  return [argv[0], `exec ${toClose.join(' ')}\n${argv[1]}`, ...argv.slice(2)];
}
