import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSize } from '../../src/cli/options';

describe('--log-max-size SIZE', () => {
  const good: Array<[string, number]> = [
    ['0', 0],
    ['4096', 4096],
    ['512K', 512 * 1024],
    ['512k', 512 * 1024],
    ['10M', 10 * 1024 * 1024],
    ['10MB', 10 * 1024 * 1024],
    ['1G', 1024 ** 3],
  ];
  for (const [text, bytes] of good) it(`${text} is ${bytes} bytes`, () => assert.equal(parseSize('log-max-size', text), bytes));
  for (const text of ['', '10X', '-1', '1.5M', 'M', '10 M', '99999999999999999G']) {
    it(`'${text}' is refused`, () => assert.throws(() => parseSize('log-max-size', text), { message: `--log-max-size takes a size such as 512K, 10M or 1G, not '${text}'` }));
  }
});
