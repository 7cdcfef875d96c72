/**
 * The web page's routes, handed to the control server as its fallback (so
 * Basic auth, limits and /logtail are the server's): GET / the page, GET
 * /events the live feed, POST /action/VERB[/NAME] the buttons. A state
 * change needs POST, the session's token and the page's own origin.
 */
import { loadCrypto as crypto } from '../../common/lazy-crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SupervisorBackend } from '../backend';
import { isRpcFault, Faults } from '../protocol';
import { parseActionPath, runAction } from './actions';
import { createEventHub } from './events';
import { pageHeaders, renderPage } from './page';
import { createSessions, isSameOrigin } from './session';

export interface WebFaceOptions {
  backend: SupervisorBackend;
  /** Epoch seconds. */
  now?: () => number;
  /** Event streams open at once (16). */
  maxEventStreams?: number;
  onError?: (error: unknown) => void;
}

export interface WebFace {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
}

export function createWebFace(options: WebFaceOptions): WebFace {
  const sessions = createSessions();
  const onError = options.onError ?? (() => {});
  const hub = createEventHub({ backend: options.backend, now: options.now ?? (() => Date.now() / 1000), maxClients: options.maxEventStreams ?? 16, onError });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, { error: 'use GET' }, { Allow: 'GET' });
      const session = sessions.open(req.headers);
      const nonce = crypto().randomBytes(16).toString('base64');
      const body = renderPage(session.token, nonce);
      const headers: Record<string, string | number> = { ...pageHeaders(nonce), 'Content-Length': Buffer.byteLength(body) };
      if (session.setCookie) headers['Set-Cookie'] = session.setCookie;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path === '/events') {
      if (req.method !== 'GET') return answer(res, 405, { error: 'use GET' }, { Allow: 'GET' });
      if (!hub.serve(req, res)) answer(res, 503, { error: 'too many open pages' });
      return;
    }
    if (path.startsWith('/action/')) return void serveAction(req, res).catch((error) => {
      onError(error);
      answer(res, 500, { error: 'internal error' });
    });
    answer(res, 404, { error: 'not found' });
  };

  async function serveAction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // supervisor's page stops a program on a GET link, so any page its admin visits can; ours never acts on GET.
    if (req.method !== 'POST') return answer(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']) return answer(res, 413, { error: 'no body expected' }, { Connection: 'close' });
    if (!isSameOrigin(req.headers)) return answer(res, 403, { error: 'cross-origin request refused' });
    if (!sessions.verify(req.headers)) return answer(res, 403, { error: 'missing or wrong token: reload the page' });
    const action = parseActionPath(req.url ?? '');
    if (!action) return answer(res, 404, { error: 'no such action' });
    try {
      await runAction(options.backend, action.verb, action.namespec);
    } catch (error) {
      if (!isRpcFault(error)) throw error;
      return answer(res, error.code === Faults.BAD_NAME ? 404 : 409, { error: error.text });
    }
    answer(res, 200, { ok: true });
  }

  return { handle, close: () => hub.close() };
}

function answer(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
