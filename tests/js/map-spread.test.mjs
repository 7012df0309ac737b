// Markers on the same spot of the directory's map are spread around it (map-spread.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { spreadOffsets } from '../../cms/static/cms/map-spread.js';

test('a marker alone on its spot stays on it', () => {
  assert.deepEqual(spreadOffsets([[47.07, 2.41], [47.08, 2.42]], 24), [[0, 0], [0, 0]]);
});

test('markers on one spot stand apart, none on another, at least a marker wide', () => {
  const points = [[47.0755, 2.412], [47.0755, 2.412], [47.075500001, 2.412], [47.2, 2.5]];
  const offsets = spreadOffsets(points, 24);
  assert.deepEqual(offsets[3], [0, 0]);
  const spread = offsets.slice(0, 3);
  for (let a = 0; a < spread.length; a += 1) {
    for (let b = a + 1; b < spread.length; b += 1) {
      const distance = Math.hypot(spread[a][0] - spread[b][0], spread[a][1] - spread[b][1]);
      assert.ok(distance >= 24, `markers ${a} and ${b} are ${distance} px apart`);
    }
  }
});

test('many markers on one spot get a wider circle', () => {
  const offsets = spreadOffsets(Array.from({ length: 20 }, () => [47, 2]), 24);
  const radius = Math.hypot(...offsets[0]);
  assert.ok(radius > 24 * 2, `radius ${radius}`);
  assert.equal(new Set(offsets.map(String)).size, 20);
});
