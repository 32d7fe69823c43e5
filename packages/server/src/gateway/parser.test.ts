import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqtt from 'mqtt-packet';
import { SharedParser, type ParseSink } from './parser.js';

/** A connection as the parser sees it: its version, and what came back for it. */
function connection(version: number | undefined) {
  const seen: (mqtt.Packet | 'malformed')[] = [];
  const sink: ParseSink = {
    framingVersion: () => version,
    parsedPacket: (packet) => seen.push(packet),
    parsedMalformed: () => seen.push('malformed'),
  };
  return { sink, seen };
}

describe('SharedParser (one mqtt-packet parser for the whole packets of every connection)', () => {
  it('parses each packet in the protocol version of the connection it belongs to', () => {
    const shared = new SharedParser();
    const v4 = connection(4);
    const v5 = connection(5);
    const puback5 = mqtt.generate({ cmd: 'puback', messageId: 7, reasonCode: 0x87 }, { protocolVersion: 5 });
    shared.parse(puback5, v5.sink);
    shared.parse(mqtt.generate({ cmd: 'puback', messageId: 8 }), v4.sink);
    shared.parse(puback5, v5.sink);
    assert.deepEqual(
      v5.seen.map((p) => p !== 'malformed' && p.cmd === 'puback' && [p.messageId, p.reasonCode]),
      [
        [7, 0x87],
        [7, 0x87],
      ],
    );
    assert.deepEqual(
      v4.seen.map((p) => p !== 'malformed' && p.cmd === 'puback' && p.messageId),
      [8],
    );
  });

  it('leaves nothing of a packet it refused on one connection for the next connection’s packet', () => {
    const shared = new SharedParser();
    const bad = connection(4);
    const good = connection(4);
    // SUBSCRIBE whose second topic announces 49,152 bytes: refused mid-packet (read position 7)
    shared.parse(Buffer.from('820e00020003612f2301c00040020005', 'hex'), bad.sink);
    shared.parse(Buffer.from('40020008', 'hex'), good.sink); // PUBACK, packet id 8
    assert.deepEqual(bad.seen, ['malformed']);
    assert.equal(good.seen.length, 1);
    const puback = good.seen[0] as mqtt.IPubackPacket;
    assert.deepEqual([puback.cmd, puback.length, puback.messageId], ['puback', 2, 8]);
  });
});
