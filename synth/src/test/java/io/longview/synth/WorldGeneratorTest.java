package io.longview.synth;

import io.longview.core.io.Progress;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.testing.Seeds;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorldGeneratorTest {
    private final long seed = Seeds.seed(42);
    private final WorldConfig small = WorldConfig.small().withSeed(seed);

    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesIdenticalBytesWhateverTheThreadsAndOtherSeedOtherBytes() throws IOException {
        GenerationSummary a = WorldGenerator.generate(small, tmp.resolve("a"), false, 1, Progress.silent());
        GenerationSummary b = WorldGenerator.generate(small, tmp.resolve("b"), false, 3, Progress.silent());
        GenerationSummary c = WorldGenerator.generate(small.withSeed(seed + 1), tmp.resolve("c"), false, 2, Progress.silent());
        for (String f : new String[]{DatasetLayout.EVENTS, DatasetLayout.ITEMS, DatasetLayout.MANIFEST}) {
            assertThat(Files.readAllBytes(b.dir().resolve(f))).as("%s, seed %d", f, seed)
                    .isEqualTo(Files.readAllBytes(a.dir().resolve(f)));
            assertThat(Files.readAllBytes(c.dir().resolve(f))).as("%s with another seed", f)
                    .isNotEqualTo(Files.readAllBytes(a.dir().resolve(f)));
        }
        assertThat(b.manifest().snapshotId()).isEqualTo(a.manifest().snapshotId());
        assertThat(c.manifest().snapshotId()).isNotEqualTo(a.manifest().snapshotId());
    }

    @Test
    void theEventLogIsValidUsersInIdOrderEachInTimeOrder() {
        GenerationSummary s = WorldGenerator.generate(small, tmp.resolve("w"), Progress.silent());
        List<Event> events = EventLogs.read(new DatasetLayout(s.dir()).events());
        assertThat(events).hasSize((int) s.manifest().events());
        long user = 0;
        long last = Long.MIN_VALUE;
        long first = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int users = 0;
        for (Event e : events) {
            assertThat(e.userId()).as("users in id order").isGreaterThanOrEqualTo(user);
            if (e.userId() != user) {
                user = e.userId();
                users++;
                last = Long.MIN_VALUE;
            }
            assertThat(e.timestampMs()).as("user %d in time order", user).isGreaterThanOrEqualTo(last);
            assertThat(e.itemId()).isBetween(1L, (long) small.catalog().items());
            last = e.timestampMs();
            first = Math.min(first, last);
            max = Math.max(max, last);
        }
        assertThat(users).isEqualTo(small.users());
        assertThat(user).isEqualTo(small.users());
        assertThat(s.manifest().firstTimestampMs()).isEqualTo(first);
        assertThat(s.manifest().lastTimestampMs()).isEqualTo(max);
        assertThat(first).isGreaterThanOrEqualTo(small.startMs());
    }

    @Test
    void requestsInTheFileAreTwentyImpressionsAtOneTimeWithOutcomesWithinTenMinutes() {
        GenerationSummary s = WorldGenerator.generate(small, tmp.resolve("w"), Progress.silent());
        List<Event> events = EventLogs.read(new DatasetLayout(s.dir()).events());
        long window = ((Number) s.manifest().parameters().get("labelWindowMs")).longValue();
        assertThat(window).isEqualTo(600_000L);
        // per (user, timestamp): the impressions of one request
        Map<String, List<Long>> requests = new HashMap<>();
        for (Event e : events) {
            if (e.action() == Actions.IMPRESSION) {
                requests.computeIfAbsent(e.userId() + "@" + e.timestampMs(), k -> new java.util.ArrayList<>()).add(e.itemId());
            }
        }
        assertThat(requests.size()).isEqualTo(s.statistics().requests()).isGreaterThan(100);
        requests.values().forEach(items -> assertThat(items).hasSize(20).doesNotHaveDuplicates());
        // every home-surface explicit event on an item of a request within the window lies strictly after it
        long outcomes = 0;
        Map<Long, List<Event>> impressionsByUser = new HashMap<>();
        for (Event e : events) {
            if (e.action() == Actions.IMPRESSION) {
                impressionsByUser.computeIfAbsent(e.userId(), k -> new java.util.ArrayList<>()).add(e);
            }
        }
        for (Event e : events) {
            if (e.action() == Actions.IMPRESSION) {
                continue;
            }
            for (Event imp : impressionsByUser.getOrDefault(e.userId(), List.of())) {
                if (imp.itemId() == e.itemId() && e.timestampMs() >= imp.timestampMs() && e.timestampMs() < imp.timestampMs() + window) {
                    assertThat(e.timestampMs()).isGreaterThan(imp.timestampMs());
                    assertThat((int) e.surface()).isEqualTo((int) imp.surface());
                    outcomes++;
                }
            }
        }
        WorldStatistics st = s.statistics();
        assertThat(outcomes).isEqualTo(st.feedClicks() + st.feedSaves() + st.feedHides());
    }

    @Test
    void theManifestDescribesTheDataset() throws IOException {
        GenerationSummary s = WorldGenerator.generate(small, tmp.resolve("w"), Progress.silent());
        DatasetLayout layout = new DatasetLayout(s.dir());
        DatasetManifest m = DatasetManifest.read(layout.manifest());
        DatasetManifest returned = s.manifest();
        assertThat(m).usingRecursiveComparison().ignoringFields("parameters").isEqualTo(returned);
        assertThat(m.parameters().keySet()).containsExactlyElementsOf(returned.parameters().keySet());
        assertThat(m.name()).isEqualTo("synthetic-50");
        assertThat(m.users()).isEqualTo(50);
        assertThat(m.items()).isEqualTo(64 * 300);
        assertThat(m.events()).isEqualTo(Files.lines(layout.events()).count() - 1);
        assertThat(Files.lines(layout.items()).count() - 1).isEqualTo(m.items());
        assertThat(m.seed()).isEqualTo(seed);
        assertThat(m.embeddings()).isEqualTo("generated");
        assertThat(m.snapshotId()).isEqualTo(DatasetManifest.snapshotId(layout.events(), layout.items()));
        long span = 730L * 86_400_000;
        assertThat(m.splitTimeMs()).isEqualTo(WorldConfig.DEFAULT_START_MS + (long) (0.9 * span));
        assertThat(m.source()).contains("seed " + seed).contains("50 users");
        assertThat(m.parameters()).containsEntry("generatorVersion", WorldGenerator.GENERATOR_VERSION).containsKey("requestRule");
        assertThat(((Number) m.parameters().get("labelWindowMs")).longValue()).isEqualTo(600_000L);
        assertThat(((Number) m.parameters().get("worldStartMs")).longValue()).isEqualTo(WorldConfig.DEFAULT_START_MS);
        @SuppressWarnings("unchecked")
        Map<String, Object> world = (Map<String, Object>) m.parameters().get("world");
        assertThat(world).containsEntry("users", 50).containsKey("engagement").containsKey("feed");
        @SuppressWarnings("unchecked")
        Map<String, Object> feed = (Map<String, Object>) world.get("feed");
        assertThat(feed).containsEntry("impressionsPerRequest", 20);
        assertThat(s.bytes()).isEqualTo(Files.size(layout.events()) + Files.size(layout.items()) + Files.size(layout.manifest()));
    }

    @Test
    void gzipWritesTheSameEventLogCompressed() throws IOException {
        GenerationSummary plain = WorldGenerator.generate(small, tmp.resolve("plain"), Progress.silent());
        GenerationSummary gz = WorldGenerator.generate(small.withGzipEvents(true), tmp.resolve("gz"), Progress.silent());
        Path gzFile = gz.dir().resolve(DatasetLayout.EVENTS_GZ);
        assertThat(new DatasetLayout(gz.dir()).events()).isEqualTo(gzFile);
        assertThat(gz.dir().resolve(DatasetLayout.EVENTS)).doesNotExist();
        byte[] unzipped;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzFile))) {
            unzipped = in.readAllBytes();
        }
        assertThat(unzipped).isEqualTo(Files.readAllBytes(plain.dir().resolve(DatasetLayout.EVENTS)));
        assertThat(EventLogs.read(gzFile)).hasSize((int) plain.manifest().events());
        assertThat(gz.manifest().events()).isEqualTo(plain.manifest().events());
        assertThat(Files.readAllBytes(gzFile)).isEqualTo(Files.readAllBytes(
                WorldGenerator.generate(small.withGzipEvents(true), tmp.resolve("gz2"), Progress.silent()).dir().resolve(DatasetLayout.EVENTS_GZ)));
    }

    @Test
    void anExistingDirectoryIsKeptUnlessOverwriteIsAsked() throws IOException {
        Path out = tmp.resolve("w");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> WorldGenerator.generate(small, out, Progress.silent()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists");
        assertThat(out.resolve("keep.txt")).hasContent("mine");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("w"); // no partial left
        }
        GenerationSummary s = WorldGenerator.generate(small, out, true, 2, Progress.silent());
        assertThat(out.resolve("keep.txt")).doesNotExist();
        assertThat(out.resolve(DatasetLayout.MANIFEST)).exists();
        assertThat(s.dir()).isEqualTo(out.toAbsolutePath().normalize());
        assertThatThrownBy(() -> WorldGenerator.generate(small, tmp.resolve("x"), false, 0, Progress.silent()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    }

    @Test
    void progressCountsUsersAndTheSummaryAddsUp() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GenerationSummary s;
        try (Progress p = new Progress("users", small.users(), new PrintStream(buf, true, StandardCharsets.UTF_8), false)) {
            s = WorldGenerator.generate(small, tmp.resolve("w"), false, 2, p);
            assertThat(p.count()).isEqualTo(small.users());
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("50/50");
        WorldStatistics st = s.statistics();
        assertThat(st.users()).isEqualTo(50);
        assertThat(st.impressions()).isEqualTo(20 * st.requests());
        assertThat(st.events()).isEqualTo(st.organicEvents() + st.impressions() + st.feedClicks() + st.feedSaves() + st.feedHides());
        long byClass = 0;
        for (WorldStatistics.ClassCounts c : st.byTopicClass()) {
            byClass += c.impressions();
        }
        assertThat(byClass).isEqualTo(st.impressions());
        assertThat(s.format()).contains("synthetic", "lifelong-only", "dormant");
    }
}
