// Runs every compiled test file with node's test runner, several files at
// once: integration files wait on processes far more than they use the CPU.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'build', 'test');
const files = [];
(function collect(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full);
    else if (entry.name.endsWith('.test.js')) files.push(full);
  }
})(root);
files.sort();

const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((word) => f.includes(word))) : files;
// The spec reporter: one line a test, readable in CI's log (TAP is the
// default when stdout is not a terminal).
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=4', ...selected], { stdio: 'inherit' });
process.exit(result.status ?? 1);
