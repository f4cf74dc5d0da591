// The signed-in session: tokens and the user, kept in localStorage and shared by every tab.

const KEY = 'chatire.session';
const listeners = new Set();

function read() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    return value && typeof value.access === 'string' && typeof value.refresh === 'string' ? value : null;
  } catch {
    return null;
  }
}

let state = read();

/** {access, refresh, user, refreshedAt} or null when signed out. */
export function current() {
  return state;
}

export function save(next) {
  state = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  notify();
}

export function update(partial) {
  if (!state) return;
  save({ ...state, ...partial });
}

export function clear() {
  save(null);
}

/** Called with the new state whenever it changes, in this tab or another. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener(state);
}

window.addEventListener('storage', (event) => {
  if (event.key !== KEY && event.key !== null) return;
  const next = read();
  const signedInChanged = Boolean(next) !== Boolean(state) || next?.user?.id !== state?.user?.id;
  state = next;
  if (signedInChanged) notify();
});
