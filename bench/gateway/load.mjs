// Load generator for bench/gateway/run.mjs, run as a child process (so the broker's CPU is
// measured alone). Speaks raw MQTT 5 over mutual TLS with mqtt-packet; commands over IPC.
import { Buffer } from 'node:buffer';
import { clearInterval, setImmediate, setInterval, setTimeout } from 'node:timers';
import { connect, createSecureContext } from 'node:tls';
import mqtt from 'mqtt-packet';

const PAYLOAD = Buffer.from('{"temperature":21.5,"humidity":40,"door":"closed"}');
const WINDOW = 100; // QoS 1 publishes in flight per client (the Receive Maximum)
const open = new Set();

const contexts = new Map();
function dial(port, ca, cred, session) {
  let secureContext = contexts.get(cred.id);
  if (secureContext === undefined) {
    secureContext = createSecureContext({ ca, cert: cred.cert, key: cred.key });
    contexts.set(cred.id, secureContext);
  }
  return connect({ host: '127.0.0.1', port, secureContext, session, servername: 'localhost' });
}

/** TLS + CONNECT/CONNACK; resolves { socket, parser, session }. */
function mqttConnect(port, ca, cred, session) {
  return new Promise((resolve, reject) => {
    const socket = dial(port, ca, cred, session);
    const parser = mqtt.parser({ protocolVersion: 5 });
    let ticket;
    socket.on('session', (s) => (ticket = s));
    socket.once('secureConnect', () => {
      socket.write(
        mqtt.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 5,
          clientId: cred.id,
          clean: true,
          keepalive: 600,
        }),
      );
    });
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', reject);
    parser.once('packet', (p) => {
      if (p.cmd !== 'connack' || (p.reasonCode ?? p.returnCode) !== 0)
        return reject(new Error(`refused ${p.reasonCode}`));
      // the TLS 1.3 ticket arrives with or right after the first server data
      setImmediate(() => resolve({ socket, parser, session: ticket, resumed: socket.isSessionReused() }));
    });
  });
}

async function handshakes({ port, ca, creds, ms, resume }) {
  const end = Date.now() + ms;
  let count = 0;
  let resumed = 0;
  await Promise.all(
    creds.map(async (cred) => {
      let session;
      while (Date.now() < end) {
        const c = await mqttConnect(port, ca, cred, resume ? session : undefined);
        count++;
        if (c.resumed) resumed++;
        if (resume && c.session) session = c.session;
        c.socket.destroy();
      }
    }),
  );
  return { count, resumed };
}

function publishPacket(topic, qos, messageId) {
  return mqtt.generate(
    { cmd: 'publish', topic, payload: PAYLOAD, qos, messageId, retain: false, dup: false },
    { protocolVersion: 5 },
  );
}

let fanClients = [];

/** Connects the fan-in devices (TLS + CONNECT), so `run` measures publishing only. */
async function connectAll({ port, ca, creds }) {
  const clients = await Promise.all(creds.map((cred) => mqttConnect(port, ca, cred)));
  fanClients = clients.map((c, i) => ({ ...c, id: creds[i].id }));
  return { connected: clients.length };
}

/** Publishes from every connected fan-in device for `ms`, then closes them. */
async function run({ ms, qos }) {
  const clients = fanClients;
  fanClients = [];
  let sent = 0;
  let acked = 0;
  let stop = false;
  const start = Date.now();
  const done = clients.map(
    (c) =>
      new Promise((resolve) => {
        const topic = `devices/${c.id}/telemetry`;
        c.socket.on('close', resolve);
        if (qos === 0) {
          // Closed loop: 50 publishes then a PINGREQ; the next batch leaves on PINGRESP, so
          // nothing piles up in socket buffers beyond what the broker has processed.
          const batch = Buffer.concat([
            ...Array.from({ length: 50 }, () => publishPacket(topic, 0)),
            Buffer.from([0xc0, 0]),
          ]);
          c.parser.on('packet', (p) => {
            if (p.cmd !== 'pingresp') return;
            acked += 50;
            if (stop) return resolve();
            sent += 50;
            c.socket.write(batch);
          });
          sent += 50;
          c.socket.write(batch);
        } else {
          let nextId = 1;
          const template = publishPacket(topic, 1, 1);
          const idAt = template.length - PAYLOAD.length - 3; // after topic: packet id, then property length 0
          const one = () => {
            const buf = Buffer.from(template);
            buf.writeUInt16BE(nextId, idAt);
            nextId = nextId === 65535 ? 1 : nextId + 1;
            sent++;
            return buf;
          };
          c.parser.on('packet', (p) => {
            if (p.cmd !== 'puback') return;
            acked++;
            if (stop) return;
            c.socket.write(one());
          });
          const first = [];
          for (let k = 0; k < WINDOW; k++) first.push(one());
          c.socket.write(Buffer.concat(first));
          const timer = setInterval(() => {
            if (stop) {
              clearInterval(timer);
              resolve();
            }
          }, 20);
        }
      }),
  );
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  const elapsed = (Date.now() - start) / 1000;
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 1000))]);
  const result = { sent, acked, elapsed };
  for (const c of clients) c.socket.destroy();
  return result;
}

async function idle({ port, ca, creds }) {
  let connected = 0;
  for (let i = 0; i < creds.length; i += 100) {
    const group = await Promise.all(
      creds.slice(i, i + 100).map((cred) => mqttConnect(port, ca, cred).catch(() => undefined)),
    );
    for (const c of group) {
      if (c === undefined) continue;
      c.socket.on('error', () => undefined);
      open.add(c.socket);
      connected++;
    }
  }
  return { connected };
}

let collected = 0;
async function collect({ port, ca, cred, qos }) {
  const c = await mqttConnect(port, ca, cred);
  c.parser.on('packet', (p) => {
    if (p.cmd !== 'publish') return;
    collected++;
    if (p.qos === 1) c.socket.write(Buffer.from([0x40, 2, p.messageId >> 8, p.messageId & 0xff]));
  });
  c.socket.write(
    mqtt.generate(
      { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'devices/+/telemetry', qos }] },
      { protocolVersion: 5 },
    ),
  );
  open.add(c.socket);
  await new Promise((r) => setTimeout(r, 200));
  return {};
}

const ops = {
  handshakes,
  connect: connectAll,
  run,
  idle,
  collect,
  count: async () => ({ collected }),
  close: async () => {
    for (const s of open) s.destroy();
    open.clear();
    collected = 0;
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    process.send({ id: msg.id, ok: true, result: await ops[msg.op](msg) });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.message ?? err) });
  }
});
