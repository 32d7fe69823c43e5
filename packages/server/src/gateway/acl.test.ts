import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceAcl } from './acl.js';
import { isValidFilter, SubscriptionSet, topicMatches } from './matcher.js';

describe('DeviceAcl', () => {
  const acl = new DeviceAcl('dev-a');

  describe('publishKind', () => {
    it('allows the own data topics and command replies of an active device', () => {
      for (const kind of ['telemetry', 'metrics', 'events', 'state']) {
        assert.equal(acl.publishKind(`devices/dev-a/${kind}`, 'active'), kind);
      }
      assert.equal(acl.publishKind('devices/dev-a/commands/reboot/reply', 'active'), 'commands/reboot/reply');
    });

    it('allows an active device its OTA status reports on updates/status, and no other updates topic', () => {
      assert.equal(acl.publishKind('devices/dev-a/updates/status', 'active'), 'updates/status');
      assert.equal(acl.publishKind('devices/dev-b/updates/status', 'active'), undefined);
      assert.equal(acl.publishKind('devices/dev-a/updates/available', 'active'), undefined);
      assert.equal(acl.publishKind('devices/dev-a/updates/status/x', 'active'), undefined);
    });

    it('refuses everything else (deny by default)', () => {
      for (const topic of [
        'devices/dev-b/telemetry',
        'devices/dev-a/commands/reboot',
        'devices/dev-a/commands/+/reply',
        'devices/dev-a/commands//reply',
        'devices/dev-a/commands/a/b/reply',
        'devices/dev-a/updates/x',
        'devices/dev-a/telemetry/extra',
        'devices/dev-a',
        '$SYS/x',
        '#',
      ]) {
        assert.equal(acl.publishKind(topic, 'active'), undefined, topic);
      }
    });

    it('lets a quarantined device publish command replies and update status only (to be repaired), and revoked or retired nothing', () => {
      assert.equal(acl.publishKind('devices/dev-a/telemetry', 'quarantined'), undefined);
      for (const kind of ['metrics', 'events', 'state']) {
        assert.equal(acl.publishKind(`devices/dev-a/${kind}`, 'quarantined'), undefined, kind);
      }
      assert.equal(acl.publishKind('devices/dev-a/updates/status', 'quarantined'), 'updates/status');
      assert.equal(acl.publishKind('devices/dev-a/updates/status', 'revoked'), undefined);
      assert.equal(acl.publishKind('devices/dev-a/commands/x/reply', 'quarantined'), 'commands/x/reply');
      assert.equal(acl.publishKind('devices/dev-a/commands/x/reply', 'revoked'), undefined);
      assert.equal(acl.publishKind('devices/dev-a/telemetry', 'retired'), undefined);
    });
  });

  describe('maySubscribe', () => {
    it('allows filters within the own commands and updates trees', () => {
      for (const f of [
        'devices/dev-a/commands/#',
        'devices/dev-a/updates/+',
        'devices/dev-a/commands/reboot',
        'devices/dev-a/updates',
      ]) {
        assert.equal(acl.maySubscribe(f, 'active'), true, f);
        assert.equal(acl.maySubscribe(f, 'quarantined'), true, f);
        assert.equal(acl.maySubscribe(f, 'revoked'), false, f);
      }
    });

    it('refuses wildcards that escape the device and other devices', () => {
      for (const f of [
        '#',
        '+/#',
        '$SYS/#',
        'devices/#',
        'devices/+/commands/#',
        'devices/dev-a/#',
        'devices/dev-a/+',
        'devices/dev-b/commands/#',
        'devices/dev-a/commandsx',
        'devices/dev-a/commands/#/x',
      ]) {
        assert.equal(acl.maySubscribe(f, 'active'), false, f);
      }
    });
  });
});

describe('topic filters', () => {
  it('[MQTT-4.7.1-2] [MQTT-4.7.1-3] validates wildcard placement', () => {
    assert.equal(isValidFilter('a/+/b/#'), true);
    assert.equal(isValidFilter('a/#/b'), false);
    assert.equal(isValidFilter('a/b#'), false);
    assert.equal(isValidFilter('a/b+'), false);
    assert.equal(isValidFilter(''), false);
  });

  it('[MQTT-4.7.2-1] matches levels, multi-level parents, and never $ topics with leading wildcards', () => {
    assert.equal(topicMatches('a/+/c', 'a/b/c'), true);
    assert.equal(topicMatches('a/#', 'a'), true);
    assert.equal(topicMatches('a/#', 'a/b/c'), true);
    assert.equal(topicMatches('a/+', 'a/b/c'), false);
    assert.equal(topicMatches('#', '$SYS/x'), false);
    assert.equal(topicMatches('+/x', '$SYS/x'), false);
  });

  it('SubscriptionSet returns the highest granted QoS and drops what a narrower ACL refuses', () => {
    const set = new SubscriptionSet();
    set.add('a/#', 0);
    set.add('a/b', 1);
    assert.equal(set.match('a/b'), 1);
    assert.equal(set.match('a/c'), 0);
    assert.equal(set.match('z'), -1);
    assert.deepEqual(
      set.retain((f) => f !== 'a/b'),
      ['a/b'],
    );
    assert.equal(set.match('a/b'), 0);
  });
});
