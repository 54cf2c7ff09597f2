package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Shared fixtures of the store tests: a deterministic item catalog, random event logs, and the reference replay. */
final class StoreTesting {
    /** A fold-window boundary (10 min) in 2023. */
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 600_000L;
    static final int D = Token.EMBEDDING_DIM;

    private StoreTesting() {
    }

    /** The catalog embedding of an item: a fixed function of its id, values in about [-0.9, 0.9]. */
    static float[] embedding(long item) {
        SplittableRandom r = new SplittableRandom(item * 0x9E37_79B9_7F4A_7C15L + 17);
        float[] e = new float[D];
        for (int d = 0; d < D; d++) {
            e[d] = (float) (r.nextDouble() * 1.8 - 0.9);
        }
        return e;
    }

    /** Puts items {@code [from, to)} into the catalog. */
    static void putItems(ItemCatalog catalog, long from, long to) {
        int n = (int) (to - from);
        long[] ids = new long[n];
        float[] flat = new float[n * D];
        for (int k = 0; k < n; k++) {
            ids[k] = from + k;
            System.arraycopy(embedding(from + k), 0, flat, k * D, D);
        }
        catalog.putAll(ids, flat);
    }

    /**
     * The reference: each user's {@link UserHistory} after the events in the given order, with embeddings quantized
     * from {@link #embedding} (the catalog the tests put).
     */
    static Map<Long, UserSequences> replay(List<Event> events, SequenceLimits limits, Quantizer quantizer) {
        Map<Long, UserHistory> histories = new LinkedHashMap<>();
        for (Event e : events) {
            histories.computeIfAbsent(e.userId(), u -> new UserHistory(u, limits)).apply(e, quantizer.quantize(embedding(e.itemId())), 0);
        }
        Map<Long, UserSequences> out = new TreeMap<>();
        histories.forEach((u, h) -> out.put(u, h.snapshot()));
        return out;
    }

    /**
     * A random event log that exercises every rule: few items per user (so folding and repeats are common), events
     * within and across fold windows, impressions engaged later, exact duplicates.
     *
     * @param spanMs the events' timestamps lie in {@code [T0, T0 + spanMs)}
     */
    static List<Event> randomEvents(SplittableRandom rng, long[] users, int items, int count, long spanMs) {
        int[] actions = {Actions.CLICK, Actions.SAVE, Actions.HIDE, Actions.IMPRESSION, Actions.IMPRESSION, Actions.IMPRESSION};
        List<Event> events = new ArrayList<>(count);
        while (events.size() < count) {
            double p = rng.nextDouble();
            if (p < 0.1 && !events.isEmpty()) { // an exact duplicate of an earlier event
                events.add(events.get(rng.nextInt(events.size())));
            } else if (p < 0.3 && !events.isEmpty()) { // an engagement or re-action close to an earlier event
                Event prior = events.get(rng.nextInt(events.size()));
                long ts = Math.max(T0, prior.timestampMs() + rng.nextLong(-120_000, 240_000));
                events.add(Event.of(prior.userId(), prior.itemId(), ts, actions[rng.nextInt(3)], rng.nextInt(3)));
            } else {
                long user = users[rng.nextInt(users.length)];
                // some timestamps share a millisecond, to exercise the (timestamp, itemId) order and the surface rule
                long ts = rng.nextDouble() < 0.1 ? T0 + 1_000 * rng.nextLong(spanMs / 1_000) : T0 + rng.nextLong(spanMs);
                events.add(Event.of(user, rng.nextInt(items), ts, actions[rng.nextInt(actions.length)], rng.nextInt(4)));
            }
        }
        return events;
    }

    /** Splits a list into consecutive batches of random sizes in [1, maxBatch]. */
    static <T> List<List<T>> randomBatches(SplittableRandom rng, List<T> list, int maxBatch) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); ) {
            int n = Math.min(list.size() - i, 1 + rng.nextInt(maxBatch));
            out.add(list.subList(i, i + n));
            i += n;
        }
        return out;
    }

    /** Fisher-Yates shuffle with a seeded source. */
    static <T> List<T> shuffled(SplittableRandom rng, List<T> list) {
        List<T> out = new ArrayList<>(list);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
