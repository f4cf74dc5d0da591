// Messages written but not yet confirmed by the server. Kept per user and chat in localStorage, so
// they survive a lost connection and a reload, and retried with the same client_id (the server stores
// a client_id once, however often it is sent).

function key(userId, uri) {
  return `chatire.outbox.${userId}.${uri}`;
}

export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  constructor(userId, uri) {
    this.key = key(userId, uri);
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) ?? '[]');
      this.entries = Array.isArray(stored) ? stored.filter((e) => e && typeof e.client_id === 'string' && typeof e.message === 'string') : [];
    } catch {
      this.entries = [];
    }
  }

  /** Adds a message; returns its entry {client_id, message, queuedAt, failed}. */
  add(message) {
    const entry = { client_id: newClientId(), message, queuedAt: new Date().toISOString(), failed: null };
    this.entries.push(entry);
    this.persist();
    return entry;
  }

  find(clientId) {
    return this.entries.find((e) => e.client_id === clientId) ?? null;
  }

  remove(clientId) {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.client_id !== clientId);
    if (this.entries.length !== before) this.persist();
    return before !== this.entries.length;
  }

  fail(clientId, reason) {
    const entry = this.find(clientId);
    if (!entry) return;
    entry.failed = reason;
    this.persist();
  }

  retry(clientId) {
    const entry = this.find(clientId);
    if (!entry) return null;
    entry.failed = null;
    this.persist();
    return entry;
  }

  /** Entries to (re)send, oldest first. */
  get pending() {
    return this.entries.filter((e) => !e.failed);
  }

  persist() {
    try {
      if (this.entries.length) localStorage.setItem(this.key, JSON.stringify(this.entries));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage full or blocked: the messages still live in memory for this page.
    }
  }
}
