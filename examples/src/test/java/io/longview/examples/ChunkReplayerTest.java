package io.longview.examples;

import io.longview.core.model.Event;
import io.longview.data.io.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract the Spark job relies on: users replayed by {@link ChunkReplayer} in ascending unsigned user hash, cut
 * into any number of consecutive chunks and appended in order with {@link ExampleBuilder#appendChunk}, give exactly
 * the builder's files.
 */
class ChunkReplayerTest {
    @TempDir
    Path tmp;

    @Test
    void usersInHashOrderOverSeveralChunksGiveTheBuildersBytes() throws IOException {
        RandomLogs.Log log = RandomLogs.random(31, 25, 60, 50, 10 * MINUTE);
        ExampleBuilderConfig config = ExampleBuilderTest.SMALL.withSplitTimeMs(T0 + 400 * MINUTE);
        Path single = tmp.resolve("single");
        new ExampleBuilder(config, log.items()).build(EventSources.of(log.events()), single, false);

        Map<Long, List<Event>> byUser = new LinkedHashMap<>();
        List<Event> shuffled = new ArrayList<>(log.events());
        Collections.reverse(shuffled); // any input order
        for (Event e : shuffled) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        List<Long> users = new ArrayList<>(byUser.keySet());
        users.sort((a, b) -> Long.compareUnsigned(ChunkReplayer.userHash(a), ChunkReplayer.userHash(b)));

        int chunks = 4;
        Path out = Files.createDirectories(tmp.resolve("chunked"));
        try (ExampleWriter train = new ExampleWriter(out.resolve(ExampleFormat.TRAIN_FILE), config.header(ExampleHeader.Side.TRAIN));
             ExampleWriter eval = new ExampleWriter(out.resolve(ExampleFormat.EVAL_FILE), config.header(ExampleHeader.Side.EVAL))) {
            for (int c = 0; c < chunks; c++) {
                Path tr = tmp.resolve("c" + c + "-train.bin");
                Path ev = tmp.resolve("c" + c + "-eval.bin");
                try (ChunkReplayer replayer = new ChunkReplayer(config, log.items(), tr, ev)) {
                    for (int i = c * users.size() / chunks; i < (c + 1) * users.size() / chunks; i++) {
                        replayer.user(UserEvents.of(users.get(i), byUser.get(users.get(i))));
                    }
                }
                ExampleBuilder.appendChunk(tr, train);
                ExampleBuilder.appendChunk(ev, eval);
                assertThat(tr).doesNotExist();
            }
            train.finish();
            eval.finish();
        }
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            assertThat(Files.size(single.resolve(f))).as(f).isGreaterThan(100);
            assertThat(Files.mismatch(single.resolve(f), out.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);
        }
    }

    @Test
    void anItemWithoutEmbeddingIsNamed() {
        RandomLogs.Log log = RandomLogs.random(32, 1, 5, 10, 10 * MINUTE);
        Event e = log.events().getFirst();
        List<Event> withUnknown = new ArrayList<>(log.events().stream().filter(x -> x.userId() == e.userId()).toList());
        withUnknown.add(new Event(e.userId(), 987_654_321L, e.timestampMs(), e.action(), e.surface()));
        try (ChunkReplayer r = new ChunkReplayer(ExampleBuilderTest.SMALL, log.items(), tmp.resolve("t.bin"), tmp.resolve("e.bin"))) {
            assertThatThrownBy(() -> r.user(UserEvents.of(e.userId(), withUnknown)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item 987654321 has no embedding");
        }
    }
}
