/**
 * The page's live feed: server-sent events on GET /events. Each client gets
 * the whole snapshot when it connects and again whenever it changes. A state
 * change is pushed as soon as the backend reports it (coalesced over a few
 * milliseconds); memory figures are re-read every few seconds. No timer runs
 * while nobody watches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SupervisorBackend } from '../backend';
import { takeSnapshot } from './snapshot';

export interface EventHubOptions {
  backend: SupervisorBackend;
  now: () => number;
  /** Event streams open at once; more get 503. */
  maxClients: number;
  /** How often memory is re-read (and, for a backend without watch(), states too). */
  refreshMs?: number;
  onError: (error: unknown) => void;
}

export interface EventHub {
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

export function createEventHub(options: EventHubOptions): EventHub {
  const clients = new Set<ServerResponse>();
  let last = '';
  let refresh: NodeJS.Timeout | null = null;
  let pending: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;

  const send = (res: ServerResponse, text: string): void => void res.write(`data: ${text}\n\n`);

  const publish = async (force: ServerResponse | null): Promise<void> => {
    const text = JSON.stringify(await takeSnapshot(options.backend, options.now));
    // `now` moves every second: compare without it, so an unchanged table is not re-sent.
    const key = text.replace(/"now":\d+,/, '');
    if (force) send(force, text);
    if (key === last) return;
    last = key;
    for (const res of clients) if (res !== force) send(res, text);
  };
  const publishSoon = (): void => {
    pending ??= setTimeout(() => {
      pending = null;
      publish(null).catch(options.onError);
    }, 20);
  };

  const start = (): void => {
    unwatch = options.backend.watch?.(publishSoon) ?? null;
    // Without watch(), states are only seen by looking: once a second, and only while a page is open.
    refresh = setInterval(publishSoon, unwatch ? (options.refreshMs ?? 5000) : 1000);
  };
  const stop = (): void => {
    if (refresh) clearInterval(refresh);
    if (pending) clearTimeout(pending);
    unwatch?.();
    refresh = pending = unwatch = null;
    last = '';
  };

  return {
    serve(req, res) {
      if (clients.size >= options.maxClients) return false;
      // The request has no body; reading its end lets the connection guard stand down for this long answer.
      req.resume();
      // A phone that went to sleep never says goodbye: TCP keep-alive finds it, so it does not hold a slot forever.
      req.socket.setKeepAlive(true, 30_000);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      });
      res.write('retry: 2000\n\n');
      if (clients.size === 0) start();
      clients.add(res);
      res.on('close', () => {
        clients.delete(res);
        if (clients.size === 0) stop();
      });
      publish(res).catch(options.onError);
      return true;
    },
    close() {
      stop();
      for (const res of clients) res.destroy();
      clients.clear();
    },
  };
}
