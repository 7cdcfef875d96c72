/**
 * Node.js flags for our long-lived processes (the watchdog, the
 * supervisor), which run little JavaScript for a long time (npm run bench):
 * a young generation of 1 MiB keeps a crash loop or a burst of requests
 * from growing it to 32 MiB (a supervisor of 100 programs: 7 MiB of RSS
 * less), and lite mode (no optimizing compiler) saves about 1 MiB more.
 * Before Node 24, --no-expose-wasm avoids lite mode's warning about the
 * conflict; Node 24's V8 no longer has that flag (nor the warning), and
 * refuses to start with it.
 */
export const LEAN_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  ...(Number(process.versions.node.split('.')[0]) < 24 ? ['--no-expose-wasm'] : []),
  '--lite-mode',
];
