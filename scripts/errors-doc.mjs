#!/usr/bin/env node
// Writes docs/errors.md from the error catalogues of the built packages (run `npm run build` first).
import { writeFileSync } from 'node:fs';
import { AGENT_ERRORS, BOOTLOADER_ERRORS, OTA_ERRORS, UPDATER_ERRORS } from '@fleetward/agent';
import { CLI_ERRORS } from '@fleetward/cli';
import { FAULT_STATUS, FIRMWARE_ERRORS, PROTOCOL_ERRORS } from '@fleetward/protocol';
import { SERVER_CATALOGUES } from '@fleetward/server';

const sections = {
  protocol: PROTOCOL_ERRORS,
  'protocol: firmware': FIRMWARE_ERRORS,
  ...Object.fromEntries(Object.entries(SERVER_CATALOGUES).map(([k, v]) => [`server: ${k}`, v])),
  agent: AGENT_ERRORS,
  'agent: bootloader': BOOTLOADER_ERRORS,
  'agent: updater': UPDATER_ERRORS,
  'agent: ota': OTA_ERRORS,
  cli: CLI_ERRORS,
};

let md = `# Error catalogue

Every error Fleetward answers with has a stable code that never changes meaning. The HTTP API
answers \`{ "error": { "code": "FW_…", "message": "…" } }\` with the status below; the CLI exits
non-zero and prints the code first; the MQTT gateway maps its refusals to MQTT 5 reason codes
(see the gateway section). Generated from the catalogues (\`npm run docs:errors\`); a test fails
when this file and the code disagree.
`;
for (const [name, catalogue] of Object.entries(sections)) {
  md += `\n## ${name}\n\n| code | status | when |\n|---|---|---|\n`;
  for (const [code, spec] of Object.entries(catalogue)) {
    md += `| \`${code}\` | ${FAULT_STATUS[spec.fault]} | ${spec.summary.replace(/\|/g, '\\|')} |\n`;
  }
}
writeFileSync(new URL('../docs/errors.md', import.meta.url), md);
console.error('wrote docs/errors.md');
