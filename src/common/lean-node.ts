/**
 * Node.js flags for our long-lived processes (the watchdog, the
 * supervisor), which run little JavaScript for a long time (npm run bench):
 * a young generation of 1 MiB keeps a crash loop or a burst of requests
 * from growing it to 32 MiB (a supervisor of 100 programs: 7 MiB of RSS
 * less), and lite mode (no optimizing compiler, no baseline compiler) keeps
 * the compilers' code and zones out of memory: a supervisor of 100 programs
 * takes 6.3 MiB of VmRSS less on Node 20 and 10 MiB less on Node 24 (with
 * only Sparkplug, --max-opt=1 instead: 1.6 and 0.9 MiB more than lite).
 * Before Node 24, --no-expose-wasm avoids lite mode's warning about the
 * conflict; Node 24's V8 no longer has that flag (nor the warning), and
 * refuses to start with it.
 *
 * Measured and left out (no gain in VmRSS, 1 to 100 programs): a full GC
 * once start-up settles (the garbage is young, and new space never shrinks
 * below its two semi-spaces of 1 MiB), --optimize-for-size,
 * --semi-space-growth-factor=1, --single-threaded-gc, --v8-pool-size=1,
 * --jitless, --no-flush-bytecode, MALLOC_ARENA_MAX=2. The young generation
 * collectors without semi-spaces save about 1 MiB (--minor-mc, experimental
 * in Node 20's V8; --minor-ms in Node 24's), not taken: not V8's default.
 */
export const LEAN_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  ...(Number(process.versions.node.split('.')[0]) < 24 ? ['--no-expose-wasm'] : []),
  '--lite-mode',
];
