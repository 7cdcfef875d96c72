import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';

/**
 * The layering rule (README, "Development"): each folder of src/ may import
 * only from the folders listed for it, so imports run downward. model,
 * policy and config are pure: they import no node: module at all.
 */
const MAY_IMPORT: Record<string, string[]> = {
  model: [],
  policy: ['model'],
  config: ['model'],
  common: ['model'],
  os: ['model', 'common'],
  supervise: ['model', 'policy', 'common', 'os'],
  control: ['model', 'policy', 'config', 'common', 'os'],
  nohup: ['model', 'policy', 'common'],
  app: ['model', 'policy', 'config', 'common', 'os', 'supervise', 'control'],
  cli: ['model', 'policy', 'config', 'common', 'os', 'supervise', 'control', 'nohup', 'app'],
};
const PURE = new Set(['model', 'policy', 'config']);

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file names: import ... from, import x = require, require(), import(). */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\brequire\(\s*'([^']+)'\s*\)/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

describe('the layering rule', () => {
  const files = sourceFiles(SRC);

  it('knows every folder of src/', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of layers) assert.ok(layer in MAY_IMPORT, `src/${layer} has no rule in MAY_IMPORT`);
  });

  it('lets each folder import only from the folders below it', () => {
    const broken: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      const allowed = new Set([layer, ...(MAY_IMPORT[layer] ?? [])]);
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = layerOf(path.resolve(path.dirname(file), spec));
          if (!allowed.has(target)) broken.push(`${path.relative(ROOT, file)} imports ${spec} (${layer} -> ${target})`);
        } else if (PURE.has(layer)) {
          broken.push(`${path.relative(ROOT, file)} imports ${spec}: ${layer} is pure and imports no module of Node or npm`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('keeps the engine out of the short-lived CLI: its commands never import supervise/', () => {
    const cli = files.filter((file) => layerOf(file) === 'cli' && !file.endsWith('tdaemon-watchdog.ts'));
    const offenders = cli.filter((file) => importsOf(fs.readFileSync(file, 'utf8')).some((spec) => spec.includes('/supervise/')));
    assert.deepEqual(offenders, []);
  });
});

describe('the bundles', () => {
  it('leave the engine out of the short-lived CLI and put it in the watchdog', () => {
    const cli = fs.readFileSync(path.join(ROOT, 'dist', 'tdaemon.js'), 'utf8');
    const watchdog = fs.readFileSync(path.join(ROOT, 'dist', 'tdaemon-watchdog.js'), 'utf8');
    for (const name of ['ReadyShellSpawner', 'restart-now', 'realUnitDeps']) {
      assert.ok(!cli.includes(name), `dist/tdaemon.js carries ${name}`);
      assert.ok(watchdog.includes(name), `dist/tdaemon-watchdog.js lacks ${name}`);
    }
  });
});
