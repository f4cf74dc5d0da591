// Talking to the Chatire API: JSON requests with the access token, one silent refresh on an expired
// token, and errors turned into sentences a person can act on.
import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.name = 'ApiError';
    this.status = status;
    this.body = body ?? {};
    this.code = this.body.code ?? null;
  }

  /** Messages per field, from a Django REST Framework validation error. */
  get fields() {
    const fields = {};
    if (this.status !== 400 || !this.body || typeof this.body !== 'object') return fields;
    for (const [name, messages] of Object.entries(this.body)) {
      if (name === 'detail' || name === 'code') continue;
      fields[name] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    }
    return fields;
  }
}

export class NetworkError extends Error {
  constructor() {
    super('Cannot reach the Chatire server. Check your connection and try again.');
    this.name = 'NetworkError';
  }
}

function describe(status, body) {
  if (body && typeof body.detail === 'string') return body.detail;
  if (body && typeof body === 'object') {
    const first = Object.entries(body).find(([, value]) => Array.isArray(value) && value.length);
    if (first) {
      const [field, messages] = first;
      return field === 'non_field_errors' ? messages[0] : `${label(field)}: ${messages[0]}`;
    }
  }
  if (status >= 500) return 'The server ran into a problem. Please try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

function label(field) {
  return field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new NetworkError();
  }
  let data = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  return { status: response.status, ok: response.ok, data };
}

/**
 * Calls the API. With auth (the default) the access token is sent, and a 401 token_not_valid is
 * answered by one refresh and one retry. Throws ApiError or NetworkError.
 */
export async function api(method, path, body, { auth = true } = {}) {
  const token = auth ? session.current()?.access : null;
  let result = await send(method, path, body, token);
  if (auth && result.status === 401 && session.current()) {
    if (await refreshTokens(token)) {
      result = await send(method, path, body, session.current()?.access);
    }
  }
  if (!result.ok) throw new ApiError(result.status, result.data);
  return result.data;
}

let refreshing = null;

/**
 * Trades the refresh token for a new pair. Tabs take turns (Web Locks) and a tab skips the call when
 * another one already refreshed, so a rotated refresh token is never presented twice.
 * Resolves true when a usable access token is in place; signs out when the session is over.
 */
export function refreshTokens(staleAccess = session.current()?.access) {
  refreshing ??= withLock(() => doRefresh(staleAccess)).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function withLock(work) {
  if (navigator.locks?.request) return navigator.locks.request('chatire-token-refresh', work);
  return work();
}

async function doRefresh(staleAccess) {
  const before = session.current();
  if (!before) return false;
  if (before.access !== staleAccess) return true; // another tab refreshed meanwhile
  let result;
  try {
    result = await send('POST', '/auth/jwt/refresh/', { refresh: before.refresh });
  } catch {
    return false;
  }
  if (result.ok && result.data?.access) {
    const now = session.current();
    if (now && now.refresh === before.refresh) {
      session.update({ access: result.data.access, refresh: result.data.refresh ?? before.refresh, refreshedAt: Date.now() });
    }
    return true;
  }
  if (result.status === 401 || result.status === 400) {
    sessionExpired = true;
    session.clear();
  }
  return false;
}

export let sessionExpired = false;

export function acknowledgeExpiry() {
  const was = sessionExpired;
  sessionExpired = false;
  return was;
}

// Accounts --------------------------------------------------------------------------------------

export async function signIn(username, password) {
  const tokens = await api('POST', '/auth/jwt/create/', { username, password }, { auth: false });
  const me = await send('GET', '/auth/users/me/', undefined, tokens.access);
  if (!me.ok) throw new ApiError(me.status, me.data);
  sessionExpired = false;
  session.save({ access: tokens.access, refresh: tokens.refresh, user: me.data, refreshedAt: Date.now() });
  return me.data;
}

export async function signUp({ email, username, password }) {
  const body = { username, password };
  if (email) body.email = email;
  await api('POST', '/auth/users/', body, { auth: false });
  return signIn(username, password);
}

export async function signOut() {
  const before = session.current();
  session.clear();
  if (before?.refresh) {
    try {
      await send('POST', '/auth/jwt/blacklist/', { refresh: before.refresh });
    } catch {
      // Signed out here either way; the tokens expire on their own.
    }
  }
}

export const me = () => api('GET', '/auth/users/me/');

// Chats -----------------------------------------------------------------------------------------

export const listChats = () => api('GET', '/api/chats/');
export const createChat = (name = '') => api('POST', '/api/chats/', name ? { name } : undefined);
export const chatDetail = (uri) => api('GET', `/api/chats/${encodeURIComponent(uri)}/`);
export const joinChat = (uri) => api('PATCH', `/api/chats/${encodeURIComponent(uri)}/`, {});
export const renameChat = (uri, name) => api('PATCH', `/api/chats/${encodeURIComponent(uri)}/`, { name });
export const deleteChat = (uri) => api('DELETE', `/api/chats/${encodeURIComponent(uri)}/`);
export const addMember = (uri, username) => api('PATCH', `/api/chats/${encodeURIComponent(uri)}/`, { username });
export const removeMember = (uri, username) => api('DELETE', `/api/chats/${encodeURIComponent(uri)}/members/${encodeURIComponent(username)}/`);
export const editMessage = (uri, id, message) => api('PATCH', `/api/chats/${encodeURIComponent(uri)}/messages/${id}/`, { message });
export const deleteMessage = (uri, id) => api('DELETE', `/api/chats/${encodeURIComponent(uri)}/messages/${id}/`);
export const markRead = (uri, upTo) => api('POST', `/api/chats/${encodeURIComponent(uri)}/read/`, { up_to: upTo });

export function history(uri, { limit = 50, before, after } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) query.set('before', String(before));
  if (after !== undefined) query.set('after', String(after));
  return api('GET', `/api/chats/${encodeURIComponent(uri)}/messages/?${query}`);
}

export const postMessage = (uri, message, clientId) =>
  api('POST', `/api/chats/${encodeURIComponent(uri)}/messages/`, clientId ? { message, client_id: clientId } : { message });
