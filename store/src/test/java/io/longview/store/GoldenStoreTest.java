package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Old stores stay readable (STYLE 7): {@code golden/store-v1} is a store of format version 1 written by an earlier
 * build from {@code golden/store-v1-events.csv} (limits 3/12/3, fold window 60 s, clip 0.5, chunk capacity 4, items
 * 0..19 with {@code e[d] = 0.6 sin(32 item + d)}, events appended in batches of 25 in file order, then compacted).
 * This build must read it as the reference replay of those events, and keep writing to it.
 */
class GoldenStoreTest {
    @TempDir
    Path dir;

    private static float[] goldenEmbedding(long item) {
        float[] e = new float[32];
        for (int d = 0; d < 32; d++) {
            e[d] = (float) Math.sin(item * 32 + d) * 0.6f;
        }
        return e;
    }

    private static List<Event> goldenEvents() throws Exception {
        List<Event> events = new ArrayList<>();
        try (Stream<String> lines = Files.lines(resource("golden/store-v1-events.csv"))) {
            lines.skip(1).forEach(line -> {
                String[] f = line.split(",");
                events.add(Event.of(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Actions.parse(f[3]), Integer.parseInt(f[4])));
            });
        }
        return events;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(GoldenStoreTest.class.getClassLoader().getResource(name).toURI());
    }

    @Test
    void aVersion1StoreReadsAsTheReplayOfItsEvents() throws Exception {
        Path store = dir.resolve("store");
        Files.createDirectories(store);
        try (Stream<Path> files = Files.list(resource("golden/store-v1"))) {
            for (Path f : files.toList()) {
                Files.copy(f, store.resolve(f.getFileName().toString()));
            }
        }
        SequenceLimits limits = new SequenceLimits(3, 12, 3, 60_000);
        Quantizer quantizer = new Quantizer(0.5f);
        List<Event> events = goldenEvents();
        assertThat(events).hasSize(300);
        try (RocksSequenceStore s = RocksSequenceStore.open(store)) {
            assertThat(s.limits()).isEqualTo(limits);
            assertThat(s.quantizer().clip()).isEqualTo(0.5f);
            assertThat(s.catalog().size()).isEqualTo(20);
            assertThat(s.catalog().get(7)).containsExactly(goldenEmbedding(7));
            for (long user = -1; user <= 1; user++) {
                UserHistory h = new UserHistory(user, limits);
                for (Event e : events) {
                    if (e.userId() == user) {
                        h.apply(e, quantizer.quantize(goldenEmbedding(e.itemId())), 0);
                    }
                }
                UserSequences expected = h.snapshot();
                assertThat(expected.totalTokens()).isPositive();
                assertThat(s.read(user)).as("user %d", user).isEqualTo(expected);
            }
            // and it takes new events like any store
            s.append(List.of(Event.of(0, 3, events.getFirst().timestampMs() + 86_400_000L, Actions.SAVE, 1)));
            assertThat(s.read(0).realtime().itemId(0)).isEqualTo(3);
        }
    }
}
