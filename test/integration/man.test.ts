import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, TDAEMON, TNOHUP } from '../helpers/paths';
import { run } from '../helpers/run';

/** Long options a --help text names. */
function longOptions(help: string): string[] {
  return [...new Set(help.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? [])];
}

async function renderPlain(page: string): Promise<string> {
  const result = await run('groff', ['-man', '-Tascii', '-P-cbou', page]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

const pages: Array<[string, string, string[][]]> = [
  ['tnohup', TNOHUP, [[]]],
];
if (fs.existsSync(path.join(ROOT, 'man', 'tdaemon.1'))) {
  pages.push(['tdaemon', TDAEMON, [[], ...['start', 'stop', 'restart', 'status', 'reload', 'logs'].map((verb) => [verb])]]);
}

describe('man pages', { concurrency: true }, () => {
  for (const [name, bin, helpArgs] of pages) {
    const page = path.join(ROOT, 'man', `${name}.1`);

    it(`${name}.1 renders without warnings`, async () => {
      const result = await run('groff', ['-man', '-ww', '-z', page]);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
    });

    it(`${name}.1 documents every option its --help shows`, async () => {
      const text = await renderPlain(page);
      for (const args of helpArgs) {
        const help = await run(bin, [...args, '--help']);
        assert.equal(help.code, 0, help.stderr);
        for (const option of longOptions(help.stdout)) {
          assert.ok(text.includes(option), `${name}.1 does not mention ${option} (from ${[name, ...args].join(' ')} --help)`);
        }
      }
    });
  }
});
