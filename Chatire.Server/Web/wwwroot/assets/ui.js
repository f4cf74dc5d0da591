// Small page-wide pieces: toasts and the unread count in the tab title.
import { h } from './dom.js';

let region = null;

/** Shows a short message at the bottom of the page; kind is 'info' or 'error'. */
export function toast(text, kind = 'info') {
  if (!region || !region.isConnected) {
    region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null, text });
  region.append(item);
  setTimeout(() => {
    item.classList.add('leaving');
    setTimeout(() => item.remove(), 300);
  }, kind === 'error' ? 6000 : 3500);
}

const baseTitle = 'Chatire';
let unread = 0;
let titleContext = '';

export function setTitle(context) {
  titleContext = context;
  render();
}

export function notifyUnread() {
  unread += 1;
  render();
}

function render() {
  const main = titleContext ? `${titleContext} · ${baseTitle}` : baseTitle;
  document.title = unread ? `(${unread}) ${main}` : main;
}

function seen() {
  if (document.visibilityState === 'visible' && document.hasFocus() && unread) {
    unread = 0;
    render();
  }
}

window.addEventListener('focus', seen);
document.addEventListener('visibilitychange', seen);
