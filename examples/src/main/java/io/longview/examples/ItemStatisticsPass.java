package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserHistory;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The builder's global pass for point-in-time item statistics ({@code --item-features stats}): item statistics are
 * over all users, while the example builder replays one user at a time, so they are computed here, apart, and written
 * to the {@link ItemFeatureFile} that the trainer joins by (request id, item id).
 *
 * <p>Events are collected as columns ({@link #add}, 26 bytes each), then sorted by (item, time, user, action). Each
 * item's events are walked in time order through one core {@link ItemStatistics}: at each distinct time {@code t},
 * every impression event of a user at {@code t} (a candidate of that user's request at {@code t}) gets the features at
 * {@code t} <b>before</b> the events at {@code t} are counted, so it sees exactly the events strictly before its request.
 * Which events count ({@link ItemStatistics}: what counts) comes from a first pass that replays each user's events in
 * the builder's order through core {@link UserHistory}, the semantics the store follows on ingest.
 */
final class ItemStatisticsPass {
    private final SequenceLimits limits;
    private long[] users = new long[1024];
    private long[] items = new long[1024];
    private long[] times = new long[1024];
    private byte[] actions = new byte[1024];
    private byte[] surfaces = new byte[1024];
    private int n;

    ItemStatisticsPass(SequenceLimits limits) {
        this.limits = limits;
    }

    void add(Event e) {
        if (n == users.length) {
            int cap = Math.max(1024, (int) Math.min(Integer.MAX_VALUE - 8, users.length * 2L));
            if (cap == n) {
                throw new IllegalStateException("more than " + n + " events: too many for --item-features stats in one build");
            }
            users = Arrays.copyOf(users, cap);
            items = Arrays.copyOf(items, cap);
            times = Arrays.copyOf(times, cap);
            actions = Arrays.copyOf(actions, cap);
            surfaces = Arrays.copyOf(surfaces, cap);
        }
        users[n] = e.userId();
        items[n] = e.itemId();
        times[n] = e.timestampMs();
        actions[n] = e.action();
        surfaces[n] = e.surface();
        n++;
    }

    /** Computes every impression's features and writes the item feature file; returns its rows. */
    int writeTo(Path file) {
        long[] u = Arrays.copyOf(users, n);
        long[] it = Arrays.copyOf(items, n);
        long[] ts = Arrays.copyOf(times, n);
        byte[] ac = Arrays.copyOf(actions, n);
        byte[] sf = Arrays.copyOf(surfaces, n);
        users = items = times = null;
        actions = surfaces = null;
        // 1. which events count: each user's events in the replay's order (time, item, action, surface) through core
        //    UserHistory, the reference semantics the store follows on append
        int[] order = EventOrder.sort(u, ts, it, ac, sf);
        u = EventOrder.gather(u, order);
        it = EventOrder.gather(it, order);
        ts = EventOrder.gather(ts, order);
        ac = EventOrder.gather(ac, order);
        sf = EventOrder.gather(sf, order);
        boolean[] counts = new boolean[n];
        byte[] noEmbedding = new byte[io.longview.core.model.Token.EMBEDDING_DIM]; // counting needs no embedding
        for (int from = 0; from < n; ) {
            int to = from;
            while (to < n && u[to] == u[from]) {
                to++;
            }
            UserHistory h = new UserHistory(u[from], limits);
            for (int i = from; i < to; i++) {
                h.apply(new Event(u[i], it[i], ts[i], ac[i], sf[i]), noEmbedding, 0);
                counts[i] = h.lastApplyCounted();
            }
            from = to;
        }
        sf = null;
        // 2. per item in time order (then user, action): candidates first, then the counted events at that time
        order = EventOrder.sort(it, ts, u, ac, counts(counts));
        u = EventOrder.gather(u, order);
        it = EventOrder.gather(it, order);
        ts = EventOrder.gather(ts, order);
        ac = EventOrder.gather(ac, order);
        byte[] cnt = EventOrder.gather(counts(counts), order);
        order = null;
        int f = ItemStatistics.DIM;
        int rows = 0;
        for (int i = 0; i < n; i++) {
            if (ac[i] == Actions.IMPRESSION) {
                rows++;
            }
        }
        long[] rowReq = new long[rows];
        long[] rowItem = new long[rows];
        float[] rowValues = new float[rows * f];
        int r = 0;
        for (int from = 0; from < n; ) {
            long item = it[from];
            int to = from;
            while (to < n && it[to] == item) {
                to++;
            }
            ItemStatistics stats = new ItemStatistics();
            for (int a = from; a < to; ) {
                long t = ts[a];
                int b = a;
                while (b < to && ts[b] == t) {
                    b++;
                }
                for (int k = a; k < b; k++) { // the candidates at t see the events before t
                    if (ac[k] == Actions.IMPRESSION && (k == a || u[k] != u[k - 1] || ac[k - 1] != Actions.IMPRESSION)) {
                        rowReq[r] = ExampleBuilder.requestId(u[k], t);
                        rowItem[r] = item;
                        stats.writeFeatures(t, rowValues, r * f);
                        r++;
                    }
                }
                for (int k = a; k < b; k++) {
                    if (cnt[k] != 0) {
                        stats.add(ac[k], t);
                    }
                }
                a = b;
            }
            from = to;
        }
        // rows in (requestId, itemId) order: the same boxing-free sort, keyed (requestId, itemId)
        int[] byKey = EventOrder.sort(Arrays.copyOf(rowReq, r), Arrays.copyOf(rowItem, r), new long[r], new byte[r], new byte[r]);
        long[] req = EventOrder.gather(Arrays.copyOf(rowReq, r), byKey);
        long[] itm = EventOrder.gather(Arrays.copyOf(rowItem, r), byKey);
        float[] vals = new float[r * f];
        for (int i = 0; i < r; i++) {
            System.arraycopy(rowValues, byKey[i] * f, vals, i * f, f);
        }
        ItemFeatureFile.write(file, ItemStatistics.FEATURE_NAMES, req, itm, vals, r);
        return r;
    }

    private static byte[] counts(boolean[] c) {
        byte[] b = new byte[c.length];
        for (int i = 0; i < c.length; i++) {
            b[i] = (byte) (c[i] ? 1 : 0);
        }
        return b;
    }
}
