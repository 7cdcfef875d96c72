import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffGroups, diffProcesses, loadConfig, type GroupSpec } from '../../src/config';
import { fakeDeps } from '../helpers/config-fs';

function groups(text: string, file = '/etc/t.conf'): GroupSpec[] {
  return loadConfig(file, fakeDeps({ files: { [file]: text } })).config.groups;
}

const BEFORE = `[group:web]
programs=api,worker
[program:api]
command=/bin/api
[program:worker]
command=/bin/worker
numprocs=2
process_name=w%(process_num)d
[program:cron]
command=/bin/cron
[program:old]
command=/bin/old
`;

const AFTER = `[group:web]
programs=api,worker
[program:api]
command=/bin/api
[program:worker]
command=/bin/worker --fast
numprocs=2
process_name=w%(process_num)d
[program:cron]
; a comment moves the lines, nothing else
command=/bin/cron
[program:new]
command=/bin/new
`;

describe('diffGroups: supervisor diff_to_active', () => {
  it('reports added, changed and removed groups', () => {
    const d = diffGroups(groups(BEFORE), groups(AFTER));
    assert.deepEqual([d.added.map((g) => g.name), d.changed.map((g) => g.name), d.removed.map((g) => g.name)], [['new'], ['web'], ['old']]);
  });
  it('a group whose priority changes is changed', () => {
    const d = diffGroups(groups('[program:a]\ncommand=/bin/a\n'), groups('[program:a]\ncommand=/bin/a\npriority=5\n'));
    assert.deepEqual(d.changed.map((g) => g.name), ['a']);
  });
  it('the same config read twice changes nothing', () => {
    assert.deepEqual(diffGroups(groups(BEFORE), groups(BEFORE)), { added: [], changed: [], removed: [] });
  });
});

describe('diffProcesses: only what changed restarts', () => {
  it('per process, with the fields that changed', () => {
    const d = diffProcesses(groups(BEFORE), groups(AFTER));
    assert.deepEqual(d.added.map((p) => p.namespec), ['new']);
    assert.deepEqual(d.removed.map((p) => p.namespec), ['old']);
    assert.deepEqual(d.changed.map((c) => [c.after.namespec, c.keys]), [
      ['web:w0', ['argv', 'command']],
      ['web:w1', ['argv', 'command']],
    ]);
    assert.deepEqual(d.unchanged.map((p) => p.namespec).sort(), ['cron', 'web:api']);
  });
  it('a process that moves to another group is removed and added', () => {
    const d = diffProcesses(groups('[program:a]\ncommand=/bin/a\n'), groups('[group:g]\nprograms=a\n[program:a]\ncommand=/bin/a\n'));
    assert.deepEqual([d.added.map((p) => p.namespec), d.removed.map((p) => p.namespec)], [['g:a'], ['a']]);
  });
  it('a file moved elsewhere with the same content changes nothing', () => {
    const d = diffProcesses(groups('[program:a]\ncommand=/bin/a\n', '/etc/a.conf'), groups('\n\n[program:a]\ncommand=/bin/a\nautostart=true\n', '/srv/b.conf'));
    assert.deepEqual([d.changed, d.unchanged.map((p) => p.namespec)], [[], ['a']]);
  });
  it('numprocs growing adds processes and changes the others (numprocs is part of each)', () => {
    const d = diffProcesses(groups('[program:a]\ncommand=/bin/a\nprocess_name=a%(process_num)d\n'), groups('[program:a]\ncommand=/bin/a\nprocess_name=a%(process_num)d\nnumprocs=2\n'));
    assert.deepEqual([d.added.map((p) => p.namespec), d.changed.map((c) => c.keys)], [['a:a1'], [['numprocs']]]);
  });
});
