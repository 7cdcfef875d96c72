// Links dist/node to the Node.js running the build, for bin/tnohup: tnohup
// must start where node is not on PATH (cron, an nvm install).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const link = path.join(__dirname, '..', 'dist', 'node');
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.rmSync(link, { force: true });
fs.symlinkSync(process.execPath, link);
