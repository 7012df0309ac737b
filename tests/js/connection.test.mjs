// The shared websocket (portal/static/js/connection.js), with a stand-in WebSocket: backoff, refusals,
// restart, frames as JSON.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

import { backoffDelay, Connection, isRefusal, socketUrl } from '../../portal/static/js/connection.js';

class FakeSocket extends EventTarget {
  static OPEN = 1;
  static CLOSED = 3;
  static all = [];

  constructor(url) {
    super();
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.all.push(this);
  }

  send(text) {
    this.sent.push(text);
  }

  close(code) {
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSED;
  }

  // What the server does:
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  receive(data) {
    const event = new Event('message');
    event.data = data;
    this.dispatchEvent(event);
  }

  drop(code = 1006) {
    this.readyState = FakeSocket.CLOSED;
    const event = new Event('close');
    event.code = code;
    this.dispatchEvent(event);
  }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { start: 5, max: 20, jitter: 0 };

// Every connection a test opens is stopped after it, so none reconnects into the next test.
let opened = [];
const open = (path, options) => {
  const connection = new Connection(path, options).start();
  opened.push(connection);
  return connection;
};

beforeEach(() => {
  FakeSocket.all = [];
  globalThis.WebSocket = FakeSocket;
  globalThis.window = { location: { protocol: 'https:', host: 'portail.example' } };
});

afterEach(() => {
  for (const connection of opened) connection.stop();
  opened = [];
  delete globalThis.WebSocket;
  delete globalThis.window;
});

test('the backoff doubles up to its ceiling; the jitter only shortens it', () => {
  const backoff = { start: 500, max: 15000, jitter: 0.3 };
  assert.deepEqual(
    [0, 1, 2, 5, 10].map((attempt) => backoffDelay(attempt, backoff, () => 1)),
    [500, 1000, 2000, 15000, 15000],
  );
  assert.equal(backoffDelay(0, backoff, () => 0), 350);
  assert.equal(backoffDelay(3, { start: 1000, max: 30000 }), 8000);
});

test('refusals are the 44xx close codes', () => {
  assert.ok(isRefusal(4403) && isRefusal(4400) && isRefusal(4499));
  assert.ok(!isRefusal(1006) && !isRefusal(4000) && !isRefusal(4500));
});

test('the socket URL follows the page: wss on https', () => {
  assert.equal(socketUrl('/ws/x/'), 'wss://portail.example/ws/x/');
  assert.equal(socketUrl('/ws/x/', { protocol: 'http:', host: '127.0.0.1:8000' }), 'ws://127.0.0.1:8000/ws/x/');
});

test('frames go out and come in as JSON; a frame that is not JSON is dropped', () => {
  const frames = [];
  const connection = open('/ws/a/', { onFrame: (frame) => frames.push(frame) });
  assert.equal(connection.send({ type: 'early' }), false);
  const socket = FakeSocket.all[0];
  socket.open();
  assert.equal(connection.send({ type: 'state' }), true);
  assert.deepEqual(socket.sent, ['{"type":"state"}']);
  socket.receive('{"type":"round","round":2}');
  socket.receive('<html>');
  assert.deepEqual(frames, [{ type: 'round', round: 2 }]);
});

test('a dropped socket is replaced after the backoff, which grows until a socket opens', async () => {
  const closes = [];
  const attempts = [];
  open('/ws/a/', {
    backoff: FAST,
    onConnecting: (attempt) => attempts.push(attempt),
    onClose: (_event, outcome) => closes.push(outcome),
  });
  FakeSocket.all[0].drop();
  assert.deepEqual(closes, [{ refused: false, delay: 5 }]);
  await wait(15);
  assert.equal(FakeSocket.all.length, 2);
  FakeSocket.all[1].drop();
  assert.equal(closes[1].delay, 10);
  await wait(25);
  FakeSocket.all[2].open();
  FakeSocket.all[2].drop();
  assert.equal(closes[2].delay, 5);
  assert.deepEqual(attempts, [0, 1, 2]);
});

test('without resetOnOpen only resetBackoff() starts the backoff again', async () => {
  const closes = [];
  const connection = open('/ws/a/', {
    backoff: FAST,
    resetOnOpen: false,
    onClose: (_event, outcome) => closes.push(outcome.delay),
  });
  FakeSocket.all[0].open();
  FakeSocket.all[0].drop();
  await wait(15);
  FakeSocket.all[1].open();
  FakeSocket.all[1].drop();
  await wait(25);
  FakeSocket.all[2].open();
  connection.resetBackoff();
  FakeSocket.all[2].drop();
  assert.deepEqual(closes, [5, 10, 5]);
});

test('a refusal stops the reconnection', async () => {
  const closes = [];
  const connection = open('/ws/a/', {
    backoff: FAST,
    onClose: (event, outcome) => closes.push([event.code, outcome.refused]),
  });
  FakeSocket.all[0].drop(4403);
  await wait(15);
  assert.equal(FakeSocket.all.length, 1);
  assert.deepEqual(closes, [[4403, true]]);
  assert.equal(connection.stopped, true);
});

test('the page may choose which codes are final', async () => {
  const connection = open('/ws/a/', { backoff: FAST, isFatal: (code) => code === 4404 });
  FakeSocket.all[0].drop(4429);
  await wait(15);
  assert.equal(FakeSocket.all.length, 2);
  FakeSocket.all[1].drop(4404);
  assert.equal(connection.stopped, true);
});

test('restart() drops the current socket at once and ignores what it says afterwards', () => {
  const closes = [];
  const connection = open('/ws/a/', { backoff: FAST, onClose: () => closes.push('closed') });
  const first = FakeSocket.all[0];
  first.open();
  connection.restart();
  assert.equal(first.closedWith, 4000);
  assert.equal(FakeSocket.all.length, 2);
  first.drop(4000);
  first.receive('{"type":"late"}');
  assert.deepEqual(closes, []);
});

test('stop() closes the socket and no other opens', async () => {
  const connection = open('/ws/a/', { backoff: FAST });
  FakeSocket.all[0].drop();
  connection.stop();
  await wait(15);
  assert.equal(FakeSocket.all.length, 1);
  connection.restart();
  assert.equal(FakeSocket.all.length, 1);
});
