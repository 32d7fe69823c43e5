import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countProcesses,
  establishedTcp,
  listeningTcpPorts,
  listeningUdpPorts,
  parseNetDev,
  parseSockets,
} from './proc-parse.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21857 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   108        0 23455 1 0000000000000000 100 0 0 10 0
   2: 0F02000A:0016 0202000A:D5A4 01 00000000:00000000 02:0004C8F0 00000000     0        0 37890 4 0000000000000000 20 4 29 10 -1
   garbage line
   3: ZZZ:0016 0202000A:D5A4 01 00000000:00000000
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21859 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000F02000A:1F90 0000000000000000FFFF00000202000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1
   2: 00000000000000000000000001000000:1F90 B80D0120000000000000000001000000:C351 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 20000 2 0000000000000000 0
  124: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 20001 2 0000000000000000 0
  125: 0F02000A:A000 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 20002 2 0000000000000000 0
`;
const DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  900000    9000    0    0    0     0          0         0   900000    9000    0    0    0     0       0          0
  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
 wlan0: 1 1 0 0 0 0 0 0 2 2 0 0 0 0 0 0
  bad0: x y
`;

describe('/proc parsers (proc(5))', () => {
  it('finds listening TCP ports in /proc/net/tcp and tcp6, skipping lines that do not parse', () => {
    const sockets = [...parseSockets(TCP), ...parseSockets(TCP6)];
    assert.deepEqual(listeningTcpPorts(sockets), [22, 3306]);
  });

  it('lists established TCP connections with remote address and port (IPv4, v4-mapped, IPv6)', () => {
    const sockets = [...parseSockets(TCP), ...parseSockets(TCP6)];
    assert.deepEqual(establishedTcp(sockets), [
      { 'remote-addr': '10.0.2.2:54692' },
      { 'remote-addr': '10.0.2.2:50000' },
      { 'remote-addr': '[2001:db8::1]:50001' },
    ]);
  });

  it('counts bound UDP sockets without a remote end as listening', () => {
    assert.deepEqual(listeningUdpPorts(parseSockets(UDP)), [53, 68]);
  });

  it('sums /proc/net/dev over every interface but loopback', () => {
    assert.deepEqual(parseNetDev(DEV), { bytesIn: 1001, packetsIn: 11, bytesOut: 2002, packetsOut: 22 });
  });

  it('counts numeric /proc entries as processes', () => {
    assert.equal(countProcesses(['1', '42', 'self', 'net', '1337', 'sys']), 3);
  });

  it('never throws on empty or hostile text', () => {
    for (const text of ['', '\n\n', 'sl\n0: :', '\u0000'.repeat(100)]) {
      assert.deepEqual(parseSockets(text), []);
      assert.deepEqual(parseNetDev(text), { bytesIn: 0, packetsIn: 0, bytesOut: 0, packetsOut: 0 });
    }
  });
});
