// The room's ordering state machine (protocol.js): in order, once, resume on a gap, dedup by client id.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RoomProtocol } from '../../workgroups/static/workgroups/protocol.js';

const ME = 7;
const message = (sequence, extra = {}) => ({ sequence, author: { id: 3 }, body: `m${sequence}`, ...extra });
const mine = (sequence, clientId) => message(sequence, { author: { id: ME }, client_id: clientId });
const sequences = (result) => result.show.map((shown) => shown.sequence);

function sender() {
  const frames = [];
  const send = (frame) => {
    frames.push(frame);
    return true;
  };
  return { frames, send };
}

test('messages in order are shown at once', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  assert.deepEqual(sequences(protocol.message(message(5))), [5]);
  const result = protocol.message(message(6));
  assert.deepEqual(sequences(result), [6]);
  assert.equal(result.resume, false);
  assert.equal(protocol.lastSequence, 6);
});

test('a message already shown is shown again never', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  const result = protocol.message(message(4));
  assert.deepEqual(result.show, []);
  assert.equal(result.resume, false);
  assert.equal(protocol.lastSequence, 4);
});

test('a gap waits for the missing message and asks for a resume', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  const result = protocol.message(message(6));
  assert.deepEqual(result.show, []);
  assert.equal(result.resume, true);
  assert.equal(protocol.lastSequence, 4);
  // The missing one arrives live: both show, in order.
  const filled = protocol.message(message(5));
  assert.deepEqual(sequences(filled), [5, 6]);
  assert.equal(filled.resume, false);
  assert.equal(protocol.early.size, 0);
});

test('the resume asks after the last sequence and the last change, once at a time', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, lastChange: 9, me: ME });
  const { frames, send } = sender();
  assert.equal(protocol.requestResume(send), true);
  assert.equal(protocol.requestResume(send), true);
  assert.deepEqual(frames, [{ type: 'resume', after: 4, changes_after: 9 }]);
});

test('a resume that could not be sent is asked again later', () => {
  const protocol = new RoomProtocol({ lastSequence: 4 });
  assert.equal(
    protocol.requestResume(() => false),
    false,
  );
  const { frames, send } = sender();
  protocol.requestResume(send);
  assert.equal(frames.length, 1);
});

test('during a resume live messages wait; the burst and "resumed" show everything in order', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  protocol.requestResume(() => true);
  assert.deepEqual(protocol.message(message(8)).show, []);
  assert.deepEqual(protocol.message(message(5)).show, []);
  assert.deepEqual(protocol.message(message(6)).show, []);
  assert.deepEqual(protocol.message(message(7)).show, []);
  const result = protocol.resumed({ type: 'resumed', last: 8, complete: true });
  assert.deepEqual(sequences(result), [5, 6, 7, 8]);
  assert.equal(result.resume, false);
  assert.equal(protocol.resumeInFlight, false);
});

test('a number missing below the burst\'s last was deleted: the ones after it show', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  protocol.requestResume(() => true);
  protocol.message(message(5));
  protocol.message(message(7));
  const result = protocol.resumed({ type: 'resumed', last: 7, complete: true });
  assert.deepEqual(sequences(result), [5, 7]);
  assert.equal(protocol.lastSequence, 7);
});

test('an incomplete burst shows what it brought and asks for the rest', () => {
  const protocol = new RoomProtocol({ lastSequence: 0, me: ME });
  protocol.requestResume(() => true);
  for (const sequence of [1, 2, 3, 9]) protocol.message(message(sequence));
  const result = protocol.resumed({ type: 'resumed', last: 3, complete: false });
  assert.deepEqual(sequences(result), [1, 2, 3]);
  assert.equal(result.resume, true);
  assert.ok(protocol.early.has(9));
});

test('a resume that ends with a gap left asks again', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  protocol.requestResume(() => true);
  protocol.message(message(9));
  const result = protocol.resumed({ type: 'resumed', last: 6, complete: false });
  assert.deepEqual(result.show, []);
  assert.equal(result.resume, true);
});

test('my own message settles its send, shown or already there (dedup by client id)', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  assert.deepEqual(protocol.message(mine(5, 'abc')).settle, ['abc']);
  assert.deepEqual(protocol.message(mine(5, 'abc')).settle, ['abc']);
  assert.deepEqual(protocol.message(message(6, { client_id: 'other' })).settle, []);
  assert.deepEqual(protocol.message(mine(7)).settle, []);
});

test('an ack is settled when its message is already shown; missing() says when the broadcast got lost', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, me: ME });
  assert.equal(protocol.ack({ client_id: 'a', sequence: 4 }).settled, true);
  assert.equal(protocol.ack({ client_id: 'b', sequence: 5 }).settled, false);
  assert.equal(protocol.missing(5), true);
  protocol.message(message(5));
  assert.equal(protocol.missing(5), false);
});

test('changes one by one are seen; a skipped change number asks for a resume', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, lastChange: 2 });
  assert.deepEqual(protocol.updated(message(3, { change: 3 })), { render: true, resume: false });
  assert.equal(protocol.lastChange, 3);
  assert.deepEqual(protocol.updated(message(2, { change: 5 })), { render: true, resume: true });
  assert.equal(protocol.lastChange, 3);
  assert.deepEqual(protocol.updated(message(2, { change: 3 })), { render: true, resume: false });
});

test('an update of a waiting message replaces it instead of rendering', () => {
  const protocol = new RoomProtocol({ lastSequence: 4 });
  protocol.message(message(6));
  const edited = message(6, { body: 'edited', change: 1 });
  assert.deepEqual(protocol.updated(edited), { render: false, resume: false });
  protocol.message(message(5));
  assert.equal(protocol.lastSequence, 6);
});

test('during a resume changes are not counted; "resumed" brings the last change', () => {
  const protocol = new RoomProtocol({ lastSequence: 4, lastChange: 2 });
  protocol.requestResume(() => true);
  assert.deepEqual(protocol.updated(message(3, { change: 7 })), { render: true, resume: false });
  assert.equal(protocol.lastChange, 2);
  protocol.resumed({ type: 'resumed', last: 4, complete: true, last_change: 7 });
  assert.equal(protocol.lastChange, 7);
  protocol.resumed({ type: 'resumed', last: 4, complete: true, last_change: 5 });
  assert.equal(protocol.lastChange, 7);
});

test('a lost connection ends the resume under way', () => {
  const protocol = new RoomProtocol({ lastSequence: 4 });
  protocol.requestResume(() => true);
  protocol.disconnected();
  assert.equal(protocol.resumeInFlight, false);
  const { frames, send } = sender();
  protocol.requestResume(send);
  assert.equal(frames.length, 1);
});
