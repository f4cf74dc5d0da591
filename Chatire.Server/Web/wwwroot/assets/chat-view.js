// The conversation: history, live messages over the socket, presence, the outbox and the composer;
// the chat's name and members, edits and deletes, the unread divider, read receipts and typing.
import * as api from './api.js';
import * as session from './session.js';
import { h, icon, linkify } from './dom.js';
import { codePoints, dayLabel, displayName, fullTime, hue, initials, names, sameDay, time } from './format.js';
import { ChatConnection } from './socket.js';
import { Outbox } from './outbox.js';
import { chime } from './sound.js';
import { chatTitle } from './chat-list.js';
import { notifyUnread, toast } from './ui.js';

const PAGE_SIZE = 50;
const MAX_LENGTH = 2000;
const GROUP_WINDOW_MS = 5 * 60_000;
const TYPING_EVERY_MS = 3_000;
const TYPING_SHOWN_MS = 5_000;

/**
 * Builds the view for chat `uri`. Returns {element, destroy}.
 * hooks: {back(), activity(message), left()}
 */
export function chatView(uri, hooks) {
  const me = session.current().user;
  const shareUrl = `${location.origin}/chats/${uri}/`;
  const messages = new Map(); // id -> message
  const presence = new Map(); // user id -> user
  const pendingEls = new Map(); // client_id -> element
  const outbox = new Outbox(me.id, uri);
  let members = [];
  let chatInfo = null; // the chat object: name, owner, members
  let seqMax = 0; // the largest change seq seen (the cursor is this or the largest id)
  let lastReadAtOpen = 0;
  let readSent = 0;
  let lastTypingSent = 0;
  let editing = null; // id of the message being edited
  const receipts = new Map(); // user id -> {user, upTo}
  const typing = new Map(); // user id -> {user, timer}
  let lastShown = null; // the last message rendered in the list
  let oldestId = null;
  let hasOlder = false;
  let loaded = false;
  let connection = null;
  let destroyed = false;

  // Elements -------------------------------------------------------------------------------------
  const title = h('h1', { class: 'chat-title', id: `chat-title-${uri}`, text: 'Chat' });
  const subtitle = h('p', { class: 'chat-subtitle', text: 'Connecting…' });
  const presenceList = h('ul', { class: 'presence', 'aria-label': 'Online now' });
  const copyButton = h('button', { type: 'button', class: 'btn ghost', onclick: () => copyLink() }, icon('link'), h('span', { class: 'hide-narrow', text: 'Copy link' }));
  copyButton.setAttribute('aria-label', 'Copy the link to this chat');
  const membersButton = h('button', { type: 'button', class: 'btn ghost', 'aria-expanded': 'false', 'aria-controls': `members-${uri}`, onclick: () => toggleMembers() },
    h('span', { text: 'Members' }));
  const header = h('header', { class: 'chat-head' },
    h('button', { type: 'button', class: 'btn icon-btn back', 'aria-label': 'Back to your chats', onclick: () => hooks.back() }, icon('back')),
    h('div', { class: 'chat-heading' }, title, subtitle),
    presenceList,
    membersButton,
    copyButton);
  const membersPanel = h('section', { class: 'members-panel', id: `members-${uri}`, hidden: true, 'aria-label': 'Members' });

  const shareInput = h('input', { class: 'share-url', type: 'text', readonly: true, value: shareUrl, 'aria-label': 'Link to this chat', onfocus: (e) => e.target.select() });
  const invite = h('section', { class: 'invite', hidden: true, 'aria-label': 'Invite someone' },
    h('p', {}, h('strong', { text: 'Invite someone to this chat. ' }), 'Anyone with an account who opens this link joins it.'),
    h('div', { class: 'share-row' }, shareInput, h('button', { type: 'button', class: 'btn primary small', onclick: () => copyLink(), text: 'Copy link' })));

  const status = h('div', { class: 'conn-status', role: 'status', hidden: true });
  const olderButton = h('button', { type: 'button', class: 'btn ghost small load-older', hidden: true, text: 'Show earlier messages', onclick: () => loadOlder() });
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages' });
  const pendingList = h('ol', { class: 'messages pending-list', 'aria-label': 'Messages being sent' });
  const seenBy = h('p', { class: 'seen-by', hidden: true });
  const typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
  const empty = h('div', { class: 'empty-chat', hidden: true },
    h('div', { class: 'empty-icon' }, icon('chat')),
    h('p', { class: 'empty-title', text: 'No messages yet' }),
    h('p', { class: 'muted', text: 'Say hello — messages appear here for everyone in the chat, instantly.' }));
  const loading = h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { text: 'Loading messages…' }));
  const scroller = h('div', { class: 'scroller', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-busy': 'true', 'aria-labelledby': title.id, tabindex: '0' },
    olderButton, list, seenBy, pendingList, empty, loading);
  const jump = h('button', { type: 'button', class: 'jump', hidden: true, onclick: () => scrollToBottom(true) }, icon('down'), h('span', { text: 'New messages' }));

  const input = h('textarea', { id: `composer-${uri}`, class: 'composer-input', rows: '1', placeholder: 'Write a message…', 'aria-label': 'Message', maxlength: String(MAX_LENGTH * 2), enterkeyhint: 'send', autocomplete: 'off' });
  const counter = h('span', { class: 'counter', 'aria-live': 'polite', hidden: true });
  const sendButton = h('button', { type: 'submit', class: 'btn primary send', 'aria-label': 'Send message' }, icon('send'));
  const composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('label', { class: 'visually-hidden', for: input.id, text: 'Message' }), input, counter, sendButton);

  const element = h('section', { class: 'chat', 'aria-labelledby': title.id }, header, membersPanel, invite, status, h('div', { class: 'scroll-wrap' }, scroller, jump), typingLine, composer);

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    const length = codePoints(input.value);
    counter.hidden = length < MAX_LENGTH - 200;
    counter.textContent = `${length} / ${MAX_LENGTH}`;
    counter.classList.toggle('over', length > MAX_LENGTH);
    if (input.value && connection?.isOpen && Date.now() - lastTypingSent > TYPING_EVERY_MS) {
      lastTypingSent = Date.now();
      connection.send({ type: 'typing' });
    }
  });
  scroller.addEventListener('scroll', () => {
    if (nearBottom()) jump.hidden = true;
    markRead();
  });
  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('focus', onVisible);

  // Loading --------------------------------------------------------------------------------------
  start();

  async function start() {
    try {
      await api.joinChat(uri);
      if (destroyed) return;
      const detail = await api.chatDetail(uri);
      if (destroyed) return;
      chatInfo = detail;
      lastReadAtOpen = detail.last_read ?? 0;
      readSent = lastReadAtOpen;
      setMembers(detail.members ?? []);
      const page = await api.history(uri, { limit: PAGE_SIZE });
      if (destroyed) return;
      hasOlder = page.messages.length >= PAGE_SIZE;
      for (const message of page.messages) messages.set(message.id, message);
      renderAll();
      for (const entry of outbox.entries) renderPending(entry);
      loaded = true;
      loading.remove();
      scroller.setAttribute('aria-busy', 'false');
      updateEmpty();
      const divider = list.querySelector('.unread-divider');
      if (divider) divider.scrollIntoView({ block: 'center' });
      else scrollToBottom(false);
      connect();
      markRead();
    } catch (error) {
      if (destroyed) return;
      showLoadError(error);
    }
  }

  function showLoadError(error) {
    let heading = 'This chat could not be opened';
    let detail = error.message;
    if (error.status === 404) {
      heading = 'Chat not found';
      detail = 'Check the link: it may be mistyped, or the chat no longer exists.';
    } else if (error.status === 403) {
      heading = 'No access';
      detail = 'You are not allowed to open this chat.';
    }
    scroller.setAttribute('aria-busy', 'false');
    composer.hidden = true;
    copyButton.hidden = true;
    subtitle.textContent = '';
    title.textContent = heading;
    scroller.replaceChildren(h('div', { class: 'empty-chat', role: 'alert' },
      h('p', { class: 'empty-title', text: heading }),
      h('p', { class: 'muted', text: detail }),
      error instanceof api.NetworkError ? h('button', { type: 'button', class: 'btn primary', text: 'Try again', onclick: () => location.reload() }) : null));
  }

  async function loadOlder() {
    if (oldestId === null) return;
    olderButton.disabled = true;
    try {
      const page = await api.history(uri, { limit: PAGE_SIZE, before: oldestId });
      hasOlder = page.messages.length >= PAGE_SIZE;
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      for (const message of page.messages) messages.set(message.id, message);
      renderAll();
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      olderButton.disabled = false;
    }
  }

  // Live connection ------------------------------------------------------------------------------
  function connect() {
    connection = new ChatConnection({
      uri,
      token: () => session.current()?.access ?? null,
      since: () => Math.max(lastId(), seqMax),
      onFrame,
      onState: showConnection,
      onOpen: flushOutbox,
      refresh: () => api.refreshTokens(),
      diagnose: async () => {
        try {
          await api.chatDetail(uri);
          return null;
        } catch (error) {
          if (error.status === 403 || error.status === 404) return error.message;
          if (error.status === 401) return 'Your session has ended.';
          return null;
        }
      },
    });
    connection.start();
  }

  function lastId() {
    let max = 0;
    for (const id of messages.keys()) if (id > max) max = id;
    return max;
  }

  function showConnection(state, info) {
    element.dataset.connection = state;
    for (const entry of outbox.pending) if (pendingEls.has(entry.client_id)) renderPending(entry);
    status.classList.remove('warn', 'error');
    if (state === 'open') {
      status.hidden = true;
      status.replaceChildren();
      return;
    }
    if (state === 'connecting') {
      subtitle.textContent = 'Connecting…';
      return;
    }
    status.hidden = false;
    if (state === 'closed') {
      if (info.reason === 'You no longer have access to this chat.') {
        lost(info.reason);
        return;
      }
      status.classList.add('error');
      status.replaceChildren(h('span', { text: `Disconnected. ${info.reason ?? ''}`.trim() }));
      subtitle.textContent = 'Offline';
      return;
    }
    status.classList.add('warn');
    subtitle.textContent = state === 'offline' ? 'Offline' : 'Reconnecting…';
    const text = state === 'offline' ? 'You are offline. Messages you write will be sent when the connection is back.' : 'Connection lost. Reconnecting…';
    status.replaceChildren(h('span', { class: 'spinner small', 'aria-hidden': 'true' }), h('span', { text }),
      state === 'reconnecting' && !info.now ? h('button', { type: 'button', class: 'btn link', text: 'Retry now', onclick: () => connection.retryNow() }) : null);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'presence':
        presence.clear();
        for (const user of frame.users ?? []) presence.set(user.id, user);
        renderPresence();
        break;
      case 'message':
        stopTyping(frame.data?.user?.id);
        receive(frame.data);
        break;
      case 'edit':
      case 'delete':
        seqMax = Math.max(seqMax, frame.seq ?? 0);
        changed(frame.type === 'edit' ? frame.data : { ...(messages.get(frame.id) ?? {}), id: frame.id, message: '', deleted: true, edited: undefined });
        break;
      case 'chat':
        if (frame.data) {
          const before = new Set(members.map((m) => m.id));
          const after = new Set((frame.data.members ?? []).map((m) => m.id));
          for (const member of frame.data.members ?? []) {
            if (!before.has(member.id) && member.id !== me.id) notice(`${displayName(member)} joined the chat`);
          }
          for (const member of members) {
            if (!after.has(member.id) && member.id !== me.id) notice(`${displayName(member)} left the chat`);
          }
          chatInfo = frame.data;
          setMembers(frame.data.members ?? []);
        }
        break;
      case 'read':
        if (frame.user) {
          receipts.set(frame.user.id, { user: frame.user, upTo: frame.up_to });
          if (frame.user.id === me.id) readSent = Math.max(readSent, frame.up_to);
          renderSeen();
        }
        break;
      case 'typing':
        if (frame.user && frame.user.id !== me.id) showTyping(frame.user);
        break;
      case 'join':
        // Someone's first socket opened: they are online. A newcomer to the chat also gets a notice.
        if (!frame.user) break;
        presence.set(frame.user.id, frame.user);
        renderPresence();
        break;
      case 'leave':
        if (!frame.user) break;
        presence.delete(frame.user.id);
        renderPresence();
        break;
      case 'ack':
        acknowledged(frame.client_id, frame.id);
        break;
      case 'error':
        if (frame.client_id && outbox.find(frame.client_id)) {
          outbox.fail(frame.client_id, frame.detail ?? 'The server refused this message.');
          renderPending(outbox.find(frame.client_id));
        } else {
          toast(frame.detail ?? 'The server reported an error.', 'error');
        }
        break;
      default:
        break;
    }
  }

  function changed(message) {
    if (!message || !messages.has(message.id)) return;
    messages.set(message.id, message);
    if (editing === message.id && message.deleted) editing = null;
    rerender();
  }

  /** Renders every message again, keeping the scroll position. */
  function rerender() {
    const atBottom = nearBottom();
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    renderAll();
    renderSeen();
    if (atBottom) scrollToBottom(false);
    else scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }

  function showTyping(user) {
    const entry = typing.get(user.id);
    if (entry) clearTimeout(entry.timer);
    typing.set(user.id, { user, timer: setTimeout(() => stopTyping(user.id), TYPING_SHOWN_MS) });
    renderTyping();
  }

  function stopTyping(userId) {
    const entry = typing.get(userId);
    if (!entry) return;
    clearTimeout(entry.timer);
    typing.delete(userId);
    renderTyping();
  }

  function renderTyping() {
    const who = [...typing.values()].map((t) => t.user);
    typingLine.textContent = who.length ? `${names(who)} ${who.length === 1 ? 'is' : 'are'} typing…` : '';
  }

  /** "Seen by" under the last message: the others whose read marker has reached it. */
  function renderSeen() {
    const last = [...messages.values()].reduce((max, m) => (m.id > (max?.id ?? 0) ? m : max), null);
    const seen = last ? [...receipts.values()].filter((r) => r.user.id !== me.id && r.user.id !== last.user?.id && r.upTo >= last.id).map((r) => r.user) : [];
    seenBy.hidden = seen.length === 0;
    seenBy.textContent = seen.length ? `Seen by ${names(seen)}` : '';
  }

  /** Moves the read marker when the newest message is on screen and the tab is visible. */
  function markRead() {
    if (!loaded || destroyed || document.visibilityState !== 'visible' || !nearBottom()) return;
    const newest = lastId();
    if (newest <= readSent) return;
    readSent = newest;
    if (!connection?.send({ type: 'read', up_to: newest })) api.markRead(uri, newest).catch(() => {});
  }

  // Messages -------------------------------------------------------------------------------------
  function receive(message) {
    if (!message || typeof message.id !== 'number' || messages.has(message.id)) return;
    messages.set(message.id, message);
    const mine = message.user?.id === me.id;
    if (mine) readSent = Math.max(readSent, message.id); // posting moved our marker
    if (mine && message.client_id) {
      outbox.remove(message.client_id);
      removePending(message.client_id);
    }
    const follow = mine || nearBottom();
    if (lastShown && message.id < lastShown.id) renderAll();
    else appendMessage(message);
    updateEmpty();
    if (follow) scrollToBottom(true);
    else jump.hidden = false;
    renderSeen();
    markRead();
    hooks.activity?.(message);
    if (!mine && (document.hidden || !document.hasFocus())) {
      chime();
      notifyUnread();
    }
  }

  function acknowledged(clientId, id) {
    if (!clientId) return;
    outbox.remove(clientId);
    if (messages.has(id)) removePending(clientId);
    else pendingEls.get(clientId)?.classList.add('sent');
  }

  function renderAll() {
    list.replaceChildren();
    lastShown = null;
    const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
    oldestId = sorted.length ? sorted[0].id : null;
    const firstUnread = sorted.find((m) => m.id > lastReadAtOpen && m.user?.id !== me.id && !m.deleted);
    for (const message of sorted) {
      if (message === firstUnread && lastReadAtOpen > 0) {
        list.append(h('li', { class: 'unread-divider', role: 'separator' }, h('span', { text: 'New messages' })));
        lastShown = lastShown ? { ...lastShown, user: null } : null;
      }
      appendMessage(message);
    }
    olderButton.hidden = !hasOlder;
  }

  function appendMessage(message) {
    const date = new Date(message.created);
    const previous = lastShown;
    const previousDate = previous ? new Date(previous.created) : null;
    if (!previousDate || !sameDay(previousDate, date)) {
      list.append(h('li', { class: 'day', role: 'separator' }, h('span', { text: dayLabel(date) })));
    }
    const grouped = Boolean(previous && previous.user?.id === message.user?.id && previousDate && sameDay(previousDate, date) && date - previousDate < GROUP_WINDOW_MS);
    list.append(messageElement(message, date, grouped));
    lastShown = message;
    if (oldestId === null) oldestId = message.id;
  }

  function messageElement(message, date, grouped) {
    const mine = message.user?.id === me.id;
    const author = mine ? 'You' : displayName(message.user);
    const owner = chatInfo?.owner?.id === me.id;
    let content;
    if (message.deleted) {
      content = h('p', { class: 'text tombstone', text: 'Message deleted' });
    } else if (editing === message.id) {
      const box = h('textarea', { class: 'edit-input', rows: '2', 'aria-label': 'Edit message text', value: message.message });
      const save = async () => {
        try {
          const updated = await api.editMessage(uri, message.id, box.value);
          editing = null;
          changed(updated);
        } catch (error) {
          toast(error.message, 'error');
        }
      };
      box.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          save();
        } else if (event.key === 'Escape') {
          editing = null;
          rerender();
        }
      });
      setTimeout(() => box.focus(), 0);
      content = h('div', { class: 'edit-form' }, box,
        h('div', { class: 'edit-actions' },
          h('button', { type: 'button', class: 'btn primary small', text: 'Save', onclick: save }),
          h('button', { type: 'button', class: 'btn ghost small', text: 'Cancel', onclick: () => { editing = null; rerender(); } })));
    } else {
      content = h('p', { class: 'text' }, linkify(message.message));
    }
    const actions = !message.deleted && editing !== message.id && (mine || owner)
      ? h('span', { class: 'msg-actions' },
        mine ? h('button', { type: 'button', class: 'btn link small', 'aria-label': 'Edit message', text: 'Edit', onclick: () => { editing = message.id; rerender(); } }) : null,
        h('button', { type: 'button', class: 'btn link small', 'aria-label': 'Delete message', text: 'Delete', onclick: () => removeMessage(message.id) }))
      : null;
    return h('li', { class: `msg${mine ? ' mine' : ''}${grouped ? ' grouped' : ''}${message.deleted ? ' deleted' : ''}`, dataset: { id: String(message.id) } },
      mine ? null : h('span', { class: `avatar ${hue(message.user)}${grouped ? ' spacer' : ''}`, 'aria-hidden': 'true', text: grouped ? '' : initials(message.user) }),
      h('div', { class: 'msg-body' },
        h('span', { class: grouped || mine ? 'author visually-hidden' : 'author', text: author }),
        h('div', { class: 'bubble' },
          content,
          h('span', { class: 'meta' },
            message.edited && !message.deleted ? h('span', { class: 'edited', title: `Edited ${fullTime(new Date(message.edited))}`, text: 'edited' }) : null,
            h('time', { datetime: message.created, title: fullTime(date), text: time(date) }))),
        actions));
  }

  async function removeMessage(id) {
    try {
      await api.deleteMessage(uri, id);
      changed({ ...messages.get(id), message: '', deleted: true, edited: undefined });
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  function notice(text) {
    if (!loaded) return;
    const follow = nearBottom();
    list.append(h('li', { class: 'notice', text }));
    lastShown = lastShown ? { ...lastShown, user: null } : null;
    if (follow) scrollToBottom(true);
  }

  // Outbox ---------------------------------------------------------------------------------------
  function submit() {
    const text = input.value;
    if (!text.trim()) return;
    if (codePoints(text) > MAX_LENGTH) {
      toast(`Messages can be at most ${MAX_LENGTH} characters; this one has ${codePoints(text)}.`, 'error');
      return;
    }
    const entry = outbox.add(text);
    input.value = '';
    autosize();
    counter.hidden = true;
    renderPending(entry);
    updateEmpty();
    scrollToBottom(true);
    connection?.send({ message: entry.message, client_id: entry.client_id });
  }

  function flushOutbox() {
    for (const entry of outbox.pending) {
      if (!connection.send({ message: entry.message, client_id: entry.client_id })) break;
    }
  }

  function renderPending(entry) {
    if (!entry) return;
    const date = new Date(entry.queuedAt);
    const state = entry.failed
      ? h('span', { class: 'state failed' },
        h('span', { text: `Not sent: ${entry.failed} ` }),
        h('button', { type: 'button', class: 'btn link', text: 'Retry', onclick: () => retry(entry.client_id) }),
        h('button', { type: 'button', class: 'btn link', text: 'Discard', onclick: () => discard(entry.client_id) }))
      : h('span', { class: 'state', text: connection?.isOpen ? 'Sending…' : 'Waiting for connection…' });
    const el = h('li', { class: `msg mine pending${entry.failed ? ' failed' : ''}`, dataset: { clientId: entry.client_id } },
      h('div', { class: 'msg-body' },
        h('span', { class: 'author visually-hidden', text: 'You' }),
        h('div', { class: 'bubble' }, h('p', { class: 'text' }, linkify(entry.message)), h('time', { datetime: date.toISOString(), text: time(date) })),
        state));
    const existing = pendingEls.get(entry.client_id);
    if (existing) existing.replaceWith(el);
    else pendingList.append(el);
    pendingEls.set(entry.client_id, el);
  }

  function removePending(clientId) {
    pendingEls.get(clientId)?.remove();
    pendingEls.delete(clientId);
  }

  function retry(clientId) {
    const entry = outbox.retry(clientId);
    renderPending(entry);
    if (entry) connection?.send({ message: entry.message, client_id: entry.client_id });
  }

  function discard(clientId) {
    outbox.remove(clientId);
    removePending(clientId);
    updateEmpty();
  }

  // Header, presence, helpers --------------------------------------------------------------------
  function setMembers(list) {
    members = list;
    const others = members.filter((m) => m.id !== me.id);
    title.textContent = chatInfo?.name || (others.length ? names(others) : 'New chat');
    invite.hidden = others.length > 0;
    renderPresence();
    renderMembers();
  }

  function toggleMembers(show = membersPanel.hidden) {
    membersPanel.hidden = !show;
    membersButton.setAttribute('aria-expanded', String(show));
    if (show) renderMembers();
  }

  /** The members panel: who is in the chat; the owner renames, adds, removes and deletes, the others leave. */
  function renderMembers() {
    if (membersPanel.hidden) return;
    const owner = chatInfo?.owner?.id === me.id;
    const rows = members.map((member) => h('li', { class: 'member' },
      h('span', { class: `avatar small ${hue(member)}`, 'aria-hidden': 'true', text: initials(member) }),
      h('span', { class: 'member-name', text: member.id === me.id ? `${displayName(member)} (you)` : displayName(member) }),
      member.id === chatInfo?.owner?.id ? h('span', { class: 'muted small', text: 'owner' }) : null,
      owner && member.id !== me.id
        ? h('button', { type: 'button', class: 'btn link small', 'aria-label': `Remove ${member.username}`, text: 'Remove', onclick: () => act(() => api.removeMember(uri, member.username)) })
        : null));
    const nameBox = h('input', { type: 'text', maxlength: '100', value: chatInfo?.name ?? '', 'aria-label': 'Chat name', placeholder: 'Chat name' });
    const addBox = h('input', { type: 'text', 'aria-label': 'Username to add', placeholder: 'Username' });
    membersPanel.replaceChildren(
      owner ? h('form', { class: 'panel-row', onsubmit: (e) => { e.preventDefault(); act(() => api.renameChat(uri, nameBox.value)); } },
        nameBox, h('button', { type: 'submit', class: 'btn small', text: 'Rename' })) : null,
      owner ? h('form', { class: 'panel-row', onsubmit: (e) => { e.preventDefault(); act(() => api.addMember(uri, addBox.value.trim())); } },
        addBox, h('button', { type: 'submit', class: 'btn small', text: 'Add' })) : null,
      h('ul', { class: 'member-list' }, rows),
      owner
        ? h('button', { type: 'button', class: 'btn danger small', text: 'Delete chat', onclick: () => act(async () => { await api.deleteChat(uri); hooks.left?.(); }) })
        : h('button', { type: 'button', class: 'btn danger small', text: 'Leave chat', onclick: () => act(async () => { await api.removeMember(uri, me.username); hooks.left?.(); }) }));
  }

  async function act(work) {
    try {
      await work();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  /** This user left the chat or lost access to it (from the user stream, or a 4403). */
  function lost(reason = 'You no longer have access to this chat.') {
    connection?.stop();
    composer.hidden = true;
    membersPanel.hidden = true;
    membersButton.hidden = true;
    status.hidden = false;
    status.classList.remove('warn');
    status.classList.add('error');
    status.replaceChildren(h('span', { text: reason }));
    subtitle.textContent = 'No access';
  }

  function renderPresence() {
    const online = [...presence.values()].filter((u) => u.id !== me.id);
    presenceList.replaceChildren(...online.slice(0, 4).map((user) =>
      h('li', { class: `avatar small ${hue(user)}`, title: `${displayName(user)} is online`, text: initials(user) },
        h('span', { class: 'visually-hidden', text: `${displayName(user)} is online` }))));
    if (connection && !connection.isOpen) return;
    if (!connection) {
      subtitle.textContent = 'Connecting…';
    } else if (online.length === 0) {
      subtitle.textContent = members.length > 1 ? 'Nobody else is online' : 'Only you so far';
    } else {
      subtitle.textContent = `${names(online)} ${online.length === 1 ? 'is' : 'are'} online`;
    }
  }

  function updateEmpty() {
    empty.hidden = !loaded || messages.size > 0 || pendingEls.size > 0;
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function scrollToBottom(smooth) {
    jump.hidden = true;
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth && !matchMedia('(prefers-reduced-motion: reduce)').matches ? 'smooth' : 'auto' });
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(shareUrl);
      toast('Link copied. Send it to whoever you want to chat with.');
    } catch {
      shareInput.select();
      toast('Copy the selected link to share this chat.');
      invite.hidden = false;
      shareInput.focus();
    }
  }

  return {
    element,
    focus: () => input.focus(),
    lost,
    destroy() {
      destroyed = true;
      connection?.stop();
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
      for (const entry of typing.values()) clearTimeout(entry.timer);
    },
    debug: {
      get connection() {
        return connection;
      },
      lastId,
      messageIds: () => [...messages.keys()].sort((a, b) => a - b),
      outbox: () => outbox.entries.map((e) => ({ ...e })),
    },
  };
}
