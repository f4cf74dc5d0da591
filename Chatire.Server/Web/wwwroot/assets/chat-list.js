// "Your chats": every chat you belong to, newest activity first, with its last message.
import * as api from './api.js';
import * as session from './session.js';
import { h } from './dom.js';
import { displayName, hue, initials, names, shortWhen } from './format.js';

export function chatList({ open }) {
  const me = () => session.current()?.user;
  let chats = [];
  let active = null;
  let loaded = false;
  const list = h('ul', { class: 'chat-list' });
  const state = h('p', { class: 'list-state muted', role: 'status', text: 'Loading your chats…' });
  const element = h('nav', { class: 'chats-nav', 'aria-label': 'Your chats' }, h('h2', { class: 'section-title', text: 'Your chats' }), state, list);

  async function refresh() {
    try {
      const data = await api.listChats();
      chats = data.chats ?? [];
      loaded = true;
      render();
    } catch (error) {
      if (!loaded) state.textContent = error.message;
    }
  }

  function render() {
    state.hidden = chats.length > 0;
    if (!chats.length) state.textContent = 'No chats yet. Start one and share its link.';
    list.replaceChildren(...chats.map(item));
  }

  function item(chat) {
    const others = (chat.members ?? []).filter((m) => m.id !== me()?.id);
    const title = others.length ? names(others) : 'New chat (just you)';
    const last = chat.last_message;
    const when = new Date(last?.created ?? chat.created);
    const preview = last ? `${last.user?.id === me()?.id ? 'You' : displayName(last.user)}: ${last.message}` : 'No messages yet';
    const face = others[0] ?? me();
    const link = h('a', {
      href: `/chats/${chat.uri}/`, class: 'chat-item', 'aria-current': chat.uri === active ? 'page' : null,
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
      h('span', { class: 'chat-item-preview', text: preview })));
    return h('li', {}, link);
  }

  // Other chats have no open socket here: look for news now and then while the page is visible.
  const poll = setInterval(() => {
    if (document.visibilityState === 'visible') refresh();
  }, 30_000);
  const onVisible = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  document.addEventListener('visibilitychange', onVisible);

  return {
    element,
    refresh,
    destroy() {
      clearInterval(poll);
      document.removeEventListener('visibilitychange', onVisible);
    },
    setActive(uri) {
      active = uri;
      for (const link of list.querySelectorAll('a.chat-item')) {
        if (link.getAttribute('href') === `/chats/${uri}/`) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    /** A message arrived in an open chat: move it to the top with its new preview. */
    activity(message) {
      const chat = chats.find((c) => c.uri === message.uri);
      if (!chat) {
        refresh();
        return;
      }
      chat.last_message = message;
      chats = [chat, ...chats.filter((c) => c !== chat)];
      render();
    },
  };
}
