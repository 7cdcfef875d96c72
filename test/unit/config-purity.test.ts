// src/config and src/model are pure: the file system, environment and user
// database come in through ConfigDeps, so nothing there may import node:.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');

for (const dir of ['src/config', 'src/model']) {
  it(`${dir} imports no node: module and nothing outside config/model`, () => {
    for (const name of fs.readdirSync(path.join(root, dir))) {
      const text = fs.readFileSync(path.join(root, dir, name), 'utf8');
      const imports = [...text.matchAll(/(?:from|require\()\s*'([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) {
        assert.ok(!spec.startsWith('node:') && !/^[a-z@]/.test(spec), `${dir}/${name} imports ${spec}`);
        assert.ok(/^\.\/|^\.\.\/(model|config)\//.test(spec), `${dir}/${name} imports ${spec}`);
      }
    }
  });
}
