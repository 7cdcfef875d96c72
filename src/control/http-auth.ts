/**
 * HTTP basic authentication as supervisor checks it: one username, and a
 * password stored plain or as `{SHA}` + hex SHA-1 of the password. Both
 * sides are hashed to equal-length digests before a constant-time compare,
 * so neither the length nor the first differing byte leaks through timing.
 */
import { loadCrypto as crypto } from '../common/lazy-crypto';

export interface Credentials {
  username: string;
  /** Plain text, or `{SHA}` followed by the hex SHA-1 of the password. */
  password: string;
}

function digest(text: string): Buffer {
  return crypto().createHash('sha256').update(text, 'utf8').digest();
}

function sameSecret(a: string, b: string): boolean {
  return crypto().timingSafeEqual(digest(a), digest(b));
}

/** True when the Authorization header carries these credentials. */
export function isAuthorized(header: string | undefined, credentials: Credentials): boolean {
  if (!header) return false;
  const match = /^(\S+) (.*)$/.exec(header);
  if (!match || match[1].toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(match[2].trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Both comparisons always run: a wrong name costs as much as a wrong password.
  const userOk = sameSecret(username, credentials.username);
  const stored = credentials.password;
  const passwordOk = stored.startsWith('{SHA}')
    ? sameSecret(crypto().createHash('sha1').update(password, 'utf8').digest('hex'), stored.slice(5).toLowerCase())
    : sameSecret(password, stored);
  return userOk && passwordOk;
}
