package io.longview.data.io;

import java.util.Arrays;

/**
 * A set of longs with open addressing: about 16 bytes per element instead of the ~60 of a {@code HashSet<Long>}, for
 * the distinct-user and distinct-item counts of large event logs. Not thread-safe.
 */
public final class LongHashSet {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] slots;
    private boolean hasEmptyValue;
    private int size;

    public LongHashSet() {
        this(16);
    }

    public LongHashSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
        slots = new long[cap];
        Arrays.fill(slots, EMPTY);
    }

    /** Adds {@code v}; true when it was not there before. */
    public boolean add(long v) {
        if (v == EMPTY) {
            boolean added = !hasEmptyValue;
            hasEmptyValue = true;
            if (added) {
                size++;
            }
            return added;
        }
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == v) {
                return false;
            }
            if (s == EMPTY) {
                slots[i] = v;
                size++;
                return true;
            }
        }
    }

    public boolean contains(long v) {
        if (v == EMPTY) {
            return hasEmptyValue;
        }
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == v) {
                return true;
            }
            if (s == EMPTY) {
                return false;
            }
        }
    }

    public int size() {
        return size;
    }

    /** The elements in ascending order. */
    public long[] toSortedArray() {
        long[] out = new long[size];
        int n = 0;
        if (hasEmptyValue) {
            out[n++] = EMPTY;
        }
        for (long s : slots) {
            if (s != EMPTY) {
                out[n++] = s;
            }
        }
        Arrays.sort(out);
        return out;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.fill(slots, EMPTY);
        int mask = slots.length - 1;
        for (long v : old) {
            if (v != EMPTY) {
                int i = mix(v) & mask;
                while (slots[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[i] = v;
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
