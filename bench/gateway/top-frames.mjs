// Prints the top self-time frames of a V8 .cpuprofile: node bench/gateway/top-frames.mjs <file> [n]
import { readFileSync } from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
let total = 0;
for (const node of profile.nodes) {
  const us = dt.get(node.id) ?? 0;
  total += us;
  const f = node.callFrame;
  const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + us);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
for (const [name, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);

// Self time by origin: PGlite's WebAssembly, PGlite's JavaScript, mqtt-packet, ours, Node.
const origin = (url, name) => {
  if (url.startsWith('wasm')) return 'pglite wasm';
  if (url.includes('@electric-sql/pglite')) return 'pglite js';
  if (url.includes('mqtt-packet') || url.includes('bl/') || url.includes('debug')) return 'mqtt-packet';
  if (url.includes('packages/')) return `ours ${url.split('/').slice(-2, -1)[0]}`;
  if (url.startsWith('node:')) return 'node';
  return name.startsWith('(') ? name : `native ${name}`;
};
const byOrigin = new Map();
for (const node of profile.nodes) {
  const k = origin(node.callFrame.url, node.callFrame.functionName);
  byOrigin.set(k, (byOrigin.get(k) ?? 0) + (dt.get(node.id) ?? 0));
}
console.log('\nby origin:');
for (const [k, us] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
}
