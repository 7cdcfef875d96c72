import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closingInShim, stdioFor } from '../../src/nohup/descriptors';
import { interpreterOf } from '../../src/nohup/interpreter';
import { describeCode } from '../../src/nohup/write';

describe('interpreterOf reads a "#!" line as the kernel does', () => {
  const cases: Array<[string, string | null]> = [
    ['#!/bin/sh\necho', '/bin/sh'],
    ['#! /usr/bin/env node\n', '/usr/bin/env'],
    ['#!\t/nonexistent/interp -x\n', '/nonexistent/interp'],
    ['#!\n', null],
    ['\x7fELF', null],
    ['# comment', null],
    ['', null],
  ];
  for (const [head, interpreter] of cases) {
    it(JSON.stringify(head), () => assert.equal(interpreterOf(Buffer.from(head, 'latin1')), interpreter));
  }
});

describe('describeCode gives strerror texts', () => {
  const cases: Array<[string, string]> = [
    ['E2BIG', 'Argument list too long'],
    ['ENOENT', 'No such file or directory'],
    ['EACCES', 'Permission denied'],
    ['ENOSPC', 'No space left on device'],
    ['EBADF', 'Bad file descriptor'],
  ];
  for (const [code, text] of cases) it(code, () => assert.equal(describeCode(code), text));
});

describe('stdioFor and closingInShim place the command descriptors', () => {
  it('maps each slot, and keeps inherited descriptors at their numbers with closed gaps', () => {
    assert.deepEqual(stdioFor(['unreadable', 'file', 'own-stdout'], { unreadable: 20, file: 21 }, [5]), [20, 21, 1, 'ignore', 'ignore', 5]);
    assert.deepEqual(stdioFor(['own', 'closed', 'own'], { unreadable: null, file: null }, []), [0, 'ignore', 2]);
  });

  it('closes the closed ones in the shim, before its script', () => {
    const argv = ['-c', 'trap "" HUP; exec "$@"', 'sh', 'cmd'];
    assert.deepEqual(closingInShim(argv, ['own', 'own', 'own']), argv);
    assert.deepEqual(closingInShim(argv, ['closed', 'own', 'closed']), ['-c', 'exec 0>&- 2>&-\ntrap "" HUP; exec "$@"', 'sh', 'cmd']);
  });
});
