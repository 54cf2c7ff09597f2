package io.longview.core.eval;

import java.util.Arrays;

/**
 * Example indices grouped by a key (user or request id): group {@code g} is
 * {@code order[starts[g] .. starts[g+1])}, groups in ascending key order, and within a group the indices ascend.
 * Built in {@code O(n log n)} without boxing: sort a copy of the keys, number the distinct keys, then a stable
 * counting sort of the indices by that number.
 *
 * @param order  the example indices, grouped
 * @param starts {@code groups + 1} offsets into {@code order}
 */
record GroupOrder(int[] order, int[] starts) {

    static GroupOrder byKey(long[] keys) {
        int n = keys.length;
        if (ascending(keys)) { // the common case of examples stored request by request: O(n)
            int m = 0;
            int[] starts = new int[n + 1];
            for (int i = 0; i < n; i++) {
                if (i == 0 || keys[i] != keys[i - 1]) {
                    starts[m++] = i;
                }
            }
            starts[m] = n;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            return new GroupOrder(order, Arrays.copyOf(starts, m + 1));
        }
        long[] distinct = keys.clone();
        Arrays.sort(distinct);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || distinct[i] != distinct[m - 1]) {
                distinct[m++] = distinct[i];
            }
        }
        int[] group = new int[n];
        int[] starts = new int[m + 1];
        for (int i = 0; i < n; i++) {
            group[i] = Arrays.binarySearch(distinct, 0, m, keys[i]);
            starts[group[i] + 1]++;
        }
        for (int g = 0; g < m; g++) {
            starts[g + 1] += starts[g];
        }
        int[] next = Arrays.copyOf(starts, m);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) { // ascending i: stable within each group
            order[next[group[i]]++] = i;
        }
        return new GroupOrder(order, starts);
    }

    private static boolean ascending(long[] keys) {
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] < keys[i - 1]) {
                return false;
            }
        }
        return true;
    }

    int groups() {
        return starts.length - 1;
    }
}
