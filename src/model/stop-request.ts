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
  /**
   * The watchdog's answer, written into the request before it ends: the
   * command outlived the timeout and was sent SIGKILL. The requester reads
   * it once the watchdog is gone, says so, and removes the file.
   */
  killed?: boolean;
}

export function formatStopRequest(request: StopRequest): string {
  return JSON.stringify(request);
}

export function parseStopRequest(text: string): StopRequest {
  return readStopRequestText(text).request;
}

/** The request, and what is wrong with the text when a field had to be left out (null when nothing). */
export function readStopRequestText(text: string): { request: StopRequest; problem: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { request: {}, problem: 'it is not JSON (truncated or corrupt)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { request: {}, problem: 'it is not a stop request' };
  const request = decodeFields(value as Record<string, unknown>);
  const dropped = Object.keys(value as object).filter((key) => ['signal', 'timeoutMs', 'requester'].includes(key) && !(key in request));
  return { request, problem: dropped.length > 0 ? `its ${dropped.map((k) => `'${k}'`).join(', ')} ${dropped.length === 1 ? 'has a bad value' : 'have bad values'}` : null };
}

function decodeFields(value: Record<string, unknown>): StopRequest {
  const { signal, timeoutMs, requester } = value;
  const request: StopRequest = {};
  if (typeof signal === 'string' && /^SIG[A-Z0-9]+$/.test(signal)) request.signal = signal;
  if (typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0) request.timeoutMs = timeoutMs;
  if (Number.isInteger(requester) && (requester as number) > 0) request.requester = requester as number;
  if (value.killed === true) request.killed = true;
  return request;
}
