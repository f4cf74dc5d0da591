// How people, times and messages are shown.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

export const time = (date) => timeFormat.format(date);
export const fullTime = (date) => fullFormat.format(date);

export function displayName(user) {
  if (!user) return 'Someone';
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return full || user.username || 'Someone';
}

export function initials(user) {
  const name = displayName(user);
  const words = name.split(/[\s._@+-]+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [name];
  return letters.map((w) => Array.from(w)[0] ?? '').join('').slice(0, 2).toUpperCase() || '?';
}

/** A stable colour class for a user, from their id. */
export function hue(user) {
  const id = Number(user?.id ?? 0);
  return `hue-${Math.abs(id * 7 + 3) % 8}`;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function dayLabel(date, now = new Date()) {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return dayFormat.format(date);
}

export const sameDay = (a, b) => startOfDay(a) === startOfDay(b);

/** Short time for lists: 10:44 today, "Yesterday", else "12 Mar". */
export function shortWhen(date, now = new Date()) {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return time(date);
  if (days === 1) return 'Yesterday';
  return dateFormat.format(date);
}

/** "bob", "bob and carol", "bob, carol and 2 others". */
export function names(users) {
  const list = users.map(displayName);
  if (list.length === 0) return '';
  if (list.length === 1) return list[0];
  if (list.length === 2) return `${list[0]} and ${list[1]}`;
  if (list.length === 3) return `${list[0]}, ${list[1]} and ${list[2]}`;
  return `${list[0]}, ${list[1]} and ${list.length - 2} others`;
}

/** Length in Unicode code points, as the server counts. */
export const codePoints = (text) => Array.from(text).length;
