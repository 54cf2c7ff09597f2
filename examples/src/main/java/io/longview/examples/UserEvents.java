package io.longview.examples;

import io.longview.core.model.Event;

/**
 * All events of one user, sorted by (time, item, action, surface): a read-only view over the columns of a loaded
 * shard. What the builder hands to a {@link HistoryProvider} and reads requests and labels from.
 */
public final class UserEvents {
    private final long userId;
    private final long[] items;
    private final long[] times;
    private final byte[] actions;
    private final byte[] surfaces;
    private final int from;
    private final int size;

    UserEvents(long userId, long[] items, long[] times, byte[] actions, byte[] surfaces, int from, int to) {
        this.userId = userId;
        this.items = items;
        this.times = times;
        this.actions = actions;
        this.surfaces = surfaces;
        this.from = from;
        this.size = to - from;
    }

    /**
     * The events of one user given in any order (sorted here; they must all be of {@code userId}): for tests and for
     * callers that hold one user's events already.
     */
    public static UserEvents of(long userId, java.util.List<Event> events) {
        int n = events.size();
        long[] hashes = new long[n];
        long[] items = new long[n];
        long[] times = new long[n];
        byte[] actions = new byte[n];
        byte[] surfaces = new byte[n];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            if (e.userId() != userId) {
                throw new IllegalArgumentException("event of user " + e.userId() + " among the events of user " + userId);
            }
            items[i] = e.itemId();
            times[i] = e.timestampMs();
            actions[i] = e.action();
            surfaces[i] = e.surface();
        }
        int[] order = EventOrder.sort(hashes, times, items, actions, surfaces);
        return new UserEvents(userId, EventOrder.gather(items, order), EventOrder.gather(times, order),
                EventOrder.gather(actions, order), EventOrder.gather(surfaces, order), 0, n);
    }

    public long userId() {
        return userId;
    }

    public int size() {
        return size;
    }

    public long timestampMs(int i) {
        return times[from + check(i)];
    }

    public long itemId(int i) {
        return items[from + check(i)];
    }

    /** The event's single action bit. */
    public byte action(int i) {
        return actions[from + check(i)];
    }

    public byte surface(int i) {
        return surfaces[from + check(i)];
    }

    public Event event(int i) {
        return new Event(userId, itemId(i), timestampMs(i), action(i), surface(i));
    }

    /** The index of the first event at or after {@code timeMs} ({@link #size()} if none). */
    public int firstAtOrAfter(long timeMs) {
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[from + mid] < timeMs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("event " + i + " of " + size);
        }
        return i;
    }
}
