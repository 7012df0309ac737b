/* The outbox: every send is kept until the server has it, across reconnects and reloads.
 *
 * Entries are {client_id, body, created}; the client id makes a resend safe (the server stores each
 * message once). They live in the browser's storage under one key per room and person, so another
 * tab of the same room shares them; without storage (disabled or full) they live in memory until
 * the page closes. Pure: the storage and the clock are given.
 */

export const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export const outboxKey = (workgroup, person) => `ptce.workgroups.outbox.${workgroup}.${person}`;

export class Outbox {
  #memory = [];

  /**
   * @param {string} key the storage key (outboxKey)
   * @param {Storage|null} storage localStorage, or anything with getItem/setItem/removeItem
   * @param {() => number} now milliseconds
   */
  constructor(key, storage, now = Date.now) {
    this.key = key;
    this.storage = storage;
    this.now = now;
  }

  /** The entries not older than a week, oldest first. */
  entries() {
    try {
      const entries = JSON.parse(this.storage.getItem(this.key) || '[]');
      if (!Array.isArray(entries)) return [];
      return entries.filter(
        (entry) =>
          entry &&
          typeof entry.client_id === 'string' &&
          typeof entry.body === 'string' &&
          this.now() - (entry.created || 0) < OUTBOX_MAX_AGE_MS,
      );
    } catch {
      return this.#memory;
    }
  }

  #write(entries) {
    this.#memory = entries;
    try {
      if (entries.length) this.storage.setItem(this.key, JSON.stringify(entries));
      else this.storage.removeItem(this.key);
    } catch {
      // Storage disabled or full: the outbox lives in memory until the page closes.
    }
  }

  // Read, change, write each time: another tab of the same room may have added its own sends.
  add(entry) {
    this.#write([...this.entries(), entry]);
  }

  remove(clientId) {
    this.#write(this.entries().filter((entry) => entry.client_id !== clientId));
  }

  find(clientId) {
    return this.entries().find((entry) => entry.client_id === clientId);
  }

  /** A new entry for `body`, kept before it is sent. */
  create(body, clientId) {
    const entry = { client_id: clientId, body, created: this.now() };
    this.add(entry);
    return entry;
  }
}

/** A client id for a send: a UUID where the page may make one, else 32 random hex digits. */
export function newClientId(crypto = globalThis.crypto) {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not (plain http on a LAN address).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
