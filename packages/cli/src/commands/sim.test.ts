import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultMqttUrl, parseRate } from './sim.js';

describe('fleetward sim options', () => {
  it('reads --rate as messages per second per device, or as an interval with a unit', () => {
    assert.equal(parseRate('1'), 1000);
    assert.equal(parseRate('0.1'), 10_000);
    assert.equal(parseRate('10s'), 10_000);
    assert.equal(parseRate('500ms'), 500);
  });

  it('refuses rates it cannot honour with FW_CLI_USAGE', () => {
    for (const bad of ['0', '1000', '5ms', 'fast']) {
      assert.throws(() => parseRate(bad), { code: 'FW_CLI_USAGE' }, bad);
    }
  });

  it('defaults the gateway to port 8883 on the server host', () => {
    assert.equal(defaultMqttUrl('https://127.0.0.1:8443'), 'mqtts://127.0.0.1:8883');
    assert.equal(defaultMqttUrl('https://fleet.example:443'), 'mqtts://fleet.example:8883');
  });
});
