'use strict';
// The usual Node.js stack for a clipboard relay, built only to be measured against ClipSync:
// ws for the sockets, Redis Pub/Sub (ioredis) for the fan-out between processes, and
// PostgreSQL (pg) written through before the ack, with an idempotent insert and a per-user seq.
// It speaks the part of the sync protocol that bench/delivery.sh uses: the handshake with a
// bearer token checked against a JWK Set, welcome, push/ack, clip, ping/pong.
//
// Environment: PORT, DATABASE_URL, REDIS_URL, JWKS_URI, ISSUER (clipsync), KEY_PREFIX (peer),
// PG_POOL (32), MAX_CLIP_BYTES (1048576).

const http = require('node:http');
const crypto = require('node:crypto');
const { WebSocketServer } = require('ws');
const { Redis } = require('ioredis');
const { Pool } = require('pg');

const env = process.env;
const port = Number(env.PORT || 8090);
const issuer = env.ISSUER || 'clipsync';
const prefix = env.KEY_PREFIX || 'peer';
const maxClipBytes = Number(env.MAX_CLIP_BYTES || 1048576);
const heartbeatSeconds = 25;
const SUBPROTOCOL = 'clipsync.v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWKS_URI']) {
  if (!env[name]) {
    console.error(`${name} is not set: see the top of server.js for what the peer needs`);
    process.exit(2);
  }
}

const pool = new Pool({ connectionString: env.DATABASE_URL, max: Number(env.PG_POOL || 32) });
const pub = new Redis(env.REDIS_URL);
const sub = new Redis(env.REDIS_URL);

// --- tokens: EdDSA JWTs checked against the JWK Set, keys fetched when an unknown kid shows up

const keys = new Map();
let jwksFetch = null;
let jwksFetchedAt = 0;

async function refreshKeys() {
  if (!jwksFetch) {
    jwksFetch = (async () => {
      try {
        const response = await fetch(env.JWKS_URI, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`JWK Set answered ${response.status}`);
        for (const jwk of (await response.json()).keys || []) {
          if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.kid) {
            keys.set(jwk.kid, crypto.createPublicKey({ key: jwk, format: 'jwk' }));
          }
        }
      } finally {
        jwksFetchedAt = Date.now();
        jwksFetch = null;
      }
    })();
  }
  return jwksFetch;
}

async function verify(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  } catch {
    return null;
  }
  if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') return null;
  if (!keys.has(header.kid) && Date.now() - jwksFetchedAt > 1000) {
    await refreshKeys().catch((err) => console.error(`JWK Set: ${err.message}`));
  }
  const key = keys.get(header.kid);
  if (!key) return null;
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!crypto.verify(null, signed, key, Buffer.from(parts[2], 'base64url'))) return null;
  const now = Date.now() / 1000;
  if (claims.iss !== issuer || !(claims.exp > now - 30) || !UUID.test(claims.sub) || !UUID.test(claims.did)) {
    return null;
  }
  return { userId: claims.sub, deviceId: claims.did };
}

