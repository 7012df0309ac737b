/* The live client of a workgroup room: websocket, resume by sequence number, outbox, typing, edits.
 *
 * No framework and no build step. The page works without it (history links, a plain form);
 * this file adds the websocket (protocol in workgroups/frames.py). Every text it shows comes
 * from the page's "room-config" json_script, translated there. Message text only ever reaches
 * the page through textContent and DOM nodes, never through innerHTML.
 *
 * Exposed for tests: document.body.dataset.connection (connecting|connected|reconnecting|closed)
 * and data-last-sequence, data-last-change on #message-list.
 */
(() => {
  'use strict';

  const configElement = document.getElementById('room-config');
  const list = document.getElementById('message-list');
  if (!configElement || !list) return;

  const config = JSON.parse(configElement.textContent);
  const S = config.strings;
  const me = config.me;
  const myHandle = me.handle.toLowerCase();
  const handles = new Set(config.handles.map((handle) => handle.toLowerCase()));

  const pendingList = document.getElementById('pending-list');
  const scroller = document.getElementById('chat-scroll');
  const statusElement = document.getElementById('connection-status');
  const alerts = document.getElementById('room-alerts');
  const typingElement = document.getElementById('typing');
  const composer = document.getElementById('composer');
  const textarea = document.getElementById('composer-body');
  const counter = document.getElementById('composer-counter');

  const FATAL_CLOSE_CODES = new Set([4401, 4403, 4404]);
  const BACKOFF_START_MS = 500;
  const BACKOFF_MAX_MS = 15000;
  const ACK_GRACE_MS = 2000;
  const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  const OUTBOX_KEY = `ptce.workgroups.outbox.${config.workgroup}.${me.id}`;

  // --- Message bodies: the same tokens as workgroups/templatetags/workgroups_tags.py ------------

  const URL_PATTERN = String.raw`(?<![\p{L}\p{N}_@/.\-])(?:https?://|www\.)[^\s<>"]+`;
  const MENTION_PATTERN = String.raw`(?<![\p{L}\p{N}_@])@([a-z0-9][a-z0-9\-]{0,79})`;
  const MESSAGE_TOKENS = new RegExp(`(${URL_PATTERN})|${MENTION_PATTERN}`, 'giu');
  const URL_PREFIX = /^(?:https?:\/\/|www\.)/i;
  const TRAILING_PUNCTUATION = '.,;:!?\'"»”’)]';
  const CLOSERS = { ')': '(', ']': '[' };

  const count = (text, character) => text.split(character).length - 1;

  function splitUrl(candidate) {
    let url = candidate;
    while (url && TRAILING_PUNCTUATION.includes(url[url.length - 1])) {
      const last = url[url.length - 1];
      // "(voir https://fr.wikipedia.org/wiki/Coopérative_(France))": keep a closer that has its opener.
      if (CLOSERS[last] && count(url, CLOSERS[last]) >= count(url, last)) break;
      url = url.slice(0, -1);
    }
    return [url, candidate.slice(url.length)];
  }

  function renderBody(container, body) {
    container.replaceChildren();
    let position = 0;
    for (const match of body.matchAll(MESSAGE_TOKENS)) {
      container.append(body.slice(position, match.index));
      position = match.index + match[0].length;
      if (match[1]) {
        const [url, rest] = splitUrl(match[1]);
        if (url.replace(URL_PREFIX, '')) {
          const link = element('a', null, url);
          link.href = /^https?:\/\//i.test(url) ? url : `https://${url}`;
          link.rel = 'nofollow noopener';
          link.target = '_blank';
          container.append(link);
        } else {
          container.append(url);
        }
        container.append(rest);
        continue;
      }
      const handle = match[2].toLowerCase();
      if (handles.has(handle)) {
        const mention = element('span', handle === myHandle ? 'mention mention-me' : 'mention', match[0]);
        mention.dataset.handle = handle;
        container.append(mention);
      } else {
        container.append(match[0]);
      }
    }
    container.append(body.slice(position));
  }

  // --- Small helpers ------------------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  const format = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_whole, key) => String(values[key] ?? ''));

  const codePoints = (text) => [...text].length;

  let timeFormat;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: 'short',
      timeStyle: 'short',
    });
  } catch {
    timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  }

  function newClientId() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not (plain http on a LAN address).
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

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

  // --- Rendering messages -------------------------------------------------------------------

  function buildMessage(message) {
    const item = element('li', 'chat-message');
    item.id = `m${message.sequence}`;
    item.dataset.sequence = String(message.sequence);
    item.dataset.author = message.author ? String(message.author.id) : '';
    item.dataset.created = message.created;
    if (message.client_id) item.dataset.clientId = message.client_id;
    if (message.author && message.author.id === me.id) item.classList.add('is-mine');
    fillMessage(item, message);
    return item;
  }

  function fillMessage(item, message) {
    item.replaceChildren();
    item.classList.toggle('is-removed', Boolean(message.removed));
    if (message.removed) item.dataset.removed = message.removed;
    else delete item.dataset.removed;

    const meta = element('p', 'chat-meta');
    meta.append(element('span', 'chat-author', message.author ? message.author.name : S.formerMember));
    if (message.author && message.author.organisation) {
      meta.append(' ', element('span', 'chat-organisation', message.author.organisation));
    }
    const timeLink = element('a', 'chat-time');
    timeLink.href = `#m${message.sequence}`;
    const time = element('time', null, timeFormat.format(new Date(message.created)));
    time.dateTime = message.created;
    timeLink.append(time);
    meta.append(' ', timeLink);
    if (message.edited && !message.removed) meta.append(' ', element('span', 'chat-edited', S.edited));
    item.append(meta);

    if (message.removed) {
      const notice = message.removed === 'moderator' ? S.removedByModerator : S.removedByAuthor;
      item.append(element('p', 'chat-removed', notice));
    } else {
      if (message.reply_to) {
        const reply = element('p', 'chat-reply');
        const link = element('a', null, S.inReplyTo);
        link.href = `#m${message.reply_to}`;
        reply.append(link);
        item.append(reply);
      }
      const body = element('div', 'chat-body');
      renderBody(body, message.body);
      item.append(body);
    }
    decorate(item);
  }

  function withinEditWindow(item) {
    const created = Date.parse(item.dataset.created);
    return Number.isFinite(created) && Date.now() - created < config.editWindowSeconds * 1000;
  }

  function actionButton(label, action, onClick) {
    const button = element('button', null, label);
    button.type = 'button';
    button.dataset.action = action;
    button.addEventListener('click', onClick);
    return button;
  }

  /* Adds edit/delete (author) and hide (coordination) to a rendered message, server- or client-made. */
  function decorate(item) {
    item.querySelector('.chat-actions')?.remove();
    if (!config.live || item.dataset.removed || !item.querySelector('.chat-body')) return;
    const sequence = Number(item.dataset.sequence);
    const mine = item.dataset.author === String(me.id);
    const actions = element('div', 'chat-actions');
    if (mine && withinEditWindow(item)) {
      actions.append(actionButton(S.edit, 'edit', () => startEdit(item)));
    }
    if (mine) {
      actions.append(
        actionButton(S.delete, 'delete', () => {
          if (window.confirm(S.confirmDelete)) sendOrWarn({ type: 'delete', sequence });
        }),
      );
    } else if (config.canModerate) {
      actions.append(
        actionButton(S.hide, 'hide', () => {
          if (window.confirm(S.confirmHide)) sendOrWarn({ type: 'delete', sequence });
        }),
      );
    }
    if (actions.childElementCount) item.append(actions);
  }

  function startEdit(item) {
    if (item.querySelector('.chat-edit')) return;
    const body = item.querySelector('.chat-body');
    const actions = item.querySelector('.chat-actions');
    const original = body.textContent;
    const form = element('form', 'chat-edit');
    const area = element('textarea');
    area.id = `edit-${item.dataset.sequence}`;
    area.rows = 3;
    area.maxLength = config.maxLength;
    area.value = original;
    const label = element('label', 'visually-hidden', S.editLabel);
    label.htmlFor = area.id;
    const save = element('button', null, S.save);
    save.type = 'submit';
    const cancel = element('button', 'button-secondary', S.cancel);
    cancel.type = 'button';
    form.append(label, area, save, cancel);
    body.hidden = true;
    if (actions) actions.hidden = true;
    body.after(form);
    area.focus();

    const close = () => {
      form.remove();
      body.hidden = false;
      if (actions) actions.hidden = false;
      item.querySelector('[data-action="edit"]')?.focus();
    };
    cancel.addEventListener('click', close);
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text || text === original.trim()) {
        close();
        return;
      }
      // The server answers with message_updated, which re-renders the message for everybody.
      if (sendOrWarn({ type: 'edit', sequence: Number(item.dataset.sequence), body: text })) close();
    });
  }

  // --- Ordered delivery: render each sequence once, in order; resume on a gap ---------------

  let lastSequence = Number(list.dataset.lastSequence) || 0;
  // Edits and removals are numbered per workgroup too (message.change): a resume asks for those
  // above the last one seen, so a change made while this page was offline shows without a reload.
  let lastChange = Number(list.dataset.lastChange) || 0;
  let resumeInFlight = false;
  const early = new Map(); // sequence → message that arrived before the ones preceding it

  function show(message) {
    const stick = isNearBottom();
    list.append(buildMessage(message));
    lastSequence = message.sequence;
    list.dataset.lastSequence = String(lastSequence);
    removeEmptyNotice();
    if (message.author && message.author.id === me.id) settle(message.client_id);
    if (message.author) stopTyping(message.author.id);
    if (stick || (message.author && message.author.id === me.id)) scrollToBottom();
  }

  function drain() {
    while (early.has(lastSequence + 1)) {
      const message = early.get(lastSequence + 1);
      early.delete(message.sequence);
      show(message);
    }
    for (const sequence of early.keys()) if (sequence <= lastSequence) early.delete(sequence);
  }

  function onMessage(message) {
    if (message.sequence <= lastSequence) {
      if (message.author && message.author.id === me.id) settle(message.client_id);
      return;
    }
    early.set(message.sequence, message);
    if (resumeInFlight) return; // the resume's burst brings the missing ones, in order
    drain();
    if (early.size) requestResume(); // a gap: never render out of order, ask the database
    markRead();
  }

  function seenChange(change) {
    lastChange = change;
    list.dataset.lastChange = String(lastChange);
  }

  function onResumed(frame) {
    resumeInFlight = false;
    // Every edit and removal up to frame.last_change has just been sent (or reached us whole).
    if (typeof frame.last_change === 'number' && frame.last_change > lastChange) seenChange(frame.last_change);
    // The burst held every stored message up to frame.last: a number missing below it was deleted.
    const limit = frame.complete ? Infinity : frame.last;
    for (const sequence of [...early.keys()].sort((a, b) => a - b)) {
      if (sequence > limit) break;
      const message = early.get(sequence);
      early.delete(sequence);
      if (sequence > lastSequence) show(message);
    }
    drain();
    if (!frame.complete || early.size) requestResume();
    markRead();
  }

  function onMessageUpdated(message) {
    const item = document.getElementById(`m${message.sequence}`);
    if (item && item.parentElement === list) fillMessage(item, message);
    else if (early.has(message.sequence)) early.set(message.sequence, message);
    // Live changes come one by one; a number skipped means the channel layer dropped one: resume.
    // (During a resume the burst skips the changes of messages it sends whole; "resumed" settles it.)
    if (resumeInFlight || !message.change) return;
    if (message.change === lastChange + 1) seenChange(message.change);
    else if (message.change > lastChange + 1) requestResume();
  }

  function requestResume() {
    if (resumeInFlight || !ready) return;
    resumeInFlight = sendFrame({ type: 'resume', after: lastSequence, changes_after: lastChange });
  }

  // --- Outbox: every send is kept until the server has it, across reloads -------------------

  function readOutbox() {
    try {
      const entries = JSON.parse(localStorage.getItem(OUTBOX_KEY) || '[]');
      if (!Array.isArray(entries)) return [];
      return entries.filter(
        (entry) =>
          entry &&
          typeof entry.client_id === 'string' &&
          typeof entry.body === 'string' &&
          Date.now() - (entry.created || 0) < OUTBOX_MAX_AGE_MS,
      );
    } catch {
      return memoryOutbox;
    }
  }

  let memoryOutbox = [];
  function writeOutbox(entries) {
    memoryOutbox = entries;
    try {
      if (entries.length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(entries));
      else localStorage.removeItem(OUTBOX_KEY);
    } catch {
      // Storage disabled or full: the outbox lives in memory until the page closes.
    }
  }

  // Read, change, write each time: another tab of the same room may have added its own sends.
  const addToOutbox = (entry) => writeOutbox([...readOutbox(), entry]);
  const removeFromOutbox = (clientId) => writeOutbox(readOutbox().filter((entry) => entry.client_id !== clientId));
  const findInOutbox = (clientId) => readOutbox().find((entry) => entry.client_id === clientId);

  const pendingItem = (clientId) =>
    pendingList.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);

  function renderPending(entry) {
    const item = element('li', 'chat-message is-mine');
    item.dataset.clientId = entry.client_id;
    const meta = element('p', 'chat-meta');
    meta.append(element('span', 'chat-author', me.name));
    if (me.organisation) meta.append(' ', element('span', 'chat-organisation', me.organisation));
    meta.append(' ', element('span', 'chat-status'));
    const body = element('div', 'chat-body');
    renderBody(body, entry.body);
    item.append(meta, body);
    pendingList.append(item);
    setPendingState(item, 'pending', S.pending);
    removeEmptyNotice();
    scrollToBottom();
    return item;
  }

  function setPendingState(item, state, text) {
    if (!item) return;
    item.dataset.state = state;
    item.querySelector('.chat-status').textContent = text;
    item.querySelector('.chat-failure')?.remove();
  }

  function markFailed(item, entry, reason) {
    if (!item) return;
    setPendingState(item, 'failed', format(S.failed, { reason }));
    const actions = element('div', 'chat-actions chat-failure');
    actions.append(
      actionButton(S.retry, 'retry', () => {
        addToOutbox(entry);
        setPendingState(item, 'pending', S.pending);
        transmit(entry);
      }),
      actionButton(S.discard, 'discard', () => item.remove()),
    );
    item.append(actions);
  }

  /* The server has the message: forget it in the outbox and drop its "pending" copy. */
  function settle(clientId) {
    if (!clientId) return;
    removeFromOutbox(clientId);
    clearTimeout(retryTimers.get(clientId));
    retryTimers.delete(clientId);
    pendingItem(clientId)?.remove();
  }

  const retryTimers = new Map();

  function transmit(entry) {
    return sendFrame({ type: 'send', body: entry.body, client_id: entry.client_id });
  }

  function flushOutbox() {
    // Same client_id as the first time: the server stores each message once.
    for (const entry of readOutbox()) transmit(entry);
  }

  function submitComposer() {
    const body = textarea.value.trim();
    if (!body) return;
    const length = codePoints(body);
    if (length > config.maxLength) {
      showAlert(format(S.tooLong, { length, max: config.maxLength }));
      return;
    }
    const entry = { client_id: newClientId(), body, created: Date.now() };
    addToOutbox(entry);
    renderPending(entry);
    transmit(entry);
    textarea.value = '';
    updateCounter();
    textarea.focus();
  }

  function onAck(frame) {
    removeFromOutbox(frame.client_id);
    if (frame.sequence <= lastSequence) {
      settle(frame.client_id);
      return;
    }
    setPendingState(pendingItem(frame.client_id), 'sent', S.sent);
    // The broadcast normally follows the ack; if the channel layer dropped it, the sequence says so.
    setTimeout(() => {
      if (lastSequence < frame.sequence) requestResume();
    }, ACK_GRACE_MS);
  }

  function onError(frame) {
    if (!frame.client_id) {
      showAlert(frame.message);
      return;
    }
    const entry = findInOutbox(frame.client_id);
    const item = pendingItem(frame.client_id);
    if (frame.code === 'rate_limited' && entry) {
      const delay = Math.max(0.5, Number(frame.retry_after) || 1);
      setPendingState(item, 'pending', format(S.rateLimited, { seconds: Math.ceil(delay) }));
      clearTimeout(retryTimers.get(entry.client_id));
      retryTimers.set(
        entry.client_id,
        setTimeout(() => {
          retryTimers.delete(entry.client_id);
          if (findInOutbox(entry.client_id)) transmit(entry);
        }, delay * 1000 + 100),
      );
      return;
    }
    removeFromOutbox(frame.client_id);
    const body = entry ? entry.body : item?.querySelector('.chat-body')?.textContent || '';
    markFailed(item, { client_id: frame.client_id, body, created: Date.now() }, frame.message);
  }

  // --- Typing -----------------------------------------------------------------------------

  const typists = new Map(); // person id → {name, timer}
  let lastTypingSent = 0;

  function renderTyping() {
    const names = [...typists.values()].map((typist) => typist.name);
    if (!names.length) typingElement.textContent = '';
    else if (names.length === 1) typingElement.textContent = format(S.typingOne, { name: names[0] });
    else typingElement.textContent = format(S.typingMany, { names: names.join(', ') });
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

  // --- Reading mark ---------------------------------------------------------------------------

  let lastMarked = 0;
  let markTimer = null;

  function markRead() {
    if (!ready || document.visibilityState !== 'visible' || lastSequence <= lastMarked) return;
    clearTimeout(markTimer);
    markTimer = setTimeout(() => {
      if (document.visibilityState !== 'visible' || lastSequence <= lastMarked) return;
      if (sendFrame({ type: 'mark_read', sequence: lastSequence })) lastMarked = lastSequence;
    }, 300);
  }

  // --- The connection -----------------------------------------------------------------------

  let socket = null;
  let ready = false;
  let stopped = false;
  let attempt = 0;
  let reconnectTimer = null;

  function setConnection(state, text) {
    // The indicator also says "offline"; for tests the body keeps the four protocol states.
    document.body.dataset.connection = state === 'offline' ? 'reconnecting' : state;
    statusElement.hidden = false;
    statusElement.dataset.state = state;
    statusElement.textContent = text || S.state[state];
  }

  function sendFrame(frame) {
    if (!socket || !ready || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function sendOrWarn(frame) {
    const sent = sendFrame(frame);
    if (!sent) showAlert(S.notConnected);
    return sent;
  }

  function connect() {
    reconnectTimer = null;
    if (stopped) return;
    if (attempt === 0) setConnection('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${config.socketPath}`);
    socket = ws;
    ws.addEventListener('message', (event) => {
      if (socket === ws) onFrame(event.data);
    });
    ws.addEventListener('close', (event) => {
      if (socket === ws) onClose(event);
    });
  }

  function onClose(event) {
    socket = null;
    ready = false;
    resumeInFlight = false;
    if (FATAL_CLOSE_CODES.has(event.code)) {
      stop(S.closed[String(event.code)]);
      return;
    }
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer) return;
    // 0.5 s doubling up to 15 s; the jitter spreads a crowd of clients after a server restart.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
    const delay = ceiling * (0.7 + Math.random() * 0.3);
    attempt += 1;
    setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
    reconnectTimer = setTimeout(connect, delay);
  }

  function stop(text) {
    stopped = true;
    clearTimeout(reconnectTimer);
    setConnection('closed', text);
    if (composer) {
      textarea.disabled = true;
      composer.querySelector('button[type="submit"]').disabled = true;
    }
    for (const button of list.querySelectorAll('.chat-actions button')) button.disabled = true;
  }

  function onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'ready':
        ready = true;
        attempt = 0;
        setConnection('connected');
        requestResume();
        flushOutbox();
        markRead();
        break;
      case 'message':
        onMessage(frame.message);
        break;
      case 'message_updated':
        onMessageUpdated(frame.message);
        break;
      case 'ack':
        onAck(frame);
        break;
      case 'resumed':
        onResumed(frame);
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

  window.addEventListener('online', () => {
    if (stopped) return;
    // A socket opened before the network went away may be dead without knowing it: start afresh now.
    const previous = socket;
    socket = null;
    ready = false;
    resumeInFlight = false;
    previous?.close(4000);
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setConnection('reconnecting');
    connect();
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
          decorate(item);
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

  for (const item of list.querySelectorAll('.chat-message')) decorate(item);
  setupOlder();
  // Edit buttons go away when the 15 minutes are over.
  setInterval(() => {
    for (const item of list.querySelectorAll('.chat-message.is-mine')) {
      if (item.querySelector('[data-action="edit"]') && !withinEditWindow(item) && !item.querySelector('.chat-edit')) {
        decorate(item);
      }
    }
  }, 30000);

  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && list.contains(target)) target.scrollIntoView({ block: 'center' });
  else scrollToBottom();

  if (config.live) {
    // Sends that a closed tab or a lost connection left behind: shown at once, sent after "ready".
    for (const entry of readOutbox()) {
      if (list.querySelector(`[data-client-id="${CSS.escape(entry.client_id)}"]`)) removeFromOutbox(entry.client_id);
      else renderPending(entry);
    }
    setupComposer();
    connect();
  }
})();
