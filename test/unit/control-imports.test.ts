import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/paths';

// The protocol's pure parts are shared by the server, the client and the CLI's
// verbs: they must not pull in node: modules (nor, through them, startup cost).
const PURE = [
  'src/model/supervisor-states.ts',
  'src/control/protocol.ts',
  'src/control/xml-reader.ts',
  'src/control/xmlrpc.ts',
  'src/control/status-lines.ts',
  'src/control/log-ranges.ts',
  'src/control/dispatch.ts',
  'src/control/backend.ts',
  'src/control/ctl-commands.ts',
  'src/control/ctl-run.ts',
  'src/control/ctl-process-verbs.ts',
  'src/control/logtail-path.ts',
];

it('the pure control modules import no node: module, and only pure siblings', () => {
  for (const file of PURE) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    assert.doesNotMatch(text, /from ['"]node:|require\(['"]node:/, file);
    for (const [, target] of text.matchAll(/from '(\.[^']+)'/g)) {
      const resolved = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), `${target}.ts`));
      assert.ok(PURE.includes(resolved), `${file} imports ${resolved}, which is not pure`);
    }
  }
});

it('only the supervisor and its lazily loaded bundles load the control face (the daemon verbs do not pay for it)', () => {
  const src = path.join(ROOT, 'src');
  const allowed = [path.join(src, 'control'), path.join(src, 'app', 'supervisor'), path.join(src, 'cli', 'tdaemon-ctl.ts')];
  const users: string[] = [];
  (function walk(dir: string) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full.endsWith('.ts') && !allowed.some((place) => full === place || full.startsWith(place + path.sep)) && /from '[^']*\/control\//.test(fs.readFileSync(full, 'utf8'))) users.push(full);
    }
  })(src);
  assert.deepEqual(users, []);
  const cli = fs.readFileSync(path.join(ROOT, 'dist', 'tdaemon.js'), 'utf8');
  assert.ok(!cli.includes('methodResponse'), 'dist/tdaemon.js carries the XML-RPC codec');
});

it('the web page is carried by the supervisor bundle alone', () => {
  const carries = (name: string) => fs.readFileSync(path.join(ROOT, 'dist', `${name}.js`), 'utf8').includes('tdaemon_session');
  assert.equal(carries('tdaemon-supervisor'), true);
  for (const name of ['tdaemon', 'tdaemon-ctl', 'tdaemon-help', 'tdaemon-watchdog', 'tnohup']) assert.equal(carries(name), false, name);
});
