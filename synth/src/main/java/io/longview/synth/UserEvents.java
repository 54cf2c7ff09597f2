package io.longview.synth;

import io.longview.core.model.Event;

import java.util.Arrays;

/**
 * One simulated user's events in time order (ties keep generation order: a request's impressions in slot order),
 * columnar, with the generator's annotations that the event log does not carry: which events are organic, which
 * are impressions and which are feed outcomes, the request each impression or outcome belongs to, the slot kind of
 * each impression and its outcome.
 *
 * <pre>
 * timestamp  long[n]   epoch ms, non-decreasing
 * item       long[n]
 * action     byte[n]   one Actions bit
 * surface    byte[n]
 * kind       byte[n]   ORGANIC | IMPRESSION | OUTCOME
 * request    int[n]    request index within the user (0, 1, …), −1 for organic events
 * slot       byte[n]   for impressions: SLOT_DORMANT | SLOT_CORE | SLOT_SESSION | SLOT_RANDOM; else −1
 * outcome    byte[n]   for impressions: the OR of the outcome actions on it (0 = not engaged); else 0
 * </pre>
 */
public final class UserEvents {
    public static final byte ORGANIC = 0;
    public static final byte IMPRESSION = 1;
    public static final byte OUTCOME = 2;

    public static final byte SLOT_DORMANT = 0;
    public static final byte SLOT_CORE = 1;
    public static final byte SLOT_SESSION = 2;
    public static final byte SLOT_RANDOM = 3;

    private final long userId;
    private final long[] timestamp;
    private final long[] item;
    private final byte[] action;
    private final byte[] surface;
    private final byte[] kind;
    private final int[] request;
    private final byte[] slot;
    private final byte[] outcome;
    private final int requests;

    UserEvents(long userId, long[] timestamp, long[] item, byte[] action, byte[] surface, byte[] kind, int[] request,
               byte[] slot, byte[] outcome, int requests) {
        this.userId = userId;
        this.timestamp = timestamp;
        this.item = item;
        this.action = action;
        this.surface = surface;
        this.kind = kind;
        this.request = request;
        this.slot = slot;
        this.outcome = outcome;
        this.requests = requests;
    }

    public long userId() {
        return userId;
    }

    public int size() {
        return timestamp.length;
    }

    /** Number of feed requests. */
    public int requests() {
        return requests;
    }

    public long timestamp(int i) {
        return timestamp[i];
    }

    public long itemId(int i) {
        return item[i];
    }

    public byte action(int i) {
        return action[i];
    }

    public byte surface(int i) {
        return surface[i];
    }

    public byte kind(int i) {
        return kind[i];
    }

    public int request(int i) {
        return request[i];
    }

    public byte slot(int i) {
        return slot[i];
    }

    public byte outcome(int i) {
        return outcome[i];
    }

    /** Event {@code i} as an event-log row (validated by {@link Event}'s constructor). */
    public Event event(int i) {
        return new Event(userId, item[i], timestamp[i], action[i], surface[i]);
    }

    /** Appends events while simulating, then sorts them into time order. Not thread-safe. */
    static final class Builder {
        private final long userId;
        private long[] timestamp = new long[256];
        private long[] item = new long[256];
        private byte[] action = new byte[256];
        private byte[] surface = new byte[256];
        private byte[] kind = new byte[256];
        private int[] request = new int[256];
        private byte[] slot = new byte[256];
        private byte[] outcome = new byte[256];
        private int n;
        private int requests;

        Builder(long userId) {
            this.userId = userId;
        }

        int size() {
            return n;
        }

        /** Appends one event; returns its index (stable until {@link #build}). */
        int add(long ts, long itemId, byte act, int surf, byte k, int req, byte slotKind) {
            if (n == timestamp.length) {
                int cap = n * 2;
                timestamp = Arrays.copyOf(timestamp, cap);
                item = Arrays.copyOf(item, cap);
                action = Arrays.copyOf(action, cap);
                surface = Arrays.copyOf(surface, cap);
                kind = Arrays.copyOf(kind, cap);
                request = Arrays.copyOf(request, cap);
                slot = Arrays.copyOf(slot, cap);
                outcome = Arrays.copyOf(outcome, cap);
            }
            timestamp[n] = ts;
            item[n] = itemId;
            action[n] = act;
            surface[n] = (byte) surf;
            kind[n] = k;
            request[n] = req;
            slot[n] = slotKind;
            return n++;
        }

        /** Records an outcome action on the impression at {@code index}. */
        void markOutcome(int index, byte act) {
            outcome[index] |= act;
        }

        int newRequest() {
            return requests++;
        }

        /**
         * Sorts by (timestamp, insertion index) and freezes. Timestamps are packed as offsets from {@code originMs}
         * into the high bits of one long key, the insertion index into the low {@value #INDEX_BITS} bits.
         */
        UserEvents build(long originMs) {
            if (n >= 1 << INDEX_BITS) {
                throw new IllegalStateException("user " + userId + " has " + n + " events, more than the generator supports ("
                        + (1 << INDEX_BITS) + "); lower Activity.maxActions");
            }
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                long off = timestamp[i] - originMs;
                assert off >= 0 && off < 1L << (63 - INDEX_BITS) : off;
                keys[i] = off << INDEX_BITS | i;
            }
            Arrays.sort(keys);
            long[] ts = new long[n];
            long[] it = new long[n];
            byte[] ac = new byte[n];
            byte[] su = new byte[n];
            byte[] ki = new byte[n];
            int[] rq = new int[n];
            byte[] sl = new byte[n];
            byte[] oc = new byte[n];
            for (int j = 0; j < n; j++) {
                int i = (int) (keys[j] & ((1 << INDEX_BITS) - 1));
                ts[j] = timestamp[i];
                it[j] = item[i];
                ac[j] = action[i];
                su[j] = surface[i];
                ki[j] = kind[i];
                rq[j] = request[i];
                sl[j] = slot[i];
                oc[j] = outcome[i];
            }
            return new UserEvents(userId, ts, it, ac, su, ki, rq, sl, oc, requests);
        }

        /** 24 bits of index leave 39 bits of millisecond offset: 17 years. */
        static final int INDEX_BITS = 24;
    }
}
