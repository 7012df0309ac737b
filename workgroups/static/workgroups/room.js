/* The live client of a workgroup room: the glue of protocol.js (ordering, resume), outbox.js
 * (pending sends), render.js (DOM) and the portal's shared connection.js (reconnection).
 *
 * An ES module, no build step. The page works without it (history links, a plain form); this adds
 * the websocket (protocol in workgroups/frames.py). Every text it shows comes from the page's
 * "room-config" json_script, translated there.
 *
 * Exposed for tests: document.body.dataset.connection (connecting|connected|reconnecting|closed)
 * and data-last-sequence, data-last-change on #message-list.
 */
import { Connection } from '../js/connection.js';
import { Outbox, newClientId, outboxKey } from './outbox.js';
import { RoomProtocol } from './protocol.js';
import { codePoints, createRenderer, element, format } from './render.js';

const FATAL_CLOSE_CODES = new Set([4401, 4403, 4404, 4429]);
const BACKOFF = { start: 500, max: 15000, jitter: 0.3 };
const ACK_GRACE_MS = 2000;

function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // the outbox then lives in memory
  }
}

function startRoom(config, list) {
  const S = config.strings;
  const me = config.me;

  const pendingList = document.getElementById('pending-list');
  const scroller = document.getElementById('chat-scroll');
  const statusElement = document.getElementById('connection-status');
  const alerts = document.getElementById('room-alerts');
  const typingElement = document.getElementById('typing');
  const composer = document.getElementById('composer');
  const textarea = document.getElementById('composer-body');
  const counter = document.getElementById('composer-counter');

  const protocol = new RoomProtocol({
    lastSequence: Number(list.dataset.lastSequence) || 0,
    lastChange: Number(list.dataset.lastChange) || 0,
    me: me.id,
  });
  const outbox = new Outbox(outboxKey(config.workgroup, me.id), browserStorage());
  const view = createRenderer(config, {
    edit: (item) =>
      view.startEdit(item, (text) => sendOrWarn({ type: 'edit', sequence: Number(item.dataset.sequence), body: text })),
    remove: (sequence) => sendOrWarn({ type: 'delete', sequence }),
  });

  let ready = false; // the server said "ready": frames may go out
  let stopped = false;

  const isNearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  let alertTimer = null;
  function showAlert(text) {
    alerts.textContent = text;
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => {
      alerts.textContent = '';
    }, 10000);
  }

  function removeEmptyNotice() {
    document.getElementById('chat-empty')?.remove();
  }

  // --- Ordered delivery: protocol.js decides, the page follows ------------------------------

  function syncCounters() {
    list.dataset.lastSequence = String(protocol.lastSequence);
    list.dataset.lastChange = String(protocol.lastChange);
  }

  function show(message) {
    const stick = isNearBottom();
    list.append(view.buildMessage(message));
    list.dataset.lastSequence = String(message.sequence);
    removeEmptyNotice();
    if (message.author) stopTyping(message.author.id);
    if (stick || (message.author && message.author.id === me.id)) scrollToBottom();
  }

  function apply(result) {
    const settled = new Set(result.settle);
    for (const message of result.show) {
      show(message);
      // My own message is in: its pending copy goes at once, before the next one shows.
      if (settled.delete(message.client_id)) settle(message.client_id);
    }
    for (const clientId of settled) settle(clientId);
    syncCounters();
    if (result.resume) requestResume();
    markRead();
  }

  function onMessageUpdated(message) {
    const result = protocol.updated(message);
    if (result.render) {
      const item = document.getElementById(`m${message.sequence}`);
      if (item && item.parentElement === list) view.fillMessage(item, message);
    }
    syncCounters();
    if (result.resume) requestResume();
  }

  function requestResume() {
    if (ready) protocol.requestResume(sendFrame);
  }

  // --- Outbox: every send is kept until the server has it, across reloads -------------------

  const retryTimers = new Map();

  const pendingItem = (clientId) => pendingList.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);

  function renderPending(entry) {
    pendingList.append(view.buildPending(entry));
    removeEmptyNotice();
    scrollToBottom();
  }

  /* The server has the message: forget it in the outbox and drop its "pending" copy. */
  function settle(clientId) {
    if (!clientId) return;
    outbox.remove(clientId);
    clearTimeout(retryTimers.get(clientId));
    retryTimers.delete(clientId);
    pendingItem(clientId)?.remove();
  }

  function transmit(entry) {
    return sendFrame({ type: 'send', body: entry.body, client_id: entry.client_id });
  }

  function flushOutbox() {
    // Same client_id as the first time: the server stores each message once.
    for (const entry of outbox.entries()) transmit(entry);
  }

  function submitComposer() {
    const body = textarea.value.trim();
    if (!body) return;
    const length = codePoints(body);
    if (length > config.maxLength) {
      showAlert(format(S.tooLong, { length, max: config.maxLength }));
      return;
    }
    const entry = outbox.create(body, newClientId());
    renderPending(entry);
    transmit(entry);
    textarea.value = '';
    updateCounter();
    textarea.focus();
  }

  function onAck(frame) {
    outbox.remove(frame.client_id);
    if (protocol.ack(frame).settled) {
      settle(frame.client_id);
      return;
    }
    view.setPendingState(pendingItem(frame.client_id), 'sent', S.sent);
    // The broadcast normally follows the ack; if the channel layer dropped it, the sequence says so.
    setTimeout(() => {
      if (protocol.missing(frame.sequence)) requestResume();
    }, ACK_GRACE_MS);
  }

  function markFailed(item, entry, reason) {
    view.markFailed(item, reason, {
      retry: () => {
        outbox.add(entry);
        view.setPendingState(item, 'pending', S.pending);
        transmit(entry);
      },
      discard: () => item.remove(),
    });
  }

  function onError(frame) {
    if (frame.code === 'rate_limited' && frame.frame === 'resume') {
      // The server holds back a resume asked too often: ask again once the wait is over.
      protocol.disconnected();
      setTimeout(requestResume, Math.max(0.5, Number(frame.retry_after) || 1) * 1000 + 100);
      return;
    }
    if (!frame.client_id) {
      showAlert(frame.message);
      return;
    }
    const entry = outbox.find(frame.client_id);
    const item = pendingItem(frame.client_id);
    if (frame.code === 'rate_limited' && entry) {
      const delay = Math.max(0.5, Number(frame.retry_after) || 1);
      view.setPendingState(item, 'pending', format(S.rateLimited, { seconds: Math.ceil(delay) }));
      clearTimeout(retryTimers.get(entry.client_id));
      retryTimers.set(
        entry.client_id,
        setTimeout(
          () => {
            retryTimers.delete(entry.client_id);
            if (outbox.find(entry.client_id)) transmit(entry);
          },
          delay * 1000 + 100,
        ),
      );
      return;
    }
    outbox.remove(frame.client_id);
    const body = entry ? entry.body : item?.querySelector('.chat-body')?.textContent || '';
    markFailed(item, { client_id: frame.client_id, body, created: Date.now() }, frame.message);
  }

  // --- Typing -------------------------------------------------------------------------------

  const typists = new Map(); // person id → {name, timer}
  let lastTypingSent = 0;

  function renderTyping() {
    typingElement.textContent = view.typingText([...typists.values()].map((typist) => typist.name));
  }

  function onTyping(author) {
    if (!author || author.id === me.id) return;
    clearTimeout(typists.get(author.id)?.timer);
    const timer = setTimeout(() => stopTyping(author.id), config.typingShownSeconds * 1000);
    typists.set(author.id, { name: author.name, timer });
    renderTyping();
  }

  function stopTyping(personId) {
    const typist = typists.get(personId);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(personId);
    renderTyping();
  }

  // --- Reading mark -------------------------------------------------------------------------

  let lastMarked = 0;
  let markTimer = null;

  function markRead() {
    if (!ready || document.visibilityState !== 'visible' || protocol.lastSequence <= lastMarked) return;
    clearTimeout(markTimer);
    markTimer = setTimeout(() => {
      const sequence = protocol.lastSequence;
      if (document.visibilityState !== 'visible' || sequence <= lastMarked) return;
      if (sendFrame({ type: 'mark_read', sequence })) lastMarked = sequence;
    }, 300);
  }

  // --- The connection -----------------------------------------------------------------------

  function setConnection(state, text) {
    // The indicator also says "offline"; for tests the body keeps the four protocol states.
    document.body.dataset.connection = state === 'offline' ? 'reconnecting' : state;
    statusElement.hidden = false;
    statusElement.dataset.state = state;
    statusElement.textContent = text || S.state[state];
  }

  function sendFrame(frame) {
    return ready && connection.send(frame);
  }

  function sendOrWarn(frame) {
    const sent = sendFrame(frame);
    if (!sent) showAlert(S.notConnected);
    return sent;
  }

  function lost() {
    ready = false;
    protocol.disconnected();
  }

  function stop(text) {
    stopped = true;
    connection.stop();
    setConnection('closed', text);
    if (composer) {
      textarea.disabled = true;
      composer.querySelector('button[type="submit"]').disabled = true;
    }
    for (const button of list.querySelectorAll('.chat-actions button')) button.disabled = true;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'ready':
        ready = true;
        connection.resetBackoff();
        setConnection('connected');
        requestResume();
        flushOutbox();
        markRead();
        break;
      case 'message':
        apply(protocol.message(frame.message));
        break;
      case 'message_updated':
        onMessageUpdated(frame.message);
        break;
      case 'ack':
        onAck(frame);
        break;
      case 'resumed':
        apply(protocol.resumed(frame));
        break;
      case 'typing':
        onTyping(frame.author);
        break;
      case 'error':
        onError(frame);
        break;
      default:
        break; // "read", and frames a newer server may add
    }
  }

  const connection = new Connection(config.socketPath, {
    backoff: BACKOFF,
    isFatal: (code) => FATAL_CLOSE_CODES.has(code),
    // Only the server's "ready" says the room works (it may accept the socket, then close it).
    resetOnOpen: false,
    onConnecting: (attempt) => {
      if (attempt === 0) setConnection('connecting');
    },
    onFrame,
    onClose: (event, { refused }) => {
      lost();
      if (refused) stop(S.closed[String(event.code)]);
      else setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
    },
  });

  window.addEventListener('online', () => {
    if (stopped) return;
    // A socket opened before the network went away may be dead without knowing it: start afresh now.
    lost();
    setConnection('reconnecting');
    connection.restart();
  });
  window.addEventListener('offline', () => {
    if (!stopped) setConnection('offline');
  });
  document.addEventListener('visibilitychange', markRead);

  // --- Older messages: the server renders the page, we prepend it ---------------------------

  function setupOlder() {
    const link = document.getElementById('load-older');
    if (!link) return;
    const label = link.textContent;
    link.addEventListener('click', async (event) => {
      event.preventDefault();
      if (link.getAttribute('aria-disabled') === 'true') return;
      link.setAttribute('aria-disabled', 'true');
      link.textContent = S.loading;
      scroller.setAttribute('aria-busy', 'true');
      try {
        const url = new URL(location.pathname, location.origin);
        url.searchParams.set('before', link.dataset.before);
        url.searchParams.set('fragment', '1');
        const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        // Server-rendered and escaped by the same template as the first page.
        const page = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('ol.chat-list');
        if (!page) throw new Error('no message list');
        const before = scroller.scrollHeight;
        const fragment = document.createDocumentFragment();
        for (const node of page.querySelectorAll(':scope > li.chat-message')) {
          if (document.getElementById(node.id)) continue;
          const item = document.importNode(node, true);
          view.decorate(item);
          fragment.append(item);
        }
        list.prepend(fragment);
        scroller.scrollTop += scroller.scrollHeight - before;
        if (page.dataset.hasOlder === 'true' && page.dataset.oldest) {
          link.dataset.before = page.dataset.oldest;
          link.href = `?before=${encodeURIComponent(page.dataset.oldest)}`;
          link.textContent = label;
          link.removeAttribute('aria-disabled');
        } else {
          link.replaceWith(element('p', 'muted', S.noOlder));
        }
      } catch {
        link.textContent = label;
        link.removeAttribute('aria-disabled');
        showAlert(S.loadFailed);
      } finally {
        scroller.removeAttribute('aria-busy');
      }
    });
  }

  // --- The composer -------------------------------------------------------------------------

  function updateCounter() {
    const length = codePoints(textarea.value);
    counter.textContent = format(S.counter, { count: length, max: config.maxLength });
    counter.classList.toggle('is-near-limit', length > config.maxLength * 0.9);
  }

  function setupComposer() {
    if (!composer) return;
    for (const hint of composer.querySelectorAll('.js-only')) hint.hidden = false;
    updateCounter();
    textarea.addEventListener('input', () => {
      updateCounter();
      const now = Date.now();
      if (textarea.value.trim() && now - lastTypingSent >= config.typingIntervalSeconds * 1000) {
        if (sendFrame({ type: 'typing' })) lastTypingSent = now;
      }
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitComposer();
      }
    });
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      submitComposer();
    });
  }

  // --- Start --------------------------------------------------------------------------------

  for (const item of list.querySelectorAll('.chat-message')) view.decorate(item);
  setupOlder();
  // Edit buttons go away when the 15 minutes are over.
  setInterval(() => {
    for (const item of list.querySelectorAll('.chat-message.is-mine')) {
      if (
        item.querySelector('[data-action="edit"]') &&
        !view.withinEditWindow(item) &&
        !item.querySelector('.chat-edit')
      ) {
        view.decorate(item);
      }
    }
  }, 30000);

  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && list.contains(target)) target.scrollIntoView({ block: 'center' });
  else scrollToBottom();

  if (config.live) {
    // Sends that a closed tab or a lost connection left behind: shown at once, sent after "ready".
    for (const entry of outbox.entries()) {
      if (list.querySelector(`[data-client-id="${CSS.escape(entry.client_id)}"]`)) outbox.remove(entry.client_id);
      else renderPending(entry);
    }
    setupComposer();
    connection.start();
  }
}

const configElement = document.getElementById('room-config');
const messageList = document.getElementById('message-list');
if (configElement && messageList) startRoom(JSON.parse(configElement.textContent), messageList);
