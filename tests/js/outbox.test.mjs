// The room's outbox (outbox.js): kept in storage, shared by the tabs, a week at most, memory without storage.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';

import { newClientId, Outbox, OUTBOX_MAX_AGE_MS, outboxKey } from '../../workgroups/static/workgroups/outbox.js';

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

const KEY = outboxKey(12, 7);

test('the key names the room and the person', () => {
  assert.equal(KEY, 'ptce.workgroups.outbox.12.7');
});

test('sends are kept in order until removed, and the key goes with the last one', () => {
  const storage = new MemoryStorage();
  const outbox = new Outbox(KEY, storage, () => 1000);
  outbox.create('premier', 'a');
  outbox.create('second', 'b');
  assert.deepEqual(
    outbox.entries().map((entry) => entry.body),
    ['premier', 'second'],
  );
  assert.equal(outbox.find('b').body, 'second');
  outbox.remove('a');
  assert.deepEqual(
    outbox.entries().map((entry) => entry.client_id),
    ['b'],
  );
  outbox.remove('b');
  assert.equal(storage.getItem(KEY), null);
});

test('another tab of the same room sees the sends and adds its own', () => {
  const storage = new MemoryStorage();
  const first = new Outbox(KEY, storage, () => 1000);
  const second = new Outbox(KEY, storage, () => 1000);
  first.create('depuis le premier onglet', 'a');
  second.create('depuis le second', 'b');
  assert.deepEqual(
    first.entries().map((entry) => entry.client_id),
    ['a', 'b'],
  );
});

test('a send older than a week and broken entries are dropped', () => {
  const storage = new MemoryStorage();
  let now = 0;
  const outbox = new Outbox(KEY, storage, () => now);
  outbox.create('ancien', 'old');
  now = OUTBOX_MAX_AGE_MS - 1;
  outbox.create('récent', 'new');
  now = OUTBOX_MAX_AGE_MS + 10;
  assert.deepEqual(
    outbox.entries().map((entry) => entry.client_id),
    ['new'],
  );
  storage.setItem(KEY, JSON.stringify([null, { client_id: 3, body: 'x' }, { client_id: 'c', body: 4 }]));
  assert.deepEqual(outbox.entries(), []);
  storage.setItem(KEY, '{"not": "a list"}');
  assert.deepEqual(outbox.entries(), []);
});

test('without storage the outbox lives in memory', () => {
  const outbox = new Outbox(KEY, null, () => 1000);
  outbox.create('hors ligne', 'a');
  assert.equal(outbox.find('a').body, 'hors ligne');
  outbox.remove('a');
  assert.deepEqual(outbox.entries(), []);
});

test('a full storage keeps the sends in memory', () => {
  const storage = new MemoryStorage();
  storage.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  storage.getItem = () => {
    throw new Error('SecurityError');
  };
  const outbox = new Outbox(KEY, storage, () => 1000);
  outbox.create('plein', 'a');
  assert.equal(outbox.find('a').body, 'plein');
});

test('client ids are UUIDs, or 32 hex digits without randomUUID', () => {
  // Node 18 has no global crypto: the browser's is handed in.
  assert.match(newClientId(webcrypto), /^[0-9a-f-]{36}$/);
  const insecure = { getRandomValues: (bytes) => webcrypto.getRandomValues(bytes) };
  assert.match(newClientId(insecure), /^[0-9a-f]{32}$/);
});
