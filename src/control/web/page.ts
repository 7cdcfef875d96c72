/**
 * The page at `/`: one self-contained HTML document (style and script
 * inline, allowed by a per-response nonce in a strict Content-Security-Policy,
 * nothing fetched from elsewhere). The identity and the processes arrive by
 * the event stream, so the document itself holds no data but the token.
 */
import { PAGE_SCRIPT } from './page-script';
import { PAGE_STYLE } from './page-style';

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%232f6fdf'/%3E%3Cpath d='M9 11h14M16 11v12' stroke='white' stroke-width='3.5' stroke-linecap='round'/%3E%3C/svg%3E";

export function renderPage(token: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="csrf" content="${token}">
<meta name="referrer" content="no-referrer">
<title>tdaemon</title>
<link rel="icon" href="${ICON}">
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<header>
  <div class="brand"><div class="mark">td</div><div><h1 id="ident">&nbsp;</h1><div class="sub" id="meta">connecting…</div></div></div>
  <div class="counts">
    <span class="chip"><b id="n-ok">0</b> running</span>
    <span class="chip"><b id="n-warn">0</b> changing</span>
    <span class="chip"><b id="n-idle">0</b> stopped</span>
    <span class="chip"><b id="n-bad">0</b> failed</span>
    <span class="live" id="live"><i></i><span>connecting…</span></span>
  </div>
</header>
<main>
  <div class="bar">
    <input id="filter" type="search" placeholder="Filter by name" aria-label="Filter by name" autocomplete="off">
    <button type="button" class="primary" data-all="startall">Start all</button>
    <button type="button" data-all="restartall">Restart all</button>
    <button type="button" class="danger" data-all="stopall">Stop all</button>
  </div>
  <div id="list"></div>
  <div class="empty" id="empty" hidden>No programs in this configuration.</div>
</main>
<footer>Served by tdaemon's supervisor · updates are pushed live</footer>
<div id="toast" role="status" aria-live="polite"></div>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Headers for the page: no framing, no sniffing, no caching, and only our own inline code runs. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}
