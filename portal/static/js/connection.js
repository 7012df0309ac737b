/* A websocket that reconnects: the one connection module of the portal's live pages.
 *
 * Used by the workgroup room (workgroups/static/workgroups/room.js) and the Bourse's secretary and
 * organiser screens (knowledge/exchange/static/exchange/{table,live}.js). It knows nothing of their
 * protocols: it opens the socket, parses each frame as JSON (a frame that is not JSON is dropped),
 * sends frames as JSON, and after a close it waits (doubling up to a ceiling, with optional jitter)
 * and opens a new one, unless the close code says the server refuses this client for good.
 */

/** Close codes 4400-4499: the server refuses this client (not logged in, no right, no such room). */
export const isRefusal = (code) => code >= 4400 && code < 4500;

/**
 * The wait before reconnection number `attempt` (0 for the first one after a working connection):
 * `start` milliseconds doubling up to `max`; `jitter` (0 to 1) takes up to that share off at random,
 * which spreads a crowd of clients after a server restart.
 */
export function backoffDelay(attempt, { start, max, jitter = 0 }, random = Math.random) {
  const ceiling = Math.min(max, start * 2 ** attempt);
  return ceiling * (1 - jitter + random() * jitter);
}

export function socketUrl(path, where = window.location) {
  const scheme = where.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${where.host}${path}`;
}

export class Connection {
  #path;
  #options;
  #socket = null;
  #attempt = 0;
  #timer = null;
  #stopped = false;

  /**
   * @param {string} path the websocket's path on this host
   * @param {object} options
   *   onFrame(frame): each frame, parsed;
   *   onConnecting(attempt): a socket is being opened (attempt is 0 unless reconnecting);
   *   onOpen(): the socket is open;
   *   onClose(event, {refused, delay}): the socket closed; `refused` when no reconnection follows,
   *     else a new socket opens in `delay` ms;
   *   backoff: {start, max, jitter} (default 1 s doubling up to 30 s, no jitter);
   *   isFatal(code): the close codes after which it stops (default isRefusal);
   *   resetOnOpen: an open socket restarts the backoff (default true; false when the protocol's own
   *     greeting says the connection works: call resetBackoff() then).
   */
  constructor(path, options = {}) {
    this.#path = path;
    this.#options = {
      onFrame: () => {},
      onConnecting: () => {},
      onOpen: () => {},
      onClose: () => {},
      backoff: { start: 1000, max: 30000, jitter: 0 },
      isFatal: isRefusal,
      resetOnOpen: true,
      ...options,
    };
  }

  get stopped() {
    return this.#stopped;
  }

  get isOpen() {
    return Boolean(this.#socket) && this.#socket.readyState === WebSocket.OPEN;
  }

  start() {
    this.#connect();
    return this;
  }

  /** Sends one frame as JSON; false when no socket is open (nothing is queued here). */
  send(frame) {
    if (!this.isOpen) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  resetBackoff() {
    this.#attempt = 0;
  }

  /** Drops the current socket, which may be dead without knowing it, and opens a new one now. */
  restart() {
    if (this.#stopped) return;
    const previous = this.#socket;
    this.#socket = null;
    previous?.close(4000);
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#connect();
  }

  /** No more reconnection; the current socket, if any, is closed. */
  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = null;
    const previous = this.#socket;
    this.#socket = null;
    previous?.close(1000);
  }

  #connect() {
    this.#timer = null;
    if (this.#stopped) return;
    this.#options.onConnecting(this.#attempt);
    const socket = new WebSocket(socketUrl(this.#path));
    this.#socket = socket;
    // A socket replaced by restart() still reports its own events: they are ignored.
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      if (this.#options.resetOnOpen) this.#attempt = 0;
      this.#options.onOpen();
    });
    socket.addEventListener('message', (event) => {
      if (this.#socket !== socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.#options.onFrame(frame);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#onClose(event);
    });
  }

  #onClose(event) {
    if (this.#stopped) return;
    if (this.#options.isFatal(event.code)) {
      this.#stopped = true;
      this.#options.onClose(event, { refused: true, delay: null });
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#options.backoff);
    this.#attempt += 1;
    this.#timer = setTimeout(() => this.#connect(), delay);
    this.#options.onClose(event, { refused: false, delay });
  }
}
