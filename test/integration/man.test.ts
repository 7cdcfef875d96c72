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
  pages.push(['tdaemon', TDAEMON, [[], ...['start', 'stop', 'restart', 'status', 'reload', 'logs', 'list', 'export'].map((verb) => [verb])]]);
}

/** The rendered paragraph of each option: its heading line and the indented lines under it. */
function optionParagraphs(text: string): Map<string, string> {
  const paragraphs = new Map<string, string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const heading = /^ {7}(?:-\w(?: \S+)?, )?--([a-z][a-z-]*)/.exec(line);
    if (heading) {
      current = heading[1];
      paragraphs.set(current, line.trim());
    } else if (/^ {0,7}\S/.test(line)) {
      current = null;
    } else if (current !== null) {
      paragraphs.set(current, `${paragraphs.get(current)} ${line.trim()}`);
    }
  }
  return paragraphs;
}

/** "--option ... [default: VALUE]" pairs of a --help text, for short values (numbers, signal names, words). */
function helpDefaults(help: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const match of help.matchAll(/--([a-z][a-z-]*)[^\n]*?\[default: ([\w.-]+)\]/g)) pairs.push([match[1], match[2]]);
  return pairs;
}

describe('man pages', { concurrency: true }, () => {
  it('tdaemon.1 states the default of each option as --help does (one table of defaults feeds both)', async () => {
    const paragraphs = optionParagraphs(await renderPlain(path.join(ROOT, 'man', 'tdaemon.1')));
    const checked: string[] = [];
    for (const verb of ['start', 'stop', 'logs', 'reload']) {
      const help = await run(TDAEMON, [verb, '--help']);
      for (const [option, value] of helpDefaults(help.stdout)) {
        const paragraph = paragraphs.get(option) ?? '';
        assert.match(paragraph, new RegExp(`\\b${value.replace('.', '\\.')}\\b`), `tdaemon.1 does not give ${value} as the default of --${option}: ${paragraph}`);
        checked.push(option);
      }
    }
    assert.ok(checked.length >= 9, `only ${checked.join(' ')} checked`);
  });

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
