package io.longview.examples;

/**
 * Sorts events held column by column without boxing: a stable merge sort of an index permutation, then each column
 * gathered through it. The key is (user hash, time, item, action, surface), the whole of an event but its user id,
 * which the hash determines, so equal keys are identical events and the order is the same for any input order.
 */
final class EventOrder {
    private static final int INSERTION_MAX = 24;

    private EventOrder() {
    }

    /**
     * The permutation that sorts the events ascending by key; {@code hashes} must already be in signed-comparable form.
     */
    static int[] sort(long[] hashes, long[] times, long[] items, byte[] actions, byte[] surfaces) {
        int n = hashes.length;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        Key key = new Key(hashes, times, items, actions, surfaces);
        mergeSort(a, tmp, 0, n, key);
        return a;
    }

    private record Key(long[] hashes, long[] times, long[] items, byte[] actions, byte[] surfaces) {
        int compare(int x, int y) {
            int c = Long.compare(hashes[x], hashes[y]);
            if (c != 0) {
                return c;
            }
            c = Long.compare(times[x], times[y]);
            if (c != 0) {
                return c;
            }
            c = Long.compare(items[x], items[y]);
            if (c != 0) {
                return c;
            }
            c = Byte.compare(actions[x], actions[y]);
            return c != 0 ? c : Byte.compare(surfaces[x], surfaces[y]);
        }
    }

    private static void mergeSort(int[] a, int[] tmp, int from, int to, Key key) {
        if (to - from <= INSERTION_MAX) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && key.compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid, key);
        mergeSort(a, tmp, mid, to, key);
        if (key.compare(a[mid - 1], a[mid]) <= 0) {
            return; // already in order (common: logs mostly arrive in time order)
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from, j = mid, w = from;
        while (i < mid && j < to) {
            a[w++] = key.compare(tmp[j], tmp[i]) < 0 ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            a[w++] = tmp[i++];
        }
        while (j < to) {
            a[w++] = tmp[j++];
        }
    }

    static long[] gather(long[] col, int[] order) {
        long[] out = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }

    static byte[] gather(byte[] col, int[] order) {
        byte[] out = new byte[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }
}
