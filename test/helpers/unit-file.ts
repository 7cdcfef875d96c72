// Reading generated systemd units back in tests: directives by section, in
// order, comments left out.

export type Directives = Record<string, Array<[string, string]>>;

export function parseUnit(text: string): Directives {
  const sections: Directives = {};
  let current: Array<[string, string]> | null = null;
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) sections[header[1]] = current = [];
    else if (line !== '' && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      if (current === null || eq < 0) throw new Error(`not a unit line: ${line}`);
      current.push([line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return sections;
}

/** The values of KEY in SECTION, in order. */
export function valuesOf(text: string, section: string, key: string): string[] {
  return (parseUnit(text)[section] ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

/** The value of KEY in SECTION, or undefined; fails on a key given twice. */
export function valueOf(text: string, section: string, key: string): string | undefined {
  const values = valuesOf(text, section, key);
  if (values.length > 1) throw new Error(`${key} appears ${values.length} times in [${section}]`);
  return values[0];
}

/** The exit outcome of a service under the unit's restart settings (systemd.service(5), "Restart="). */
export function systemdRestarts(text: string, exit: { code: number } | { signal: string }): boolean {
  const list = (key: string) => (valueOf(text, 'Service', key) ?? '').split(/\s+/).filter(Boolean);
  const token = 'code' in exit ? String(exit.code) : exit.signal;
  if (list('RestartPreventExitStatus').includes(token)) return false;
  if (list('RestartForceExitStatus').includes(token)) return true;
  const restart = valueOf(text, 'Service', 'Restart') ?? 'no';
  if (restart === 'always') return true;
  if (restart === 'no') return false;
  if (restart !== 'on-failure') throw new Error(`Restart=${restart} is not modelled`);
  const clean = 'code' in exit ? exit.code === 0 || list('SuccessExitStatus').includes(token) : ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(exit.signal);
  return !clean;
}
