/**
 * The page's defence against cross-site requests. A session is a random id
 * in an HttpOnly, SameSite=Strict cookie; its CSRF token is an HMAC of the
 * id under a secret made at start, so the server keeps no table. A
 * state-changing request must carry the token in a header (which a plain
 * cross-site form cannot send) and come from the page's own origin.
 */
import { loadCrypto as crypto } from '../../common/lazy-crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isCrossSite } from '../http-origin';

export const SESSION_COOKIE = 'tdaemon_session';
export const TOKEN_HEADER = 'x-tdaemon-token';

export interface Sessions {
  /** The session of this request's cookie, or a new one (then setCookie is the header to send). */
  open(headers: IncomingHttpHeaders): { token: string; setCookie: string | null };
  /** True when the request's token belongs to its session cookie. */
  verify(headers: IncomingHttpHeaders): boolean;
}

export function createSessions(secret: Buffer = crypto().randomBytes(32)): Sessions {
  const tokenOf = (sid: string): string => crypto().createHmac('sha256', secret).update(sid).digest('hex');
  return {
    open(headers) {
      const current = readCookie(headers.cookie, SESSION_COOKIE);
      const sid = current !== null && /^[0-9a-f]{64}$/.test(current) ? current : null;
      if (sid !== null) return { token: tokenOf(sid), setCookie: null };
      const fresh = crypto().randomBytes(32).toString('hex');
      return { token: tokenOf(fresh), setCookie: `${SESSION_COOKIE}=${fresh}; Path=/; HttpOnly; SameSite=Strict` };
    },
    verify(headers) {
      const sid = readCookie(headers.cookie, SESSION_COOKIE);
      const sent = headers[TOKEN_HEADER];
      if (sid === null || typeof sent !== 'string' || !/^[0-9a-f]{64}$/.test(sent)) return false;
      return crypto().timingSafeEqual(Buffer.from(tokenOf(sid), 'hex'), Buffer.from(sent, 'hex'));
    },
  };
}

/** One cookie's value from a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The request comes from a page of this server: Origin is present and names
 * the Host it was sent to, and the browser did not flag it cross-site. A
 * missing Origin is refused: every browser sends one on a POST from script.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const site = headers['sec-fetch-site'];
  return !isCrossSite(headers) && (site === undefined || site === 'same-origin');
}
