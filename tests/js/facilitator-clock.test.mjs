// The facilitator's clock (facilitator-clock.js): the sheet being announced and the time left.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatSeconds, roundClock } from '../../knowledge/exchange/static/exchange/facilitator-clock.js';

const start = Date.parse('2026-12-05T08:30:00Z');
const at = (minutes, seconds = 0) => start + (minutes * 60 + seconds) * 1000;

test('the first sheet has its full five minutes when the round starts', () => {
  const clock = roundClock({ startedAt: start, now: at(0), minutesPerSheet: 5, sheetCount: 4 });
  assert.deepEqual(clock, { index: 0, sheetSecondsLeft: 300, roundSecondsLeft: 1200, over: false });
});

test('seven and a half minutes in, the second sheet has two and a half minutes left', () => {
  const clock = roundClock({ startedAt: start, now: at(7, 30), minutesPerSheet: 5, sheetCount: 4 });
  assert.equal(clock.index, 1);
  assert.equal(formatSeconds(clock.sheetSecondsLeft), '2:30');
  assert.equal(formatSeconds(clock.roundSecondsLeft), '12:30');
});

test('past the last sheet the round is over and nothing is negative', () => {
  const clock = roundClock({ startedAt: start, now: at(25), minutesPerSheet: 5, sheetCount: 4 });
  assert.equal(clock.index, 3);
  assert.equal(clock.over, true);
  assert.equal(clock.roundSecondsLeft, 0);
  assert.equal(clock.sheetSecondsLeft, 0);
});

test('stepping ahead by hand shows the next sheet with a full slot, never past the last', () => {
  const ahead = roundClock({ startedAt: start, now: at(1), minutesPerSheet: 5, sheetCount: 4, offset: 1 });
  assert.equal(ahead.index, 1);
  assert.equal(ahead.sheetSecondsLeft, 300);
  const far = roundClock({ startedAt: start, now: at(1), minutesPerSheet: 5, sheetCount: 4, offset: 9 });
  assert.equal(far.index, 3);
  const back = roundClock({ startedAt: start, now: at(1), minutesPerSheet: 5, sheetCount: 4, offset: -3 });
  assert.equal(back.index, 0);
});

test('a round without sheets is over at once', () => {
  assert.equal(roundClock({ startedAt: start, now: at(1), minutesPerSheet: 5, sheetCount: 0 }).over, true);
});
