/**
 * What `tdaemon stop` asks a watchdog, in the file beside the pidfile: the
 * signal and timeout to use, and the pid of the tdaemon that asks (spared:
 * it may run inside the daemon). Read by another process, so decoded
 * strictly: a field that is not what it should be is left out, and the
 * watchdog falls back to what it recorded.
 */
export interface StopRequest {
  signal?: string;
  timeoutMs?: number;
  requester?: number;
}

export function formatStopRequest(request: StopRequest): string {
  return JSON.stringify(request);
}

export function parseStopRequest(text: string): StopRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const { signal, timeoutMs, requester } = value as Record<string, unknown>;
  const request: StopRequest = {};
  if (typeof signal === 'string' && /^SIG[A-Z0-9]+$/.test(signal)) request.signal = signal;
  if (typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0) request.timeoutMs = timeoutMs;
  if (Number.isInteger(requester) && (requester as number) > 0) request.requester = requester as number;
  return request;
}
