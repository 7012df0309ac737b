/* The ordering half of the room's websocket protocol (workgroups/frames.py): pure, no DOM.
 *
 * Messages carry a sequence number per workgroup; each is rendered once, in order. A message that
 * arrives before the ones preceding it waits; a gap asks the server to resume from the database
 * after the last sequence rendered. Edits and removals are numbered per workgroup too
 * (message.change): a number skipped asks for a resume as well, so a change made while the page
 * was offline shows without a reload. My own messages carry the client id of their send: once the
 * server has them, the outbox forgets that send (dedup by client id).
 *
 * Every method returns what the page must do: `show` (messages to render now, in order),
 * `settle` (client ids of my sends that the server has), `resume` (ask for a resume).
 */

export class RoomProtocol {
  /**
   * @param {object} state lastSequence and lastChange already on the page; me, my person id.
   */
  constructor({ lastSequence = 0, lastChange = 0, me = null } = {}) {
    this.lastSequence = lastSequence;
    this.lastChange = lastChange;
    this.me = me;
    this.resumeInFlight = false;
    this.early = new Map(); // sequence → message that arrived before the ones preceding it
  }

  #mine(message) {
    return Boolean(message.author) && message.author.id === this.me && Boolean(message.client_id);
  }

  #settled(messages) {
    return messages.filter((message) => this.#mine(message)).map((message) => message.client_id);
  }

  #drain() {
    const shown = [];
    while (this.early.has(this.lastSequence + 1)) {
      const message = this.early.get(this.lastSequence + 1);
      this.early.delete(message.sequence);
      shown.push(message);
      this.lastSequence = message.sequence;
    }
    for (const sequence of this.early.keys()) if (sequence <= this.lastSequence) this.early.delete(sequence);
    return shown;
  }

  /** A "message" frame: shown in order, kept while an earlier one is missing. */
  message(message) {
    if (message.sequence <= this.lastSequence) {
      // Already shown (a resume's burst and the live broadcast both brought it).
      return { show: [], settle: this.#settled([message]), resume: false };
    }
    this.early.set(message.sequence, message);
    // During a resume the burst brings the missing ones, in order.
    if (this.resumeInFlight) return { show: [], settle: [], resume: false };
    const show = this.#drain();
    // A gap: never render out of order, ask the database.
    return { show, settle: this.#settled(show), resume: this.early.size > 0 };
  }

  /** The "resumed" frame that ends a resume's burst. */
  resumed(frame) {
    this.resumeInFlight = false;
    // Every edit and removal up to frame.last_change has just been sent (or reached us whole).
    if (typeof frame.last_change === 'number' && frame.last_change > this.lastChange) {
      this.lastChange = frame.last_change;
    }
    // The burst held every stored message up to frame.last: a number missing below it was deleted.
    const limit = frame.complete ? Infinity : frame.last;
    const show = [];
    for (const sequence of [...this.early.keys()].sort((a, b) => a - b)) {
      if (sequence > limit) break;
      const message = this.early.get(sequence);
      this.early.delete(sequence);
      if (sequence > this.lastSequence) {
        show.push(message);
        this.lastSequence = sequence;
      }
    }
    show.push(...this.#drain());
    return { show, settle: this.#settled(show), resume: !frame.complete || this.early.size > 0 };
  }

  /**
   * A "message_updated" frame. `render` is false when the message waits unrendered (its waiting
   * copy is replaced); else the page re-renders it if it shows it.
   */
  updated(message) {
    let render = true;
    if (this.early.has(message.sequence)) {
      this.early.set(message.sequence, message);
      render = false;
    }
    // Live changes come one by one; a number skipped means the channel layer dropped one: resume.
    // (During a resume the burst skips the changes of messages it sends whole; "resumed" settles it.)
    if (this.resumeInFlight || !message.change) return { render, resume: false };
    if (message.change === this.lastChange + 1) {
      this.lastChange = message.change;
      return { render, resume: false };
    }
    return { render, resume: message.change > this.lastChange + 1 };
  }

  /** An "ack" of my send: `settled` when its message is already shown. */
  ack(frame) {
    return { settled: frame.sequence <= this.lastSequence };
  }

  /** Whether the message numbered `sequence` has not been shown yet (the broadcast got lost). */
  missing(sequence) {
    return this.lastSequence < sequence;
  }

  /**
   * Asks for a resume through `send` (frame → true when sent) unless one is under way.
   * Returns whether one is under way now.
   */
  requestResume(send) {
    if (this.resumeInFlight) return true;
    this.resumeInFlight = Boolean(send({ type: 'resume', after: this.lastSequence, changes_after: this.lastChange }));
    return this.resumeInFlight;
  }

  /** The connection dropped: a resume under way will never end. */
  disconnected() {
    this.resumeInFlight = false;
  }
}
