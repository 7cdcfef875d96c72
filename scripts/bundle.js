// Bundles each command into one CommonJS file: loading one file is much
// cheaper than resolving yargs' module tree at every start (node-facts.md §6).
'use strict';
const esbuild = require('esbuild');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entries = {
  tnohup: 'src/cli/tnohup.ts',
  'tdaemon-export': 'src/cli/tdaemon-export.ts',
  tdaemon: 'src/cli/tdaemon.ts',
  'tdaemon-watchdog': 'src/cli/tdaemon-watchdog.ts',
  'tdaemon-help': 'src/cli/tdaemon-help.ts',
  'tdaemon-ctl': 'src/cli/tdaemon-ctl.ts',
  'tdaemon-supervisor': 'src/cli/tdaemon-supervisor.ts',
};

// proper-lockfile's own signal-exit (version 3) becomes the version 4 that
// the bundles carry anyway: one copy of it, and no node:assert to load.
const oneSignalExit = {
  name: 'one-signal-exit',
  setup(build) {
    build.onResolve({ filter: /^signal-exit$/ }, (args) =>
      args.importer.includes(`${path.sep}proper-lockfile${path.sep}`)
        ? { path: path.join(root, 'scripts', 'signal-exit-v3.js') }
        : undefined,
    );
  },
};

const builds = Object.entries(entries).map(([name, entry]) =>
  esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, 'dist', `${name}.js`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
    // tdaemon loads its help bundle by path, at run time, on purpose.
    logOverride: { 'unsupported-require-call': 'silent' },
    // graceful-fs only retries EMFILE around fs; proper-lockfile's few calls
    // do not need it, and the long-lived watchdog need not carry its code.
    alias: { 'graceful-fs': path.join(root, 'scripts', 'fs.js') },
    plugins: [oneSignalExit],
  }),
);

// Plugins need the asynchronous API; a failed build fails npm run build.
Promise.all(builds).then(
  () => {
    require('./record-node.js');
    require('./warm-code-cache.js');
  },
  () => process.exit(1),
);

