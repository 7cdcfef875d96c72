/**
 * GNU nohup decides everything from three terminal facts before it touches a
 * file (coreutils src/nohup.c). This is that decision, as a pure function.
 */
export interface TerminalFacts {
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  stderrIsTerminal: boolean;
  /** Which of 0, 1 and 2 the caller left closed (bin/tnohup looks, see facts.ts). */
  closed: ReadonlySet<number>;
  /** -o FILE, if given. */
  outputOption?: string;
  home?: string;
}

export interface NohupPlan {
  /** Give the command /dev/null opened write-only, so any read fails. */
  ignoreInput: boolean;
  /** Files to try for output, in order; empty when no file is opened. */
  outputCandidates: string[];
  /** The opened file becomes the command's stdout. */
  stdoutToFile: boolean;
  /** The command's stderr goes where its stdout goes. */
  stderrToStdout: boolean;
}

/**
 * What the command gets as descriptor 0, 1 or 2: tnohup's own one of that
 * number, a closed one, /dev/null opened write-only, the output file, or
 * tnohup's own stdout (stderr sent to a stdout that is not a file).
 */
export type Slot = 'own' | 'closed' | 'unreadable' | 'file' | 'own-stdout';

export function planNohup(facts: TerminalFacts): NohupPlan {
  const ignoreInput = facts.stdinIsTerminal;
  const stdoutToFile = facts.stdoutIsTerminal || facts.outputOption !== undefined;
  // GNU opens nohup.out even when stdout is closed and only stderr is a
  // terminal: stderr then goes to the file while stdout stays closed.
  const needsFile = stdoutToFile || (facts.stderrIsTerminal && facts.closed.has(1));
  let outputCandidates: string[] = [];
  if (needsFile) {
    if (facts.outputOption !== undefined) outputCandidates = [facts.outputOption];
    // An empty HOME still counts: GNU then tries nohup.out twice and says so twice.
    else outputCandidates = facts.home !== undefined ? ['nohup.out', joinHome(facts.home)] : ['nohup.out'];
  }
  return {
    ignoreInput,
    outputCandidates,
    stdoutToFile,
    stderrToStdout: facts.stderrIsTerminal,
  };
}

/**
 * The command's descriptors 0, 1 and 2. The file becomes stdout when stdout
 * is a terminal (or with -o). When stdout is closed and stderr a terminal,
 * GNU opens the file, makes stderr a copy of it and closes the original:
 * stdout stays closed. Otherwise stderr on a terminal follows stdout.
 */
export function planDescriptors(facts: TerminalFacts, plan: NohupPlan, fileOpened: boolean): [Slot, Slot, Slot] {
  const slots: Slot[] = [0, 1, 2].map((fd) => (facts.closed.has(fd) ? 'closed' : 'own'));
  if (plan.ignoreInput) slots[0] = 'unreadable';
  if (fileOpened && plan.stdoutToFile) slots[1] = 'file';
  if (plan.stderrToStdout) slots[2] = fileOpened ? 'file' : slots[1] === 'own' ? 'own-stdout' : slots[1];
  return [slots[0], slots[1], slots[2]];
}

/** gnulib's file_name_concat(HOME, "nohup.out"): "" gives "nohup.out" again. */
export function joinHome(home: string): string {
  const trimmed = home.replace(/\/+$/, '');
  if (trimmed === '') return `${home}nohup.out`;
  return `${trimmed}/nohup.out`;
}

/**
 * The notices GNU prints on stderr, in its order. FILE is the quoted name of
 * the file that was opened, if any. With -o and no terminal anywhere, nothing
 * is said: a script that names its output file needs no notice.
 */
export function noticesFor(plan: NohupPlan, facts: TerminalFacts, quotedFile: string | null): string[] {
  const notices: string[] = [];
  const input = plan.ignoreInput;
  const anyTerminal = facts.stdinIsTerminal || facts.stdoutIsTerminal || facts.stderrIsTerminal;
  if (input && !plan.stdoutToFile && !plan.stderrToStdout) notices.push('ignoring input');
  if (quotedFile !== null && (facts.outputOption === undefined || anyTerminal)) {
    notices.push(input ? `ignoring input and appending output to ${quotedFile}` : `appending output to ${quotedFile}`);
  }
  if (plan.stderrToStdout && !plan.stdoutToFile) {
    notices.push(input ? 'ignoring input and redirecting stderr to stdout' : 'redirecting stderr to stdout');
  }
  return notices;
}