function bearer(req) {
  const auth = req.headers.authorization;
  if (auth && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const offered = (req.headers['sec-websocket-protocol'] || '').split(',').map((p) => p.trim());
  const token = offered.find((p) => p.startsWith('bearer.'));
  return token ? token.slice(7) : null;
}

// --- storage: one statement, one commit per push (write-through), idempotent on (user, id)

const PUSH = `
WITH existing AS (SELECT seq FROM peer.clips WHERE user_id = $1::uuid AND id = $2::uuid),
next AS (
  INSERT INTO peer.user_seq AS u (user_id, seq)
  SELECT $1::uuid, 1 WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT (user_id) DO UPDATE SET seq = u.seq + 1
  RETURNING seq),
ins AS (
  INSERT INTO peer.clips (user_id, id, seq, from_device, mime, data, encoding, encrypted)
  SELECT $1::uuid, $2::uuid, next.seq, $3::uuid, $4, $5, $6, $7 FROM next
  ON CONFLICT (user_id, id) DO NOTHING
  RETURNING seq, created_at)
SELECT (SELECT seq FROM ins) AS seq, (SELECT created_at FROM ins) AS created_at,
       (SELECT seq FROM existing) AS existing_seq`;

async function migrate() {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Both processes start at once; the lock keeps their CREATE ... IF NOT EXISTS apart.
    await client.query('SELECT pg_advisory_xact_lock(74210)');
    await client.query('CREATE SCHEMA IF NOT EXISTS peer');
    await client.query(`CREATE TABLE IF NOT EXISTS peer.user_seq (
      user_id uuid PRIMARY KEY, seq bigint NOT NULL)`);
    await client.query(`CREATE TABLE IF NOT EXISTS peer.clips (
      user_id uuid NOT NULL, id uuid NOT NULL, seq bigint NOT NULL, from_device uuid NOT NULL,
      mime text NOT NULL, data text NOT NULL, encoding text NOT NULL, encrypted boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, id), UNIQUE (user_id, seq))`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function store(conn, push) {
  const args = [conn.userId, push.id, conn.deviceId, push.mime, push.data, push.encoding, push.encrypted];
  for (let attempt = 0; attempt < 2; attempt++) {
    const { rows } = await pool.query(PUSH, args);
    const row = rows[0];
    if (row.seq !== null) return { seq: Number(row.seq), createdAt: row.created_at, duplicate: false };
    if (row.existing_seq !== null) return { seq: Number(row.existing_seq), duplicate: true };
    // The same id raced in from another connection and committed meanwhile: read it again.
  }
  throw new Error('push raced twice');
}

// --- fan-out: one Redis channel per user, subscribed while this process has a device of the user

const local = new Map(); // userId -> Set of connections
const channel = (userId) => `${prefix}:u:${userId}`;

sub.on('message', (name, message) => {
  const userId = name.slice(prefix.length + 3);
  const conns = local.get(userId);
  if (!conns) return;
  const cut = message.indexOf('\n');
  const from = message.slice(0, cut);
  const clip = message.slice(cut + 1);
  for (const conn of conns) {
    if (conn.sessionId !== from && conn.ws.readyState === 1) conn.ws.send(clip);
  }
});

async function join(conn) {
  let conns = local.get(conn.userId);
  if (!conns) {
    conns = new Set();
    local.set(conn.userId, conns);
    conns.add(conn);
    // Subscribed before the welcome, so no clip stored after it is missed.
    conns.ready = sub.subscribe(channel(conn.userId));
  } else {
    conns.add(conn);
  }
  await conns.ready;
}

function leave(conn) {
  const conns = local.get(conn.userId);
  if (!conns) return;
  conns.delete(conn);
  if (conns.size === 0) {
    local.delete(conn.userId);
    sub.unsubscribe(channel(conn.userId)).catch(() => {});
  }
}

// --- the sync endpoint

function send(conn, message) {
  if (conn.ws.readyState === 1) conn.ws.send(JSON.stringify(message));
}

async function onPush(conn, message) {
  const { id, mime, data, encoding } = message;
  const encrypted = message.encrypted === true;
  if (typeof id !== 'string' || !UUID.test(id) || typeof mime !== 'string' || typeof data !== 'string'
    || (encoding !== 'utf8' && encoding !== 'base64')) {
    send(conn, { type: 'error', code: 'invalid_message', message: 'push needs id, mime, data and encoding', id });
    return;
  }
  const bytes = encoding === 'utf8' ? Buffer.byteLength(data) : Math.floor((data.length * 3) / 4);
  if (bytes > maxClipBytes) {
    send(conn, { type: 'error', code: 'too_large', message: `at most ${maxClipBytes} bytes`, id });
    return;
  }
  let stored;
  try {
    stored = await store(conn, { id, mime, data, encoding, encrypted });
  } catch (err) {
    console.error(`push failed: ${err.message}`);
    send(conn, { type: 'error', code: 'unavailable', message: 'storage unavailable, retry with the same id', id });
    return;
  }
  send(conn, { type: 'ack', id, seq: stored.seq, duplicate: stored.duplicate });
  if (!stored.duplicate) {
    // Encoded once for every receiver, in every process.
    const clip = JSON.stringify({ type: 'clip', seq: stored.seq, id, from: conn.deviceId, mime, data, encoding,
      encrypted, createdAt: stored.createdAt.toISOString() });
    await pub.publish(channel(conn.userId), `${conn.sessionId}\n${clip}`);
  }
}

async function onConnection(ws, who) {
  const conn = { ws, userId: who.userId, deviceId: who.deviceId, sessionId: crypto.randomUUID(),
    queue: Promise.resolve() };
  // handleUpgrade emits no 'connection' event: the heartbeat's answers are heard here.
  ws.on('pong', () => { ws.clipsyncSilent = false; });
  ws.on('close', () => leave(conn));
  ws.on('error', () => {});
  // Messages of one connection are handled one after the other, so its pushes are stored in order.
  ws.on('message', (raw, isBinary) => {
    ws.clipsyncSilent = false;
    conn.queue = conn.queue.then(async () => {
      let message;
      try {
        message = JSON.parse(isBinary ? '' : raw.toString());
      } catch {
        send(conn, { type: 'error', code: 'invalid_message', message: 'not JSON' });
        return;
      }
      if (message.type === 'push') await onPush(conn, message);
      else if (message.type === 'ping') send(conn, { type: 'pong' });
      else send(conn, { type: 'error', code: 'invalid_message', message: `the peer does not handle ${message.type}` });
    }).catch((err) => console.error(`message failed: ${err.message}`));
  });
  try {
    await join(conn);
    const { rows } = await pool.query('SELECT seq FROM peer.user_seq WHERE user_id = $1', [conn.userId]);
    send(conn, { type: 'welcome', protocol: 1, userId: conn.userId, deviceId: conn.deviceId, sessionId: conn.sessionId,
      latestSeq: rows.length ? Number(rows[0].seq) : 0, heartbeatSeconds, maxClipBytes });
  } catch (err) {
    console.error(`welcome failed: ${err.message}`);
    ws.close(1011, 'unavailable');
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'Content-Type': 'text/plain' });
  res.end(req.url === '/health' ? 'UP' : 'not found');
});
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: maxClipBytes * 2,
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
});

function refuse(socket, status) {
  socket.end(`HTTP/1.1 ${status}\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  if (!req.url.startsWith('/v1/sync')) {
    refuse(socket, '404 Not Found');
    return;
  }
  const token = bearer(req);
  (token ? verify(token) : Promise.resolve(null)).then((who) => {
    if (!who) {
      refuse(socket, '401 Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, who));
  }, () => refuse(socket, '401 Unauthorized'));
});

const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    // Silent for a whole beat and its answer: gone.
    if (ws.clipsyncSilent) ws.terminate();
    else {
      ws.clipsyncSilent = true;
      ws.ping();
    }
  }
}, heartbeatSeconds * 1000);

function shutdown() {
  clearInterval(heartbeat);
  for (const ws of wss.clients) ws.close(1012, 'server restarting');
  server.close();
  setTimeout(() => process.exit(0), 1000).unref();
  Promise.allSettled([pool.end(), pub.quit(), sub.quit()]).then(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

migrate().then(() => {
  server.listen(port, '127.0.0.1', () => console.log(`peer listening on 127.0.0.1:${port} (pid ${process.pid})`));
}, (err) => {
  console.error(`could not prepare the database: ${err.message}`);
  process.exit(1);
});
