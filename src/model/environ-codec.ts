/**
 * The environment a daemon was started with, kept apart from the state file:
 * it may hold secrets (DATABASE_URL, API keys), so it is written mode 0600,
 * while the state file stays readable by every user who may ask `status`.
 * It names the start it belongs to (pid and start time), so that one left
 * behind by another start is never taken for this one's.
 */
export interface EnvironmentRecord {
  format: 1;
  pid: number;
  startTicks: string;
  environment: Record<string, string>;
}

export function formatEnvironmentText(record: EnvironmentRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The record, or null for anything else (empty, truncated, edited into another shape). */
export function parseEnvironmentText(text: string): EnvironmentRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { format, pid, startTicks, environment } = value as Record<string, unknown>;
  if (format !== 1 || !Number.isInteger(pid) || (pid as number) <= 0 || typeof startTicks !== 'string') return null;
  if (typeof environment !== 'object' || environment === null || Array.isArray(environment)) return null;
  if (!Object.values(environment).every((entry) => typeof entry === 'string')) return null;
  return { format: 1, pid: pid as number, startTicks, environment: environment as Record<string, string> };
}
