// Chatire's web client: the page shell, routing between your chats and a chat, and the session.
import * as api from './api.js';
import * as session from './session.js';
import { h, icon, mount } from './dom.js';
import { displayName, hue, initials } from './format.js';
import { authView } from './auth-view.js';
import { chatList } from './chat-list.js';
import { chatView } from './chat-view.js';
import { setTitle, toast } from './ui.js';

const root = document.getElementById('app');
const REFRESH_EVERY_MS = 4 * 60_000;
let shell = null;
let authMode = 'signin';

// Routes: "/" is your chats; "/chats/<uri>/" (or the older "/#/chats/<uri>") is one chat.
function route() {
  const hash = location.hash.match(/^#\/?chats\/([0-9a-f]{15})\/?$/);
  if (hash) history.replaceState(null, '', `/chats/${hash[1]}/`);
  const path = location.pathname.match(/^\/chats\/([0-9a-f]{15})\/?$/);
  return path ? { name: 'chat', uri: path[1] } : { name: 'home' };
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (location.pathname !== path) history.pushState(null, '', path);
  render();
}

function render() {
  root.removeAttribute('aria-busy');
  const current = session.current();
  const target = route();
  if (!current) {
    shell?.destroy();
    shell = null;
    const expired = api.acknowledgeExpiry();
    const view = authView({
      mode: authMode,
      joining: target.name === 'chat',
      notice: expired ? 'Your session has ended. Please sign in again.' : null,
    });
    mount(root, view.element);
    setTitle(target.name === 'chat' ? 'Join chat' : 'Sign in');
    view.focus();
    return;
  }
  if (!shell || shell.userId !== current.user.id) {
    shell?.destroy();
    shell = createShell(current.user);
    mount(root, shell.element);
  }
  shell.show(target);
}

function createShell(user) {
  let chat = null;
  let chatUri = null;
  const chats = chatList({
    open: (uri) => navigate(`/chats/${uri}/`),
    removed: (uri) => {
      if (uri === chatUri) chat?.lost();
    },
  });
  const nameInput = h('input', { class: 'new-chat-name', type: 'text', maxlength: '100', placeholder: 'Name (optional)', 'aria-label': 'Name of the new chat' });
  const startButton = h('button', { type: 'submit', class: 'btn primary block start' }, icon('plus'), h('span', { text: 'Start chatting' }));
  const startForm = h('form', { class: 'start-form', onsubmit: (e) => { e.preventDefault(); startChat(); } }, nameInput, startButton);
  const userBox = h('div', { class: 'me' },
    h('span', { class: `avatar ${hue(user)}`, 'aria-hidden': 'true', text: initials(user) }),
    h('span', { class: 'me-text' },
      h('span', { class: 'visually-hidden', text: 'Signed in as' }),
      h('span', { class: 'me-name', text: displayName(user) }),
      h('span', { class: 'me-username', text: `@${user.username}` })),
    h('button', { type: 'button', class: 'btn icon-btn', 'aria-label': 'Sign out', title: 'Sign out', onclick: signOut }, icon('logout')));
  const sidebar = h('aside', { class: 'sidebar', 'aria-label': 'Chats' },
    h('header', { class: 'sidebar-head' },
      h('a', { class: 'brand', href: '/', onclick: (e) => { e.preventDefault(); navigate('/'); } }, h('span', { class: 'logo' }, icon('chat')), h('span', { text: 'Chatire' }))),
    h('div', { class: 'sidebar-actions' }, startForm),
    chats.element,
    userBox);
  const main = h('main', { class: 'main', id: 'main' });
  const element = h('div', { class: 'shell' }, sidebar, main);

  async function startChat() {
    startButton.disabled = true;
    try {
      const created = await api.createChat(nameInput.value);
      nameInput.value = '';
      navigate(`/chats/${created.uri}/`);
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      startButton.disabled = false;
    }
  }

  function welcome() {
    return h('section', { class: 'welcome', 'aria-labelledby': 'welcome-title' },
      h('div', { class: 'empty-icon big' }, icon('chat')),
      h('h1', { id: 'welcome-title', text: `Hi ${displayName(user)}!` }),
      h('p', { class: 'muted', text: 'Start a chat, then share its link: whoever opens it joins the conversation.' }),
      h('button', { type: 'button', class: 'btn primary', onclick: startChat }, icon('plus'), h('span', { text: 'Start chatting' })),
      h('p', { class: 'muted small', text: 'Got a link from someone? Just open it to join their chat.' }));
  }

  return {
    userId: user.id,
    element,
    show(target) {
      if (target.name === 'chat') {
        element.dataset.view = 'chat';
        if (chatUri !== target.uri) {
          chat?.destroy();
          chatUri = target.uri;
          chat = chatView(target.uri, {
            back: () => navigate('/'),
            activity: (message) => chats.activity(message),
            left: () => navigate('/'),
          });
          mount(main, chat.element);
          chat.focus();
        }
        chats.setActive(target.uri);
        setTitle('Chat');
      } else {
        element.dataset.view = 'home';
        chat?.destroy();
        chat = null;
        chatUri = null;
        chats.setActive(null);
        mount(main, welcome());
        setTitle('');
      }
    },
    destroy() {
      chat?.destroy();
      chat = null;
      chats.destroy();
    },
    get chat() {
      return chat;
    },
    get streamState() {
      return chats.streamState;
    },
  };
}

async function signOut() {
  shell?.destroy();
  await api.signOut();
  authMode = 'signin';
  navigate('/', { replace: true });
  toast('You are signed out.');
}

// Keep the access token fresh while the page is open, and check the stored session on start.
setInterval(() => {
  const current = session.current();
  if (current && Date.now() - (current.refreshedAt ?? 0) > REFRESH_EVERY_MS) api.refreshTokens(current.access);
}, 30_000);

document.addEventListener('visibilitychange', () => {
  const current = session.current();
  if (document.visibilityState === 'visible' && current && Date.now() - (current.refreshedAt ?? 0) > REFRESH_EVERY_MS) api.refreshTokens(current.access);
});

let lastUserId = session.current()?.user?.id ?? null;
session.onChange((state) => {
  const userId = state?.user?.id ?? null;
  if (userId !== lastUserId) {
    lastUserId = userId;
    render();
  }
});

window.addEventListener('popstate', render);

// A debugging aid (used by the browser tests): inspect the open chat and drop its socket.
window.chatireDebug = {
  chat: () => shell?.chat?.debug ?? null,
  dropSocket: (holdMs = 0) => shell?.chat?.debug.connection?.drop(holdMs),
  releaseSocket: () => shell?.chat?.debug.connection?.release(),
  socketState: () => shell?.chat?.debug.connection?.state ?? null,
  streamState: () => shell?.streamState ?? null,
  /** Replaces the access token with one the server does not know, as if it had expired. */
  spoilAccessToken: () => session.update({ access: 'expired-'.padEnd(43, 'x') }),
};

render();
if (session.current()) {
  api.me().then((user) => session.update({ user })).catch(() => {});
}
