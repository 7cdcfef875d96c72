import os = require('node:os');

const numbers = os.constants.signals as Record<string, number>;

/** SIGTERM, TERM, term and 15 all name SIGTERM; anything else is null. */
export function parseSignal(text: string): NodeJS.Signals | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const wanted = Number(trimmed);
    const name = Object.keys(numbers).find((key) => numbers[key] === wanted);
    return (name as NodeJS.Signals) ?? null;
  }
  const upper = trimmed.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in numbers ? (name as NodeJS.Signals) : null;
}

export function signalNumber(signal: NodeJS.Signals): number {
  return numbers[signal] ?? 0;
}

/**
 * Ends this process by SIGNAL, so that a shell sees the same death as the
 * command's. Node keeps SIGPIPE and SIGXFSZ ignored and may hold a listener;
 * adding and removing a listener leaves the default action in place.
 */
export function dieBySignal(signal: NodeJS.Signals): never {
  if (signal === 'SIGKILL' || signal === 'SIGSTOP') {
    // No handler can exist for these, and Node refuses to try.
    process.kill(process.pid, 'SIGKILL');
  }
  process.removeAllListeners(signal);
  const noop = () => {};
  process.on(signal, noop);
  process.removeListener(signal, noop);
  process.kill(process.pid, signal);
  // Signals that cannot end us this way (none known on Linux) fall back to
  // the shell's convention.
  process.exit(128 + signalNumber(signal));
}

/**
 * Holds off SIGNALS until the returned function is called, which then ends
 * this process by the first of them that came (dieBySignal), if any did. A
 * hangup or ^C in the middle of a step that must finish (start, between
 * spawning a daemon and publishing its pidfile) then takes effect after it.
 */
export function deferSignals(signals: NodeJS.Signals[]): () => void {
  let caught: NodeJS.Signals | null = null;
  const hold = (signal: NodeJS.Signals) => {
    caught ??= signal;
  };
  for (const signal of signals) process.on(signal, hold);
  return () => {
    for (const signal of signals) process.removeListener(signal, hold);
    if (caught !== null) dieBySignal(caught);
  };
}
