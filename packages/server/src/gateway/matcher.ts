/**
 * Topic filters and matching. MQTT 3.1.1 §4.7 / MQTT 5.0 §4.7.
 */

/** [MQTT-4.7.1-2] `#` only as the last, whole level; [MQTT-4.7.1-3] `+` only as a whole level. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false; // [MQTT-4.7.3-1] [MQTT-4.7.3-2]
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

/** [MQTT-3.3.2-2] a topic name has no wildcard; [MQTT-4.7.3-1] it is not empty. */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#') && !topic.includes('\u0000');
}

/** True when `topic` matches `filter`. [MQTT-4.7.2-1] wildcards at the first level never match `$` topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true; // also matches the parent level (§4.7.1.2)
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The subscriptions of one connection: filter → granted QoS. */
export class SubscriptionSet {
  readonly #filters = new Map<string, 0 | 1>();

  get size(): number {
    return this.#filters.size;
  }

  has(filter: string): boolean {
    return this.#filters.has(filter);
  }

  add(filter: string, qos: 0 | 1): void {
    this.#filters.set(filter, qos);
  }

  delete(filter: string): boolean {
    return this.#filters.delete(filter);
  }

  /** Highest granted QoS of the filters matching `topic`, or -1 when none matches. */
  match(topic: string): -1 | 0 | 1 {
    let best: -1 | 0 | 1 = -1;
    for (const [filter, qos] of this.#filters) {
      if (qos > best && topicMatches(filter, topic)) best = qos;
    }
    return best;
  }

  /** Drops the filters `keep` refuses; returns them. */
  retain(keep: (filter: string) => boolean): string[] {
    const dropped: string[] = [];
    for (const filter of this.#filters.keys()) {
      if (!keep(filter)) {
        this.#filters.delete(filter);
        dropped.push(filter);
      }
    }
    return dropped;
  }
}
