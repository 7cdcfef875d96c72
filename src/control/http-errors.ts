/** Error responses shaped like medusa's (supervisor's HTTP server): same status lines and body. */
import type { ServerResponse } from 'node:http';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function errorBody(status: number): string {
  const reason = REASONS[status] ?? 'Error';
  return `<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code ${status}.\r\n<p>Message: ${reason}.\r\n</body>\r\n`;
}

/** Sends STATUS with medusa's HTML body; CLOSE also ends the connection (after a 401, or when the body was not read). */
export function sendError(res: ServerResponse, status: number, extraHeaders: Record<string, string> = {}, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(status);
  const headers: Record<string, string | number> = { ...extraHeaders, 'Content-Length': Buffer.byteLength(body), 'Content-Type': 'text/html' };
  if (close) headers.Connection = 'close';
  res.writeHead(status, REASONS[status] ?? 'Error', headers);
  res.end(body);
}
