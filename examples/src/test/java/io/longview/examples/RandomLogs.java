package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded event logs for tests: requests of a few impressions at one time, explicit actions on candidates at, inside,
 * at the edge of and after the label window, actions exactly at request times, actions that fold with earlier
 * impressions across a later request, duplicates, and standalone explicit actions.
 */
final class RandomLogs {
    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;

    private RandomLogs() {
    }

    /** A log and its catalog. */
    record Log(List<Event> events, InMemoryItemEmbeddings items) {
        Log shuffled(long seed) {
            List<Event> copy = new ArrayList<>(events);
            Collections.shuffle(copy, new java.util.Random(seed));
            return new Log(copy, items);
        }
    }

    static InMemoryItemEmbeddings items(SplittableRandom rng, int n) {
        InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
        for (int i = 0; i < n; i++) {
            float[] e = new float[Token.EMBEDDING_DIM];
            for (int d = 0; d < e.length; d++) {
                e[d] = (float) (gaussian(rng) * 0.3);
            }
            items.put(1000 + i, e);
        }
        return items;
    }

    /**
     * A random log of {@code users} users with about {@code steps} steps each over {@code nItems} items, label window
     * {@code windowMs}.
     */
    static Log random(long seed, int users, int steps, int nItems, long windowMs) {
        SplittableRandom rng = new SplittableRandom(seed);
        InMemoryItemEmbeddings items = items(rng, nItems);
        List<Event> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            long user = rng.nextLong(1, 1L << 40);
            long t = T0 + rng.nextLong(0, 1000 * MINUTE);
            List<Long> lastCandidates = new ArrayList<>();
            int n = 1 + rng.nextInt(steps);
            for (int s = 0; s < n; s++) {
                // gaps: same fold window, a few minutes, hours
                int g = rng.nextInt(10);
                t += g < 3 ? rng.nextLong(0, 3) : g < 7 ? rng.nextLong(1, 5 * MINUTE) : rng.nextLong(1, 300 * MINUTE);
                int kind = rng.nextInt(10);
                if (kind < 5) {
                    // a request: a few impressions at t (sometimes duplicated), then reactions
                    int k = 1 + rng.nextInt(6);
                    List<Long> cands = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        long item = item(rng, nItems);
                        cands.add(item);
                        events.add(Event.of(user, item, t, Actions.IMPRESSION, rng.nextInt(4)));
                        if (rng.nextInt(8) == 0) {
                            events.add(Event.of(user, item, t, Actions.IMPRESSION, rng.nextInt(4))); // duplicate
                        }
                    }
                    for (long item : cands) {
                        if (rng.nextInt(3) == 0) {
                            long dt = switch (rng.nextInt(6)) {
                                case 0 -> 0;                       // exactly at t
                                case 1 -> windowMs - 1;            // last instant of the window
                                case 2 -> windowMs;                // first instant after it
                                case 3 -> windowMs + rng.nextLong(1, 10 * MINUTE);
                                default -> rng.nextLong(1, windowMs);
                            };
                            events.add(Event.of(user, item, t + dt, explicitAction(rng), rng.nextInt(4)));
                        }
                    }
                    lastCandidates = cands;
                } else if (kind < 7 && !lastCandidates.isEmpty()) {
                    // an action on an earlier candidate, possibly folding into its impression token
                    long item = lastCandidates.get(rng.nextInt(lastCandidates.size()));
                    events.add(Event.of(user, item, t, explicitAction(rng), rng.nextInt(4)));
                } else if (kind < 8) {
                    // an explicit action exactly at the next request's time, on any item
                    events.add(Event.of(user, item(rng, nItems), t, explicitAction(rng), rng.nextInt(4)));
                    events.add(Event.of(user, item(rng, nItems), t, Actions.IMPRESSION, rng.nextInt(4)));
                } else {
                    events.add(Event.of(user, item(rng, nItems), t, explicitAction(rng), rng.nextInt(4)));
                }
            }
        }
        return new Log(events, items);
    }

    static long item(SplittableRandom rng, int nItems) {
        return 1000 + rng.nextInt(nItems);
    }

    static int explicitAction(SplittableRandom rng) {
        return switch (rng.nextInt(5)) {
            case 0, 1 -> Actions.CLICK;
            case 2, 3 -> Actions.SAVE;
            default -> Actions.HIDE;
        };
    }

    static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble(1e-12, 1.0);
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
