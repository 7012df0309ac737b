// The message tokenizer of the room (tokens.js) against the vectors the Python tests also read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { messageTokens, splitUrl } from '../../workgroups/static/workgroups/tokens.js';

const { vectors } = JSON.parse(readFileSync(new URL('../data/tokenizer_vectors.json', import.meta.url), 'utf-8'));

test('there are vectors to check', () => {
  assert.ok(vectors.length > 10);
});

for (const vector of vectors) {
  test(`tokens: ${vector.name}`, () => {
    const tokens = messageTokens(vector.body, new Map(Object.entries(vector.handles)));
    assert.deepEqual(tokens, vector.tokens);
    assert.equal(tokens.map((token) => token.text).join(''), vector.body);
  });
}

test('splitUrl keeps a closer that has its opener and drops the sentence punctuation', () => {
  assert.deepEqual(splitUrl('https://example.org/a_(b)).'), ['https://example.org/a_(b)', ').']);
  assert.deepEqual(splitUrl('https://example.org/x?!'), ['https://example.org/x', '?!']);
});
