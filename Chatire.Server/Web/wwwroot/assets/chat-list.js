// "Your chats": every chat you belong to, newest activity first, with its last message and unread
// count. Kept current by the user stream (/ws/me/): its first frame is the list, then a frame per
// changed chat and one per chat you left or lost; no polling.
import * as api from './api.js';
import * as session from './session.js';
import { h } from './dom.js';
import { displayName, hue, initials, names, shortWhen } from './format.js';
import { ChatConnection } from './socket.js';

export function chatTitle(chat, me) {
  if (chat.name) return chat.name;
  const others = (chat.members ?? []).filter((m) => m.id !== me?.id);
  return others.length ? names(others) : 'New chat (just you)';
}

export function chatList({ open, removed }) {
  const me = () => session.current()?.user;
  let chats = [];
  let active = null;
  let loaded = false;
  const list = h('ul', { class: 'chat-list' });
  const state = h('p', { class: 'list-state muted', role: 'status', text: 'Loading your chats…' });
  const element = h('nav', { class: 'chats-nav', 'aria-label': 'Your chats' }, h('h2', { class: 'section-title', text: 'Your chats' }), state, list);

  const stream = new ChatConnection({
    token: () => session.current()?.access ?? null,
    onFrame,
    onState: (s) => {
      element.dataset.stream = s;
    },
    refresh: () => api.refreshTokens(),
  });
  stream.start();

  function onFrame(frame) {
    switch (frame.type) {
      case 'chats':
        chats = frame.chats ?? [];
        loaded = true;
        sort();
        render();
        break;
      case 'chat':
        if (frame.data?.uri) upsert(frame.data);
        break;
      case 'removed':
        chats = chats.filter((c) => c.uri !== frame.uri);
        render();
        removed?.(frame.uri);
        break;
      default:
        break;
    }
  }

  function upsert(chat) {
    const index = chats.findIndex((c) => c.uri === chat.uri);
    if (index >= 0) chats[index] = chat;
    else chats.push(chat);
    sort();
    render();
  }

  const activityOf = (chat) => Math.max(Date.parse(chat.created) || 0, Date.parse(chat.last_message?.created ?? '') || 0);

  function sort() {
    chats.sort((a, b) => activityOf(b) - activityOf(a));
  }

  async function refresh() {
    try {
      const data = await api.listChats();
      chats = data.chats ?? [];
      loaded = true;
      sort();
      render();
    } catch (error) {
      if (!loaded) state.textContent = error.message;
    }
  }

  function render() {
    state.hidden = chats.length > 0;
    if (!chats.length) state.textContent = loaded ? 'No chats yet. Start one and share its link.' : 'Loading your chats…';
    list.replaceChildren(...chats.map(item));
  }

  function item(chat) {
    const others = (chat.members ?? []).filter((m) => m.id !== me()?.id);
    const title = chatTitle(chat, me());
    const last = chat.last_message;
    const when = new Date(last?.created ?? chat.created);
    const preview = last ? `${last.user?.id === me()?.id ? 'You' : displayName(last.user)}: ${last.message}` : 'No messages yet';
    const face = others[0] ?? me();
    const unread = chat.unread ?? 0;
    const link = h('a', {
      href: `/chats/${chat.uri}/`, class: `chat-item${unread ? ' has-unread' : ''}`, 'aria-current': chat.uri === active ? 'page' : null, dataset: { uri: chat.uri },
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        open(chat.uri);
      },
    },
    h('span', { class: `avatar ${hue(face)}`, 'aria-hidden': 'true', text: initials(face) }),
    h('span', { class: 'chat-item-body' },
      h('span', { class: 'chat-item-top' },
        h('span', { class: 'chat-item-title', text: title }),
        h('time', { datetime: when.toISOString(), text: shortWhen(when) })),
      h('span', { class: 'chat-item-bottom' },
        h('span', { class: 'chat-item-preview', text: preview }),
        unread ? h('span', { class: 'badge', title: `${unread >= 1000 ? '1000 or more' : unread} unread`, text: unread >= 1000 ? '999+' : String(unread) },
          h('span', { class: 'visually-hidden', text: ' unread' })) : null)));
    return h('li', {}, link);
  }

  return {
    element,
    refresh,
    destroy() {
      stream.stop();
    },
    setActive(uri) {
      active = uri;
      for (const link of list.querySelectorAll('a.chat-item')) {
        if (link.getAttribute('href') === `/chats/${uri}/`) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    /** A message arrived in an open chat: move it to the top with its new preview (the stream confirms). */
    activity(message) {
      const chat = chats.find((c) => c.uri === message.uri);
      if (!chat) return;
      chat.last_message = message;
      sort();
      render();
    },
    find: (uri) => chats.find((c) => c.uri === uri) ?? null,
    get streamState() {
      return stream.state;
    },
  };
}
