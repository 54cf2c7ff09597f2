package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Token;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SequencePart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Version-2 example files in {@code src/test/resources/golden/v2/} read with the values their log defines, and
 * today's builder still writes them byte for byte; re-create them (only for a deliberate format change, with a new
 * version) with {@code -Dlongview.writeGolden=true}. The version-1 files of {@code golden/v1/} (the earlier, uncompact
 * format) are recognised and refused with how to rebuild them.
 */
class GoldenExampleFileTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/v2");
    static final Path GOLDEN_V1 = Path.of("src/test/resources/golden/v1");
    static final long SPLIT = T0 + 60 * MINUTE;

    @TempDir
    Path tmp;

    static InMemoryItemEmbeddings items() {
        InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
        for (long id = 1000; id <= 1003; id++) {
            float[] e = new float[Token.EMBEDDING_DIM];
            for (int d = 0; d < e.length; d++) {
                e[d] = (float) Math.sin(id * 0.37 + d * 0.11) * 0.5f;
            }
            items.put(id, e);
        }
        return items;
    }

    /** Two users; user 1 has a train and an eval request, and its history folds impressions with later actions. */
    static List<Event> log() {
        return List.of(
                Event.of(1, 1001, T0 - MINUTE, Actions.CLICK, 1),
                Event.of(1, 1000, T0, Actions.IMPRESSION, 0),
                Event.of(1, 1001, T0, Actions.IMPRESSION, 0),
                Event.of(1, 1002, T0, Actions.IMPRESSION, 0),
                Event.of(1, 1000, T0 + 1000, Actions.SAVE, 0),
                Event.of(1, 1002, T0 + 2000, Actions.HIDE, 0),
                Event.of(2, 1000, T0 + 10, Actions.IMPRESSION, 2),
                Event.of(1, 1003, SPLIT, Actions.IMPRESSION, 0),
                Event.of(1, 1003, SPLIT + 5, Actions.CLICK, 0));
    }

    static ExampleBuilderConfig config() {
        return ExampleBuilderConfig.DEFAULT.withSplitTimeMs(SPLIT).withSnapshotId("golden-v2");
    }

    @Test
    void theGoldenFilesReadWithTheValuesTheLogDefines() {
        Path dir = golden();
        List<RequestRecord> train = ExampleBuilderTest.readAll(dir.resolve("train.lvx"));
        List<RequestRecord> eval = ExampleBuilderTest.readAll(dir.resolve("eval.lvx"));
        ExampleReader.Summary s = ExampleReader.summary(dir.resolve("train.lvx"));
        assertThat(s.header().version()).isEqualTo(2);
        assertThat(s.header().selection()).isEqualTo(SelectionConfig.DEFAULT);
        assertThat(s.header().snapshotId()).isEqualTo("golden-v2");
        assertThat(s.header().splitTimeMs()).isEqualTo(SPLIT);

        assertThat(train).extracting(RequestRecord::userId).containsExactlyInAnyOrder(1L, 2L);
        RequestRecord u1 = train.stream().filter(r -> r.userId() == 1).findFirst().orElseThrow();
        assertThat(u1.requestTimeMs()).isEqualTo(T0);
        assertThat(u1.candidateCount()).isEqualTo(3);
        assertThat(new long[]{u1.candidateItemId(0), u1.candidateItemId(1), u1.candidateItemId(2)}).containsExactly(1000, 1001, 1002);
        assertThat(new byte[]{u1.labels(0), u1.labels(1), u1.labels(2)}).containsExactly(Actions.SAVE, 0, Actions.HIDE);
        assertThat(u1.realtimeCount()).isEqualTo(1);
        assertThat(u1.tokenCount()).isEqualTo(1);
        Token click = u1.token(0);
        assertThat(click.itemId()).isEqualTo(1001);
        assertThat(click.timestampMs()).isEqualTo(T0 - MINUTE);
        assertThat(click.actions()).isEqualTo(Actions.CLICK);
        assertThat(click.surface()).isEqualTo((byte) 1);
        assertThat(click.embedding()).containsExactly(Quantizer.DEFAULT.quantize(items().get(1001)));
        for (int j = 0; j < 3; j++) {
            assertThat(u1.selectedTokens(j)).containsExactly(click);
            assertThat(u1.candidateEmbedding(j)).containsExactly(items().get(u1.candidateItemId(j)));
        }

        assertThat(eval).hasSize(1);
        RequestRecord e = eval.getFirst();
        assertThat(e.requestTimeMs()).isEqualTo(SPLIT);
        assertThat(e.labels(0)).isEqualTo(Actions.CLICK);
        // the impressions at T0 folded with the actions after them (same 10-minute window): three explicit tokens
        assertThat(e.realtimeCount()).isEqualTo(3);
        assertThat(e.impressionCount()).isZero();
        assertThat(e.selectedTokens(0)).extracting(Token::itemId, Token::actions, Token::timestampMs).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1001L, (byte) (Actions.CLICK | Actions.IMPRESSION), T0),
                org.assertj.core.groups.Tuple.tuple(1000L, (byte) (Actions.SAVE | Actions.IMPRESSION), T0 + 1000),
                org.assertj.core.groups.Tuple.tuple(1002L, (byte) (Actions.HIDE | Actions.IMPRESSION), T0 + 2000));
        assertThat(e.tokenPart(0)).isEqualTo(SequencePart.REALTIME);
    }

    @Test
    void aVersion1FileIsRefusedWithHowToRebuildIt() {
        for (String f : List.of("train.lvx", "eval.lvx")) {
            assertThatThrownBy(() -> ExampleReader.open(GOLDEN_V1.resolve(f))).isInstanceOf(io.longview.core.io.InputException.class)
                    .hasMessageContainingAll(f, "version 1", "longview examples --dataset");
        }
    }

    @Test
    void todaysBuilderWritesTheGoldenBytes() throws IOException {
        Path dir = golden();
        Path out = tmp.resolve("now");
        new ExampleBuilder(config(), items()).build(new ListEventSource(log()), out, false);
        for (String f : List.of("train.lvx", "eval.lvx")) {
            assertThat(Files.readAllBytes(out.resolve(f))).as(f + " changed: a format change needs a new version").isEqualTo(Files.readAllBytes(dir.resolve(f)));
        }
    }

    private Path golden() {
        if (Boolean.getBoolean("longview.writeGolden")) {
            Path staging = tmp.resolve("golden");
            new ExampleBuilder(config(), items()).build(new ListEventSource(log()), staging, false);
            try {
                Files.createDirectories(GOLDEN);
                for (String f : List.of("train.lvx", "eval.lvx")) {
                    Files.copy(staging.resolve(f), GOLDEN.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (!Files.isRegularFile(GOLDEN.resolve("train.lvx"))) {
            fail("golden example files missing in " + GOLDEN.toAbsolutePath() + "; create them with -Dlongview.writeGolden=true");
        }
        return GOLDEN;
    }
}
