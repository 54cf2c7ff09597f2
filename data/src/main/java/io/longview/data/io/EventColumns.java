package io.longview.data.io;

import io.longview.core.model.Event;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A whole event log in memory as columns (26 bytes an event, twice that while sorting), for the importers that must group a log by user
 * before they can write it ({@link RequestMode#SESSIONS}).
 */
final class EventColumns {
    private long[] users = new long[1024];
    private long[] items = new long[1024];
    private long[] times = new long[1024];
    private byte[] actions = new byte[1024];
    private byte[] surfaces = new byte[1024];
    private int size;

    void add(Event e) {
        if (size == users.length) {
            if (size == Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("more than " + size + " events: too many to group by user in memory");
            }
            int cap = (int) Math.min(Integer.MAX_VALUE - 8L, size * 2L);
            users = Arrays.copyOf(users, cap);
            items = Arrays.copyOf(items, cap);
            times = Arrays.copyOf(times, cap);
            actions = Arrays.copyOf(actions, cap);
            surfaces = Arrays.copyOf(surfaces, cap);
        }
        users[size] = e.userId();
        items[size] = e.itemId();
        times[size] = e.timestampMs();
        actions[size] = e.action();
        surfaces[size] = e.surface();
        size++;
    }

    int size() {
        return size;
    }

    /**
     * Sorts the events by (user, timestamp, item, action) and hands each user's events to {@code requests}, in
     * ascending user order.
     */
    void emitSessions(SessionRequests requests, Consumer<Event> sink) {
        Integer[] boxed = new Integer[size];
        for (int i = 0; i < size; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (x, y) -> {
            int c = Long.compare(users[x], users[y]);
            if (c == 0) {
                c = Long.compare(times[x], times[y]);
            }
            if (c == 0) {
                c = Long.compare(items[x], items[y]);
            }
            return c != 0 ? c : Byte.compare(actions[x], actions[y]);
        });
        long[] it = new long[64];
        long[] ts = new long[64];
        byte[] ac = new byte[64];
        byte[] su = new byte[64];
        int from = 0;
        while (from < size) {
            long user = users[boxed[from]];
            int to = from;
            while (to < size && users[boxed[to]] == user) {
                to++;
            }
            int n = to - from;
            if (n > it.length) {
                it = new long[n];
                ts = new long[n];
                ac = new byte[n];
                su = new byte[n];
            }
            for (int i = 0; i < n; i++) {
                int j = boxed[from + i];
                it[i] = items[j];
                ts[i] = times[j];
                ac[i] = actions[j];
                su[i] = surfaces[j];
            }
            long[] touched = Arrays.copyOf(it, n);
            Arrays.sort(touched);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (k == 0 || touched[i] != touched[k - 1]) {
                    touched[k++] = touched[i];
                }
            }
            requests.emitUser(user, it, ts, ac, su, n, Arrays.copyOf(touched, k), sink);
            from = to;
        }
    }
}
