import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CATALOGS, type ModelCatalog } from '../catalog/index.js';
import { buildLabel, renderHtml, renderMarkdown } from './index.js';

const thermostat = BUILTIN_CATALOGS.find((c) => c.model === 'thermostat')!;

describe('plain-language notice and two-layer label (ETSI EN 303 645 6-1)', () => {
  it('puts updates, sensors, data, purposes, retention and sharing in the primary layer', () => {
    const l = buildLabel(thermostat);
    assert.equal(l.primary.securityUpdatesUntil, 'not declared by the maker');
    assert.deepEqual(l.primary.sensors, ['temperature', 'humidity']);
    assert.equal(l.primary.retention, '30 days to 90 days');
    assert.deepEqual(l.primary.sharedWith, ['nobody beyond the operator of this platform']);
    assert.ok(l.primary.purposes.includes('to make the device work'));
    assert.deepEqual(
      l.secondary.map((r) => r.field),
      ['temperature', 'humidity', 'setpoint', 'heating', 'uptime_s', 'seq'],
    );
  });

  it('renders Markdown and HTML, escaping everything that came from a declared catalog', () => {
    const evil: ModelCatalog = { ...thermostat, title: '<script>alert(1)</script>', recipients: ['"A&B"'] };
    const html = renderHtml(buildLabel(evil));
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /&quot;A&amp;B&quot;/);
    const md = renderMarkdown(buildLabel(thermostat));
    assert.match(md, /^# Privacy notice: Home thermostat \(`thermostat`, version 1\)/);
    assert.match(md, /\| temperature: Room temperature, to run the heating\. \(°C\) \| user\.device\.telemetry \|/);
  });
});
