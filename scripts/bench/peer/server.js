'use strict';
// The comparison peer for `chatire bench`: the smallest broadcast chat server one would write with
// Node and the ws package. It speaks just enough of Chatire's WebSocket protocol v2 for the load
// generator (`chatire bench fanout --peer`, `chatire bench connections --peer`):
//   - upgrades on /ws/chats/<uri>/ and /<uri> (any query; no authentication, nothing stored);
//   - a client frame {"message": "...", "client_id": "..."} gets a server-wide increasing id, is
//     broadcast as {"type": "message", "data": {...}} to the chat's sockets (as Chatire does) and
//     acknowledged to the sender with {"type": "ack", "client_id": ..., "id": N};
//   - GET /metrics reports process_resident_memory_bytes, GET /health answers {"status": "ok"}.
// Usage: node server.js [port]   (or PORT=8100 node server.js)

const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || process.env.PORT || 8100);
const host = process.env.HOST || '127.0.0.1';
const sendToSender = process.env.PEER_ECHO_SENDER !== '0';
const rooms = new Map();
const peerUser = { id: 0, username: 'peer', email: '', first_name: '', last_name: '' };
let nextId = 0;
let sockets = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`chatire_websocket_connections ${sockets}\nprocess_resident_memory_bytes ${process.memoryUsage.rss()}\n`);
    return;
  }
  if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end('{"detail":"Not found."}');
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  const path = req.url.split('?')[0];
  const match = /^\/(?:ws\/chats\/)?([0-9A-Za-z_-]+)\/?$/.exec(path);
  if (!match) {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => join(ws, match[1]));
});

function join(ws, uri) {
  let room = rooms.get(uri);
  if (!room) {
    room = new Set();
    rooms.set(uri, room);
  }
  room.add(ws);
  sockets++;
  ws.send('{"type":"presence","users":[]}');

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003);
      return;
    }
    let frame;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      ws.send('{"type":"error","detail":"Invalid JSON."}');
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.message !== 'string' || frame.message.length === 0) {
      ws.send('{"type":"error","detail":"Invalid frame."}');
      return;
    }
    const id = ++nextId;
    const clientId = typeof frame.client_id === 'string' ? frame.client_id : null;
    const message = { id, uri, user: peerUser, message: frame.message, created: new Date().toISOString() };
    if (clientId !== null) message.client_id = clientId;
    const text = JSON.stringify({ type: 'message', data: message });
    for (const other of room) {
      if (other !== ws || sendToSender) other.send(text);
    }
    ws.send(JSON.stringify({ type: 'ack', client_id: clientId, id }));
  });

  ws.on('close', () => {
    room.delete(ws);
    sockets--;
    if (room.size === 0) rooms.delete(uri);
  });
  ws.on('error', () => {});
}

server.listen(port, host, () => {
  process.stdout.write(`peer listening on http://${host}:${port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
