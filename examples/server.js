#!/usr/bin/env node
// A small demo server for the quick start: answers every request with the
// time, and says on stdout where it listens (PORT, or a free port).
'use strict';
const http = require('node:http');

const server = http.createServer((request, response) => {
  response.end(`hello from pid ${process.pid} at ${new Date().toISOString()}\n`);
  console.log(`${request.method} ${request.url}`);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}/`);
});
process.on('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => process.exit(0));
});
