// Window definitions (Kafka's TimeWindows, SlidingWindows, SessionWindows, JoinWindows) and
// the windowed key serde. Windows are aligned to the epoch; a record belongs to every window
// whose [start, end) holds its timestamp. A window closes when stream time passes its end plus
// the grace period; records arriving for a closed window are dropped as late.
import type { Serde } from '../serdes.js';
import type { Windowed } from '../state/window-store.js';

export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    if (sizeMs <= 0) throw new Error('window size must be larger than zero');
    if (graceMs < 0) throw new Error('grace period must not be negative');
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Makes hopping windows: a new window every advanceMs. */
  advanceBy(advanceMs: number): TimeWindows {
    if (advanceMs <= 0 || advanceMs > this.sizeMs)
      throw new Error('the advance must be larger than zero and at most the window size');
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** Start times of the windows that hold timestamp t. */
  windowsFor(t: number): { startMs: number; endMs: number }[] {
    const out: { startMs: number; endMs: number }[] = [];
    let start = t - (t % this.advanceMs);
    while (start > t - this.sizeMs && start >= 0) {
      out.push({ startMs: start, endMs: start + this.sizeMs });
      start -= this.advanceMs;
    }
    return out.reverse();
  }
}

/**
 * Session windows (Kafka's SessionWindows): records of a key less than the inactivity gap apart
 * belong to one session; a record that bridges two sessions merges them. Sessions are
 * [first record, last record], both ends inclusive.
 */
export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    if (inactivityGapMs <= 0) throw new Error('the inactivity gap must be larger than zero');
    if (graceMs < 0) throw new Error('grace period must not be negative');
    return new SessionWindows(inactivityGapMs, graceMs);
  }
}

/**
 * Sliding windows (Kafka's SlidingWindows, KIP-450): windows of a fixed time difference whose
 * ends are both inclusive, defined by the records: each record makes a window ending at its
 * timestamp and, when a later record falls in it, one starting just after it. So every
 * distinct set of records that fit in the time difference is aggregated exactly once.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    if (timeDifferenceMs <= 0) throw new Error('the time difference must be larger than zero');
    if (graceMs < 0) throw new Error('grace period must not be negative');
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }
}

/** Stream-stream join windows: records join when their timestamps differ by at most timeDifferenceMs. */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs);
  }
}

/** Kafka's TimeWindowedSerde: the inner key's bytes followed by the 8-byte window start. */
export const WindowedSerdes = {
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    return {
      serialize: (topic, w) => {
        if (w === null) return null;
        const k = inner.serialize(topic, w.key) ?? Buffer.alloc(0);
        const b = Buffer.alloc(k.length + 8);
        k.copy(b);
        b.writeBigInt64BE(BigInt(w.window.startMs), k.length);
        return b;
      },
      deserialize: (topic, b) => {
        if (b === null) return null;
        const startMs = Number(b.readBigInt64BE(b.length - 8));
        return {
          key: inner.deserialize(topic, b.subarray(0, b.length - 8)) as K,
          window: { startMs, endMs: startMs + windowSizeMs },
        };
      },
    };
  },

  /** Kafka's SessionWindowedSerde: the inner key's bytes, then the 8-byte end and start. */
  sessionWindowedSerdeFrom<K>(inner: Serde<K>): Serde<Windowed<K>> {
    return {
      serialize: (topic, w) => {
        if (w === null) return null;
        const k = inner.serialize(topic, w.key) ?? Buffer.alloc(0);
        const b = Buffer.alloc(k.length + 16);
        k.copy(b);
        b.writeBigInt64BE(BigInt(w.window.endMs), k.length);
        b.writeBigInt64BE(BigInt(w.window.startMs), k.length + 8);
        return b;
      },
      deserialize: (topic, b) => {
        if (b === null) return null;
        return {
          key: inner.deserialize(topic, b.subarray(0, b.length - 16)) as K,
          window: {
            startMs: Number(b.readBigInt64BE(b.length - 8)),
            endMs: Number(b.readBigInt64BE(b.length - 16)),
          },
        };
      },
    };
  },
};

/** A value with the largest timestamp that went into it (Kafka's ValueAndTimestamp). */
export interface ValueAndTimestamp<V> {
  value: V;
  timestamp: number;
}

/** Kafka's timestamped store layout: the 8-byte timestamp, then the value's bytes. */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize: (topic, v) => {
      if (v === null) return null;
      const value = inner.serialize(topic, v.value) ?? Buffer.alloc(0);
      const b = Buffer.alloc(8 + value.length);
      b.writeBigInt64BE(BigInt(v.timestamp), 0);
      value.copy(b, 8);
      return b;
    },
    deserialize: (topic, b) =>
      b === null
        ? null
        : {
            timestamp: Number(b.readBigInt64BE(0)),
            value: inner.deserialize(topic, b.subarray(8)) as V,
          },
  };
}
