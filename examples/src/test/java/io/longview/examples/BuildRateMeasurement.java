package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;

/**
 * Measures the example-building rate on an in-memory log of realistic shape (not a test: no timed assertions).
 * Run: {@code ./mvnw -o -pl examples test -Dtest=BuildRateMeasurement -Dlongview.measure=true}
 * (optionally {@code -Dlongview.measure.users=300 -Dlongview.measure.heavy=5}).
 *
 * <p>Shape: {@code users} ordinary users with 10–60 requests of 20 impressions each over 90 days, each impression
 * clicked (8%), saved (4%) or hidden (1%) within minutes, plus a few organic explicit actions between requests; and
 * {@code heavy} users with 3,000–8,000 explicit actions and 200 requests. 20,000 items in 64 clusters. Default
 * selection (96 + 32 + 32 + 32) and limits (100 / 16,000 / 100).
 */
@EnabledIfSystemProperty(named = "longview.measure", matches = "true")
class BuildRateMeasurement {
    @TempDir
    Path tmp;

    record World(List<Event> events, InMemoryItemEmbeddings items) {
    }

    static World world(long seed, int users, int heavy) {
        SplittableRandom rng = new SplittableRandom(seed);
        int nItems = 20_000, clusters = 64;
        float[][] centers = new float[clusters][Token.EMBEDDING_DIM];
        for (float[] c : centers) {
            for (int d = 0; d < c.length; d++) {
                c[d] = (float) (RandomLogs.gaussian(rng) * 0.35);
            }
        }
        InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
        for (int i = 0; i < nItems; i++) {
            float[] e = new float[Token.EMBEDDING_DIM];
            float[] c = centers[i % clusters];
            for (int d = 0; d < e.length; d++) {
                e[d] = c[d] + (float) (RandomLogs.gaussian(rng) * 0.15);
            }
            items.put(i, e);
        }
        List<Event> events = new ArrayList<>();
        long span = 90L * 24 * 60 * MINUTE;
        for (int u = 0; u < users + heavy; u++) {
            boolean isHeavy = u >= users;
            int taste = rng.nextInt(clusters);
            int requests = isHeavy ? 200 : 10 + rng.nextInt(51);
            for (int r = 0; r < requests; r++) {
                long t = T0 + rng.nextLong(span);
                for (int k = 0; k < 20; k++) {
                    int item = pick(rng, nItems, clusters, taste);
                    int surface = rng.nextInt(3);
                    events.add(Event.of(u, item, t, Actions.IMPRESSION, surface));
                    double p = rng.nextDouble();
                    int a = p < 0.08 ? Actions.CLICK : p < 0.12 ? Actions.SAVE : p < 0.13 ? Actions.HIDE : 0;
                    if (a != 0) {
                        events.add(Event.of(u, item, t + rng.nextLong(1_000, 5 * MINUTE), a, surface));
                    }
                }
            }
            int organic = isHeavy ? 3_000 + rng.nextInt(5_001) : rng.nextInt(30);
            for (int k = 0; k < organic; k++) {
                events.add(Event.of(u, pick(rng, nItems, clusters, taste), T0 + rng.nextLong(span),
                        rng.nextInt(3) == 0 ? Actions.SAVE : Actions.CLICK, 1 + rng.nextInt(3)));
            }
        }
        java.util.Collections.shuffle(events, new java.util.Random(seed)); // arrival order is not time order
        return new World(events, items);
    }

    private static int pick(SplittableRandom rng, int nItems, int clusters, int taste) {
        int cluster = rng.nextInt(3) == 0 ? rng.nextInt(clusters) : taste;
        return cluster + clusters * rng.nextInt(nItems / clusters);
    }

    @Test
    void measure() {
        int users = Integer.getInteger("longview.measure.users", 300);
        int heavy = Integer.getInteger("longview.measure.heavy", 5);
        World w = world(42, users, heavy);
        System.out.printf(Locale.ROOT, "log: %,d events, %d users (%d heavy), %,d items%n", w.events().size(), users + heavy, heavy, w.items().size());
        for (int threads : new int[]{1, 1, 2}) { // the first run warms the JIT up
            ExampleBuilderConfig config = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(T0 + 75L * 24 * 60 * MINUTE).withThreads(threads)
                    .withMaxEventsPerShard(200_000);
            Path out = tmp.resolve("out-" + System.nanoTime());
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            BuildSummary s = new ExampleBuilder(config, w.items()).build(new ListEventSource(w.events()), out, false);
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "threads %d: %.2f s wall, %.2f s process CPU (%,.0f examples per CPU-s), load %.1f;"
                            + " %,d requests, %,d examples, %d shards: %,.0f examples/s, %,.0f events/s"
                            + " (avg token table %.0f tokens/request)%n",
                    threads, s.seconds(), cpu, s.examples() / cpu, os.getSystemLoadAverage(), s.train().requests() + s.eval().requests(), s.examples(), s.shards(), s.examplesPerSecond(),
                    s.eventsPerSecond(), (double) (s.train().tokens() + s.eval().tokens())
                            / Math.max(1, s.train().requests() + s.eval().requests()));
        }
    }
}
