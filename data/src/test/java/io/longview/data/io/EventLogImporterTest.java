package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code import csv|jsonl}: a canonical dataset directory from good input, and no output at all from bad input. */
class EventLogImporterTest {
    static final long T = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    /** 40 users, 60 items, events over 100 days; every item in the item file. */
    static List<Event> events(long seed) {
        SplittableRandom r = Seeds.random(seed);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            int action = r.nextInt(10) < 5 ? Actions.IMPRESSION : 1 << r.nextInt(3);
            out.add(Event.of(r.nextInt(40), 1000 + r.nextInt(60), T + r.nextLong(100L * 86_400_000), action, r.nextInt(4)));
        }
        return out;
    }

    Path eventsCsv(List<Event> events) {
        Path f = tmp.resolve("in-events.csv");
        try (EventLogWriter w = new EventLogWriter(f)) {
            events.forEach(w::write);
        }
        return f;
    }

    Path itemsCsv(int from, int count) {
        Path f = tmp.resolve("in-items.csv");
        SplittableRandom r = Seeds.random(5);
        try (ItemFileWriter w = new ItemFileWriter(f)) {
            for (int i = from; i < from + count; i++) {
                float[] e = new float[32];
                for (int d = 0; d < 32; d++) {
                    e[d] = (float) r.nextGaussian() * 0.25f;
                }
                w.write(i, e);
            }
        }
        return f;
    }

    /** Nothing in tmp but the input files: no output and no partial directory. */
    void assertNoOutput(Path out) throws IOException {
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("in-"));
        }
    }

    @Test
    void csvWithItemFileWritesCanonicalDataset() throws IOException {
        List<Event> events = events(Seeds.seed(31));
        Path out = tmp.resolve("ds");
        ImportResult r = EventLogImporter.builder(eventsCsv(events), out).items(itemsCsv(1000, 60)).run();
        assertThat(r.dir()).isEqualTo(out.toAbsolutePath().normalize());
        DatasetLayout layout = new DatasetLayout(out);
        List<Event> back = EventReadersTest.readAll(layout.openEvents());
        assertThat(back).isEqualTo(events);
        DatasetManifest m = layout.readManifest();
        assertThat(m.toString()).isEqualTo(r.manifest().toString());
        assertThat(m.events()).isEqualTo(3_000);
        assertThat(m.users()).isEqualTo(events.stream().mapToLong(Event::userId).distinct().count());
        assertThat(m.items()).isEqualTo(60);
        assertThat(m.firstTimestampMs()).isEqualTo(events.stream().mapToLong(Event::timestampMs).min().orElseThrow());
        assertThat(m.lastTimestampMs()).isEqualTo(events.stream().mapToLong(Event::timestampMs).max().orElseThrow());
        long[] ts = events.stream().mapToLong(Event::timestampMs).sorted().toArray();
        assertThat(m.splitTimeMs()).isEqualTo(ts[(int) (0.8 * ts.length)]);
        assertThat(m.embeddings()).startsWith("file:").endsWith("in-items.csv");
        assertThat(m.snapshotId()).isEqualTo(DatasetManifest.snapshotId(layout.events(), layout.items()));
        assertThat(m.parameters()).containsEntry("eventOrder", "none");
        InMemoryItemEmbeddings items = layout.readItems();
        InMemoryItemEmbeddings original = ItemFileReader.read(tmp.resolve("in-items.csv"));
        for (long id : original.ids()) {
            assertThat(items.get(id)).containsExactly(original.get(id));
        }
    }

    @Test
    void jsonLinesWithoutItemFileLearnsEmbeddingsForEveryItem() throws IOException {
        List<Event> events = events(Seeds.seed(32));
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(EventReadersTest.jsonLine(e, true)).append('\n'));
        Path in = tmp.resolve("in-events.jsonl");
        Files.writeString(in, sb);
        Path out = tmp.resolve("ds");
        long split = T + 70L * 86_400_000;
        DatasetManifest m = EventLogImporter.builder(in, out).splitTimeMs(split).seed(3).compressEvents(true).run().manifest();
        DatasetLayout layout = new DatasetLayout(out);
        assertThat(layout.events().getFileName().toString()).isEqualTo("events.csv.gz");
        assertThat(EventReadersTest.readAll(layout.openEvents())).isEqualTo(events);
        assertThat(m.splitTimeMs()).isEqualTo(split);
        assertThat(m.seed()).isEqualTo(3L);
        assertThat(m.embeddings()).startsWith("implicit-als");
        InMemoryItemEmbeddings items = layout.readItems();
        assertThat(events.stream().mapToLong(Event::itemId).distinct().filter(id -> !items.contains(id))).isEmpty();
        assertThat(m.items()).isEqualTo(events.stream().mapToLong(Event::itemId).distinct().count());
        assertThat(m.parameters()).containsKeys("embeddingFallbackItems", "embeddingLearnedItems", "embeddingClippedFraction");
    }

    @Test
    void badEventRowLeavesNoOutput() throws IOException {
        List<Event> events = events(33);
        Path in = eventsCsv(events);
        List<String> lines = new ArrayList<>(Files.readAllLines(in));
        lines.set(2500, "7,1001," + T + ",like,0");
        Files.write(in, lines);
        Path out = tmp.resolve("ds");
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(itemsCsv(1000, 60)).run())
                .isInstanceOf(InputException.class)
                .hasMessageContainingAll("in-events.csv:2501: ", "unknown action 'like'");
        assertNoOutput(out);
    }

    @Test
    void eventWithoutEmbeddingNamesFileLineAndItem() throws IOException {
        List<Event> events = events(34);
        Path in = eventsCsv(events);
        int firstMissing = 0;
        while (events.get(firstMissing).itemId() < 1050) {
            firstMissing++;
        }
        Path out = tmp.resolve("ds");
        int line = firstMissing + 2;
        long item = events.get(firstMissing).itemId();
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(itemsCsv(1000, 50)).run())
                .isInstanceOf(InputException.class)
                .hasMessageContainingAll("in-events.csv:" + line + ": ", "item " + item + " has no embedding", "in-items.csv");
        assertNoOutput(out);
    }

    @Test
    void badItemFileLeavesNoOutput() throws IOException {
        Path in = eventsCsv(events(35));
        Path items = itemsCsv(1000, 60);
        List<String> lines = new ArrayList<>(Files.readAllLines(items));
        lines.set(10, lines.get(10).substring(0, lines.get(10).lastIndexOf(',')));
        Files.write(items, lines);
        Path out = tmp.resolve("ds");
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(items).run())
                .isInstanceOf(InputException.class)
                .hasMessageContainingAll("in-items.csv:11: ", "has 31 values, expected 32");
        assertNoOutput(out);
    }

    @Test
    void emptyLogAndNoTrainingDataAreErrors() throws IOException {
        Path in = eventsCsv(List.of());
        Path out = tmp.resolve("ds");
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(itemsCsv(1000, 5)).run())
                .isInstanceOf(InputException.class).hasMessageContainingAll("in-events.csv", "no events");
        assertNoOutput(out);
        Path only = eventsCsv(List.of(Event.of(1, 1000, T, Actions.IMPRESSION, 0), Event.of(1, 1001, T + 5, Actions.HIDE, 0)));
        assertThatThrownBy(() -> EventLogImporter.builder(only, out).run())
                .isInstanceOf(InputException.class).hasMessageContainingAll("no click or save before the split time");
        assertNoOutput(out);
    }

    @Test
    void existingOutputIsKeptUnlessOverwriteIsAllowed() throws IOException {
        Path in = eventsCsv(events(36));
        Path items = itemsCsv(1000, 60);
        Path out = tmp.resolve("ds");
        String first = EventLogImporter.builder(in, out).items(items).run().manifest().snapshotId();
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(items).run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
        Files.writeString(in, EventLogWriter.HEADER + "\n1,1000,17,click,0\n");
        assertThatThrownBy(() -> EventLogImporter.builder(in, out).items(items).overwrite(true).run())
                .isInstanceOf(InputException.class).hasMessageContaining("in-events.csv:2: ");
        assertThat(new DatasetLayout(out).readManifest().snapshotId()).isEqualTo(first);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("ds", "in-events.csv", "in-items.csv");
        }
    }

    @Test
    void importIsDeterministic() {
        List<Event> events = events(37);
        Path in = eventsCsv(events);
        String a = EventLogImporter.builder(in, tmp.resolve("a")).seed(9).run().manifest().snapshotId();
        String b = EventLogImporter.builder(in, tmp.resolve("b")).seed(9).run().manifest().snapshotId();
        String c = EventLogImporter.builder(in, tmp.resolve("c")).seed(10).run().manifest().snapshotId();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(Arrays.asList(a, b)).doesNotContainNull();
    }
}
