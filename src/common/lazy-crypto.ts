/**
 * node:crypto, loaded at first use. Loading it costs the long-lived
 * supervisor 0.6 MiB of RSS and a client verb a few milliseconds, and most
 * configs never need it (no password, no web page opened).
 */
export function loadCrypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}
