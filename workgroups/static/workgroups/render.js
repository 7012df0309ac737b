/* The room's DOM: messages, pending sends, their actions and the edit form.
 *
 * Every text a person typed reaches the page through textContent and DOM nodes, never through
 * innerHTML; the other texts come from the page's "room-config" json_script, translated there.
 */

import { messageTokens } from './tokens.js';

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** "%(name)s" placeholders, as Django's gettext strings have them. */
export const format = (template, values) =>
  template.replace(/%\((\w+)\)s/g, (_whole, key) => String(values[key] ?? ''));

export const codePoints = (text) => [...text].length;

export function actionButton(label, action, onClick) {
  const button = element('button', null, label);
  button.type = 'button';
  button.dataset.action = action;
  button.addEventListener('click', onClick);
  return button;
}

function makeTimeFormat() {
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: 'short',
      timeStyle: 'short',
    });
  } catch {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  }
}

/**
 * The renderer of one room.
 * @param {object} config the page's room-config
 * @param {object} actions edit(item) and remove(sequence) (delete or hide): what the buttons do
 */
export function createRenderer(config, actions) {
  const S = config.strings;
  const me = config.me;
  const myHandle = me.handle.toLowerCase();
  const handles = new Map(config.handles.map((handle) => [handle.toLowerCase(), false]));
  // Only a member's handle is a mention; the reader's own is highlighted.
  if (handles.has(myHandle)) handles.set(myHandle, true);
  const timeFormat = makeTimeFormat();

  function renderBody(container, body) {
    container.replaceChildren();
    for (const token of messageTokens(body, handles)) {
      if (token.link) {
        const link = element('a', null, token.text);
        link.href = token.link;
        link.rel = 'nofollow noopener';
        link.target = '_blank';
        container.append(link);
      } else if (token.mention) {
        const mention = element('span', token.me ? 'mention mention-me' : 'mention', token.text);
        mention.dataset.handle = token.mention;
        container.append(mention);
      } else {
        container.append(token.text);
      }
    }
  }

  function withinEditWindow(item) {
    const created = Date.parse(item.dataset.created);
    return Number.isFinite(created) && Date.now() - created < config.editWindowSeconds * 1000;
  }

  /* Adds edit/delete (author) and hide (coordination) to a rendered message, server- or client-made. */
  function decorate(item) {
    item.querySelector('.chat-actions')?.remove();
    if (!config.live || item.dataset.removed || !item.querySelector('.chat-body')) return;
    const sequence = Number(item.dataset.sequence);
    const mine = item.dataset.author === String(me.id);
    const buttons = element('div', 'chat-actions');
    if (mine && withinEditWindow(item)) {
      buttons.append(actionButton(S.edit, 'edit', () => actions.edit(item)));
    }
    if (mine) {
      buttons.append(
        actionButton(S.delete, 'delete', () => {
          if (window.confirm(S.confirmDelete)) actions.remove(sequence);
        }),
      );
    } else if (config.canModerate) {
      buttons.append(
        actionButton(S.hide, 'hide', () => {
          if (window.confirm(S.confirmHide)) actions.remove(sequence);
        }),
      );
    }
    if (buttons.childElementCount) item.append(buttons);
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

  /* A send of mine the server has not stored yet, with its state: pending, sent or failed. */
  function buildPending(entry) {
    const item = element('li', 'chat-message is-mine');
    item.dataset.clientId = entry.client_id;
    const meta = element('p', 'chat-meta');
    meta.append(element('span', 'chat-author', me.name));
    if (me.organisation) meta.append(' ', element('span', 'chat-organisation', me.organisation));
    meta.append(' ', element('span', 'chat-status'));
    const body = element('div', 'chat-body');
    renderBody(body, entry.body);
    item.append(meta, body);
    setPendingState(item, 'pending', S.pending);
    return item;
  }

  function setPendingState(item, state, text) {
    if (!item) return;
    item.dataset.state = state;
    item.querySelector('.chat-status').textContent = text;
    item.querySelector('.chat-failure')?.remove();
  }

  function markFailed(item, reason, { retry, discard }) {
    if (!item) return;
    setPendingState(item, 'failed', format(S.failed, { reason }));
    const buttons = element('div', 'chat-actions chat-failure');
    buttons.append(actionButton(S.retry, 'retry', retry), actionButton(S.discard, 'discard', discard));
    item.append(buttons);
  }

  /* The edit form in place of the body; `save(text)` returns true when the edit went out. */
  function startEdit(item, save) {
    if (item.querySelector('.chat-edit')) return;
    const body = item.querySelector('.chat-body');
    const buttons = item.querySelector('.chat-actions');
    const original = body.textContent;
    const form = element('form', 'chat-edit');
    const area = element('textarea');
    area.id = `edit-${item.dataset.sequence}`;
    area.rows = 3;
    area.maxLength = config.maxLength;
    area.value = original;
    const label = element('label', 'visually-hidden', S.editLabel);
    label.htmlFor = area.id;
    const submit = element('button', null, S.save);
    submit.type = 'submit';
    const cancel = element('button', 'button-secondary', S.cancel);
    cancel.type = 'button';
    form.append(label, area, submit, cancel);
    body.hidden = true;
    if (buttons) buttons.hidden = true;
    body.after(form);
    area.focus();

    const close = () => {
      form.remove();
      body.hidden = false;
      if (buttons) buttons.hidden = false;
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
      if (save(text)) close();
    });
  }

  function typingText(names) {
    if (!names.length) return '';
    if (names.length === 1) return format(S.typingOne, { name: names[0] });
    return format(S.typingMany, { names: names.join(', ') });
  }

  return {
    renderBody,
    buildMessage,
    fillMessage,
    decorate,
    withinEditWindow,
    buildPending,
    setPendingState,
    markFailed,
    startEdit,
    typingText,
  };
}
