// A live connection (protocol v2): one chat's socket, or the user stream (/ws/me/) when no uri is given.
// Reconnects with backoff; a chat socket resumes with ?since=<cursor> (the largest message id or change
// seq seen), so nothing is lost, and the view drops anything it already has, so nothing is doubled.

const MAX_DELAY_MS = 15_000;

export class ChatConnection {
  /**
   * @param {object} options
   * @param {string} [options.uri] chat uri; without it, the user stream
   * @param {() => string|null} options.token the current access token
   * @param {() => number} options.since the highest message id already shown
   * @param {(frame: object) => void} options.onFrame every frame from the server
   * @param {(state: string, info?: object) => void} options.onState connecting | open | reconnecting | offline | closed
   * @param {() => void} options.onOpen the socket is open (send the outbox now)
   * @param {() => Promise<boolean>} options.refresh get a fresh access token; false if the session is over
   * @param {() => Promise<string|null>} options.diagnose after a refused upgrade: null to retry, or a reason to stop
   */
  constructor(options) {
    this.options = options;
    this.ws = null;
    this.state = 'idle';
    this.attempts = 0;
    this.timer = null;
    this.stopped = false;
    this.holdUntil = 0;
    this.onOnline = () => this.retryNow();
    this.onOffline = () => {
      if (this.state !== 'open') this.setState('offline');
    };
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && (this.state === 'reconnecting' || this.state === 'offline')) this.retryNow();
    };
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  start() {
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'Leaving the chat');
  }

  get isOpen() {
    return this.ws?.readyState === WebSocket.OPEN && this.state === 'open';
  }

  /** Sends a frame if the socket is open; false otherwise (the caller keeps it for later). */
  send(frame) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Reconnects now instead of waiting for the backoff timer. */
  retryNow() {
    if (this.stopped || this.state === 'open' || this.state === 'connecting' || this.state === 'closed') return;
    if (Date.now() < this.holdUntil) return;
    clearTimeout(this.timer);
    this.connect();
  }

  /** Closes the socket as a network failure would, and waits at least holdMs before reconnecting. */
  drop(holdMs = 0) {
    this.holdUntil = Date.now() + holdMs;
    if (this.ws) this.ws.close(4000, 'Dropped on request');
  }

  /** Ends a hold set by drop(): the next attempt follows the normal backoff from now. */
  release() {
    this.holdUntil = 0;
    if (this.state === 'reconnecting' || this.state === 'offline') {
      this.attempts = Math.max(this.attempts - 1, 0);
      this.schedule();
    }
  }

  setState(state, info = {}) {
    this.state = state;
    this.options.onState(state, info);
  }

  connect() {
    if (this.stopped) return;
    const token = this.options.token();
    if (!token) {
      this.setState('closed', { reason: 'Signed out.' });
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({ v: '2', batch: '1', token });
    if (this.options.since) query.set('since', String(this.options.since()));
    const path = this.options.uri ? `/ws/chats/${encodeURIComponent(this.options.uri)}/` : '/ws/me/';
    const url = `${scheme}//${location.host}${path}?${query}`;
    this.setState(this.attempts === 0 ? 'connecting' : 'reconnecting', { now: true });
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      if (ws !== this.ws) return;
      opened = true;
      this.attempts = 0;
      this.setState('open');
      this.options.onOpen?.();
    });
    ws.addEventListener('message', (event) => {
      if (ws !== this.ws || typeof event.data !== 'string') return;
      // batch=1: one message may carry several frames, one per line.
      for (const line of event.data.split('\n')) {
        let frame;
        try {
          frame = JSON.parse(line);
        } catch {
          continue;
        }
        if (frame && typeof frame === 'object') this.options.onFrame(frame);
      }
    });
    ws.addEventListener('close', (event) => {
      if (ws !== this.ws && this.ws !== null) return;
      if (this.stopped) return;
      this.ws = null;
      this.closed(event.code, opened);
    });
  }

  async closed(code, opened) {
    if (code === 4403) {
      this.setState('closed', { reason: 'You no longer have access to this chat.' });
      return;
    }
    if (code === 4401) {
      if (await this.options.refresh()) {
        this.schedule(0);
      } else {
        this.setState('closed', { reason: 'Your session has ended.' });
      }
      return;
    }
    if (!opened && navigator.onLine !== false) {
      // The upgrade was refused or the server is down; the browser does not say which. Ask the API.
      const reason = this.options.diagnose ? await this.options.diagnose() : null;
      if (this.stopped) return;
      if (reason) {
        this.setState('closed', { reason });
        return;
      }
    }
    this.schedule();
  }

  schedule(delay) {
    if (this.stopped) return;
    this.attempts += 1;
    if (delay === undefined) {
      const ceiling = Math.min(MAX_DELAY_MS, 500 * 2 ** Math.min(this.attempts - 1, 10));
      delay = ceiling / 2 + Math.random() * (ceiling / 2);
    }
    delay = Math.max(delay, this.holdUntil - Date.now());
    clearTimeout(this.timer);
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting', { at: Date.now() + delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
