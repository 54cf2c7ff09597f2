package io.longview.core.model;

/**
 * One row of the event log (DESIGN §1): a user did {@code action} on {@code itemId} at {@code timestampMs} on
 * {@code surface}. Exactly one action bit per event; several events fold into one {@link Token}.
 *
 * @param userId      user identity
 * @param itemId      item identity
 * @param timestampMs epoch milliseconds, within {@link #MIN_TIMESTAMP_MS} .. {@link #MAX_TIMESTAMP_MS}
 * @param action      a single bit of {@link Actions}
 * @param surface     in [0, 16)
 */
public record Event(long userId, long itemId, long timestampMs, byte action, byte surface) {
    /** 1995-01-01T00:00:00Z: older timestamps are taken for a unit mistake (seconds instead of milliseconds). */
    public static final long MIN_TIMESTAMP_MS = 788_918_400_000L;
    /** 2100-01-01T00:00:00Z. */
    public static final long MAX_TIMESTAMP_MS = 4_102_444_800_000L;

    public Event {
        checkTimestamp(timestampMs);
        if (Integer.bitCount(action & 0xff) != 1 || (action & ~Actions.ALL_MASK) != 0) {
            throw new IllegalArgumentException("event action must be one action bit, got " + action);
        }
        Surfaces.check(surface);
    }

    /** Convenience constructor taking ints. */
    public static Event of(long userId, long itemId, long timestampMs, int action, int surface) {
        return new Event(userId, itemId, timestampMs, (byte) action, (byte) surface);
    }

    /** Checks the range of an event timestamp, naming the value and the accepted range. */
    public static long checkTimestamp(long timestampMs) {
        if (timestampMs < MIN_TIMESTAMP_MS || timestampMs >= MAX_TIMESTAMP_MS) {
            throw new IllegalArgumentException("timestamp " + timestampMs + " ms out of range [" + MIN_TIMESTAMP_MS
                    + " (1995-01-01), " + MAX_TIMESTAMP_MS + " (2100-01-01)); timestamps are epoch milliseconds");
        }
        return timestampMs;
    }

    @Override
    public String toString() {
        return "Event[user=" + userId + ", item=" + itemId + ", ts=" + timestampMs + ", " + Actions.format(action)
                + ", surface=" + Surfaces.name(surface) + "]";
    }
}
