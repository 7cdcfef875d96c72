// Signal names and numbers as Python's signal module has them on Linux
// (x86 and ARM numbering), kept here so the config code needs no node:os.
// Real-time signals are left out: Node cannot send them by name.

const NUMBERS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};

// One canonical name per number (the first listed above wins over aliases).
const NAMES: Record<number, string> = {};
for (const [name, number] of Object.entries(NUMBERS)) NAMES[number] ??= name;

/** `TERM`, `SIGTERM` or `sigterm` → { name: 'SIGTERM', number: 15 }. */
export function signalByName(text: string): { name: string; number: number } | undefined {
  const upper = text.toUpperCase();
  const bare = upper.startsWith('SIG') ? upper.slice(3) : upper;
  const number = Object.prototype.hasOwnProperty.call(NUMBERS, bare) ? NUMBERS[bare] : undefined;
  return number === undefined ? undefined : { name: `SIG${NAMES[number]}`, number };
}

export function signalByNumber(number: number): { name: string; number: number } | undefined {
  const name = NAMES[number];
  return name === undefined ? undefined : { name: `SIG${name}`, number };
}
