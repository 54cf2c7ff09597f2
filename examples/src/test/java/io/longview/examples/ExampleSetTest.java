package io.longview.examples;

import io.longview.core.io.InputException;
import io.longview.data.io.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ExampleSet}: a side as one file or as shards, read in canonical (name) order, with summed footers. */
class ExampleSetTest {
    @TempDir
    Path tmp;

    @Test
    void shardsReadInNameOrderAreTheFilesRecordsAndSumItsFooter() throws IOException {
        RandomLogs.Log log = RandomLogs.random(41, 20, 60, 50, 10 * MINUTE);
        ExampleBuilderConfig config = ExampleBuilderTest.SMALL.withSplitTimeMs(T0 + 400 * MINUTE);
        Path single = tmp.resolve("single");
        new ExampleBuilder(config, log.items()).build(EventSources.of(log.events()), single, false);
        ExampleSet one = new ExampleSet(single);
        assertThat(one.path(ExampleHeader.Side.TRAIN)).isEqualTo(single.resolve(ExampleFormat.TRAIN_FILE));

        // split each side into 3 shards, written out of name order
        ExampleSet sharded = new ExampleSet(tmp.resolve("sharded"));
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            Files.createDirectories(sharded.shardDir(side));
            ExampleReader.Summary whole = one.summary(side);
            long per = whole.footer().requests() / 3 + 1;
            java.util.List<java.util.List<RequestRecord>> parts = new java.util.ArrayList<>();
            try (ExampleSet.Records r = ExampleSet.records(one.path(side))) {
                for (int p = 0; p < 3; p++) {
                    java.util.List<RequestRecord> part = new java.util.ArrayList<>();
                    for (long i = 0; i < per && r.hasNext(); i++) {
                        part.add(r.next());
                    }
                    parts.add(part);
                }
            }
            for (int p = 2; p >= 0; p--) {
                try (ExampleWriter w = new ExampleWriter(sharded.shardDir(side).resolve(ExampleSet.shardName(p)), whole.header())) {
                    parts.get(p).forEach(w::write);
                    w.finish();
                }
            }
            Files.writeString(sharded.shardDir(side).resolve("notes.txt"), "not a shard");
        }
        assertThat(sharded.exists()).isTrue();
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            assertThat(sharded.path(side)).isEqualTo(sharded.shardDir(side));
            assertThat(sharded.files(side)).extracting(p -> p.getFileName().toString())
                    .containsExactly("part-00000.lvx", "part-00001.lvx", "part-00002.lvx");
            ExampleFooter a = one.summary(side).footer();
            ExampleFooter b = sharded.summary(side).footer();
            assertThat(new long[]{b.requests(), b.candidates(), b.tokens()}).containsExactly(a.requests(), a.candidates(), a.tokens());
            assertThat(b.positives()).containsExactly(a.positives());
            // canonical order: the shards' records re-written through one writer are the file, byte for byte
            Path rewritten = tmp.resolve("rewritten-" + side.fileName());
            try (ExampleSet.Records r = ExampleSet.records(sharded.path(side));
                 ExampleWriter w = new ExampleWriter(rewritten, r.header())) {
                r.forEachRemaining(w::write);
                w.finish();
            }
            assertThat(Files.mismatch(rewritten, one.path(side))).isEqualTo(-1L);
            assertThat(sharded.bytes(side)).isGreaterThan(0);
        }
    }

    @Test
    void aShardDirectoryWithoutShardsIsNamed() throws IOException {
        ExampleSet set = new ExampleSet(tmp);
        Files.createDirectories(set.shardDir(ExampleHeader.Side.TRAIN));
        assertThat(set.exists()).isFalse();
        assertThatThrownBy(() -> set.files(ExampleHeader.Side.TRAIN))
                .isInstanceOf(InputException.class).hasMessageContaining("without any *.lvx file");
    }
}
