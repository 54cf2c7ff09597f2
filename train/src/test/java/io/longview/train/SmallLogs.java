package io.longview.train;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;
import io.longview.data.io.EventSources;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded little event logs with a learnable signal: each user has a taste vector; a shown item is clicked (and
 * sometimes saved) with a probability that grows with its similarity to the taste, hidden when far from it.
 */
public final class SmallLogs {
    static final long T0 = 1_764_000_000_000L;
    static final long MINUTE = 60_000L;

    private SmallLogs() {
    }

    /** An example file read whole: its header and every request, in file order. */
    public record Examples(ExampleHeader header, List<RequestRecord> records) {
    }

    /** Reads every request of an example file. */
    public static Examples read(Path exampleFile) {
        List<RequestRecord> records = new ArrayList<>();
        try (ExampleReader r = ExampleReader.open(exampleFile)) {
            while (r.hasNext()) {
                records.add(r.next());
            }
            return new Examples(r.header(), records);
        }
    }

    /** A generated log and its items. */
    public record Log(List<Event> events, InMemoryItemEmbeddings items) {
        /** Builds the example files of this log into {@code dir} (train.lvx holds every request). */
        Path build(Path dir) {
            new ExampleBuilder(ExampleBuilderConfig.DEFAULT, items).build(EventSources.of(events), dir, false);
            return dir.resolve("train.lvx");
        }

        /** A split time that leaves roughly the newest {@code evalShare} of the events for evaluation. */
        public long splitTime(double evalShare) {
            long[] ts = events.stream().mapToLong(Event::timestampMs).sorted().toArray();
            return ts[(int) Math.min(ts.length - 1, Math.round(ts.length * (1 - evalShare)))];
        }
    }

    public static Log random(long seed, int users, int requestsPerUser, int nItems) {
        SplittableRandom rng = new SplittableRandom(seed);
        InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
        float[][] emb = new float[nItems][Token.EMBEDDING_DIM];
        for (int i = 0; i < nItems; i++) {
            for (int d = 0; d < Token.EMBEDDING_DIM; d++) {
                emb[i][d] = (float) (gaussian(rng) * 0.3);
            }
            items.put(1000 + i, emb[i]);
        }
        List<Event> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            long user = 1 + u;
            double[] taste = new double[Token.EMBEDDING_DIM];
            for (int d = 0; d < taste.length; d++) {
                taste[d] = gaussian(rng);
            }
            long t = T0 + rng.nextLong(0, 100 * MINUTE);
            for (int r = 0; r < requestsPerUser; r++) {
                t += rng.nextLong(20 * MINUTE, 300 * MINUTE);
                int k = 3 + rng.nextInt(6);
                for (int i = 0; i < k; i++) {
                    int item = rng.nextInt(nItems);
                    int surface = rng.nextInt(4);
                    events.add(Event.of(user, 1000 + item, t, Actions.IMPRESSION, surface));
                    double s = 0;
                    for (int d = 0; d < taste.length; d++) {
                        s += taste[d] * emb[item][d];
                    }
                    double p = 1 / (1 + Math.exp(-2 * s));
                    if (rng.nextDouble() < p * p) {
                        events.add(Event.of(user, 1000 + item, t + rng.nextLong(1, 5 * MINUTE),
                                rng.nextInt(3) == 0 ? Actions.SAVE : Actions.CLICK, surface));
                    } else if (rng.nextDouble() < (1 - p) * 0.3) {
                        events.add(Event.of(user, 1000 + item, t + rng.nextLong(1, 5 * MINUTE), Actions.HIDE, surface));
                    }
                }
            }
        }
        return new Log(events, items);
    }

    static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble(1e-12, 1.0);
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
