/**
 * Browsers as attackers. A page on any site can make its visitor's browser
 * POST to http://127.0.0.1:9001/RPC2 (a text/plain "simple" request needs no
 * CORS preflight), and a site whose name is re-pointed at 127.0.0.1 (DNS
 * rebinding) is even same-origin with a password-less listener. supervisorctl
 * and scripts send neither Origin nor Sec-Fetch-Site; browsers always do on
 * such requests, and always send the name they resolved as Host.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** True when a browser says this request comes from another site than the Host it was sent to. */
export function isCrossSite(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  const host = headers.host;
  return typeof host !== 'string' || (origin !== `http://${host}` && origin !== `https://${host}`);
}

/** True when the Host header names this machine by a loopback name or address (not a name that could be rebound). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return true; // HTTP/1.0 clients send none; a browser always does
  return isLoopback(host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''));
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';
}
