package io.longview.examples;

import io.longview.core.io.LittleEndian;
import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleFormatTest {
    static final ExampleHeader HEADER = ExampleHeader.of(ExampleHeader.Side.TRAIN, new SelectionConfig(4, 2, 3, 5, SelectionRule.RANDOM),
            new SequenceLimits(10, 50, 12, 60_000), 0.5f, 6, 120_000, 1_700_000_500_000L, "snap-1", "test/1");

    @TempDir
    Path tmp;

    /** What a record should hold, generated independently of the encoder. */
    record Expected(long requestId, long userId, long t, int rt, int ll, int imp, List<Long> negIds, List<byte[]> negs,
                    List<Token> tokens, List<Integer> parts, List<Long> cands, List<float[]> candEmb, List<Integer> labels,
                    List<int[]> selected) {
    }

    static Expected random(SplittableRandom rng, ExampleHeader h) {
        long t = 1_700_000_000_000L + rng.nextLong(1_000_000);
        int g = rng.nextInt(h.maxNegatives() + 1);
        List<Long> negIds = new ArrayList<>();
        List<byte[]> negs = new ArrayList<>();
        for (int i = 0; i < g; i++) {
            negIds.add(rng.nextLong());
            negs.add(bytes(rng));
        }
        int nt = rng.nextInt(40);
        List<Token> tokens = new ArrayList<>();
        List<Integer> parts = new ArrayList<>();
        long ts = t - 1_000_000;
        for (int i = 0; i < nt; i++) {
            ts += rng.nextInt(1000);
            tokens.add(new Token(ts, (byte) (1 + rng.nextInt(15)), (byte) rng.nextInt(16), rng.nextLong(), bytes(rng)));
            parts.add(rng.nextInt(3));
        }
        int c = rng.nextInt(8);
        List<Long> cands = new ArrayList<>();
        List<float[]> emb = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<int[]> sel = new ArrayList<>();
        for (int j = 0; j < c; j++) {
            cands.add(rng.nextLong());
            float[] e = new float[32];
            for (int d = 0; d < 32; d++) {
                e[d] = (float) rng.nextDouble(-2, 2);
            }
            emb.add(e);
            labels.add(rng.nextInt(8));
            int n = nt == 0 ? 0 : rng.nextInt(Math.min(nt, h.selection().maxLength()) + 1);
            sel.add(n == 0 ? new int[0] : rng.ints(0, nt).distinct().limit(n).sorted().toArray());
        }
        return new Expected(rng.nextLong(), rng.nextLong(), t, rng.nextInt(100), rng.nextInt(16000), rng.nextInt(100), negIds, negs,
                tokens, parts, cands, emb, labels, sel);
    }

    static int encode(RequestEncoder enc, Expected e) {
        enc.begin(e.requestId(), e.userId(), e.t(), e.rt(), e.ll(), e.imp());
        // interleave as a caller may: candidates refer to token indices added later
        for (int i = 0; i < e.negIds().size(); i++) {
            enc.addNegative(e.negIds().get(i), e.negs().get(i), 0);
        }
        for (int j = 0; j < e.cands().size(); j++) {
            int[] s = e.selected().get(j);
            enc.addCandidate(e.cands().get(j), e.candEmb().get(j), 0, e.labels().get(j), s, s.length);
        }
        for (int i = 0; i < e.tokens().size(); i++) {
            Token k = e.tokens().get(i);
            assertThat(enc.addToken(k.timestampMs(), k.actions(), k.surface(), e.parts().get(i), k.itemId(), k.embedding(), 0)).isEqualTo(i);
        }
        return enc.encode();
    }

    private Path writeRandom(String name, long seed, int n, List<Expected> out) {
        SplittableRandom rng = Seeds.random(seed);
        Path f = tmp.resolve(name);
        RequestEncoder enc = new RequestEncoder();
        try (ExampleWriter w = new ExampleWriter(f, HEADER)) {
            for (int i = 0; i < n; i++) {
                Expected e = random(rng, HEADER);
                out.add(e);
                w.write(enc.buffer(), encode(enc, e));
            }
            w.finish();
        }
        return f;
    }

    @Test
    void recordsRoundTripField_by_field() {
        long seed = Seeds.seed(101);
        List<Expected> expected = new ArrayList<>();
        Path f = writeRandom("rt.lvx", seed, 60, expected);
        try (ExampleReader r = ExampleReader.open(f)) {
            assertThat(r.header()).usingRecursiveComparison().isEqualTo(HEADER);
            int i = 0;
            long candidates = 0;
            while (r.hasNext()) {
                RequestRecord rec = r.next();
                Expected e = expected.get(i);
                String where = "record " + i + " (seed " + seed + ")";
                assertThat(new long[]{rec.requestId(), rec.userId(), rec.requestTimeMs(), rec.realtimeCount(), rec.lifelongCount(), rec.impressionCount()})
                        .as(where).containsExactly(e.requestId(), e.userId(), e.t(), e.rt(), e.ll(), e.imp());
                assertThat(rec.negativeCount()).as(where).isEqualTo(e.negIds().size());
                for (int g = 0; g < rec.negativeCount(); g++) {
                    byte[] q = new byte[32];
                    rec.negativeEmbedding(g, q, 0);
                    assertThat(q).as(where).containsExactly(e.negs().get(g));
                    assertThat(rec.negativeItemId(g)).as(where).isEqualTo(e.negIds().get(g));
                }
                assertThat(rec.tokenCount()).as(where).isEqualTo(e.tokens().size());
                for (int k = 0; k < rec.tokenCount(); k++) {
                    assertThat(rec.token(k)).as(where).isEqualTo(e.tokens().get(k));
                    assertThat(rec.tokenPart(k)).as(where).isEqualTo(SequencePart.ofCode(e.parts().get(k)));
                    assertThat(rec.tokenEmbedding(k, 31)).isEqualTo(e.tokens().get(k).embedding()[31]);
                }
                assertThat(rec.candidateCount()).as(where).isEqualTo(e.cands().size());
                for (int j = 0; j < rec.candidateCount(); j++) {
                    assertThat(rec.candidateItemId(j)).isEqualTo(e.cands().get(j));
                    assertThat(rec.candidateEmbedding(j)).containsExactly(e.candEmb().get(j));
                    assertThat((int) rec.labels(j)).isEqualTo(e.labels().get(j));
                    int[] s = new int[rec.selectedCount(j)];
                    rec.selectedTokens(j, s, 0);
                    assertThat(s).as(where + " candidate " + j).containsExactly(e.selected().get(j));
                    List<Token> sAll = rec.selectedTokens(j);
                    assertThat(sAll).hasSize(s.length);
                    for (int k = 0; k < s.length; k++) {
                        assertThat(sAll.get(k)).isEqualTo(e.tokens().get(s[k]));
                    }
                }
                candidates += rec.candidateCount();
                i++;
            }
            assertThat(i).isEqualTo(60);
            assertThat(r.footer().requests()).isEqualTo(60);
            assertThat(r.footer().candidates()).isEqualTo(candidates);
            long clicks = expected.stream().flatMap(e -> e.labels().stream()).filter(l -> (l & Actions.CLICK) != 0).count();
            assertThat(r.footer().positives(0)).isEqualTo(clicks);
        }
        assertThat(ExampleReader.summary(f).footer().candidates()).isPositive();
    }

    @Test
    void copyingRecordsThroughAWriterGivesTheSameBytes() throws IOException {
        Path f = writeRandom("a.lvx", Seeds.seed(102), 20, new ArrayList<>());
        Path g = tmp.resolve("b.lvx");
        try (ExampleReader r = ExampleReader.open(f); ExampleWriter w = new ExampleWriter(g, r.header())) {
            r.forEachRemaining(w::write);
            w.finish();
        }
        assertThat(Files.readAllBytes(g)).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void aTruncatedFileIsAClearErrorWhereverItIsCut() throws IOException {
        Path f = writeRandom("full.lvx", Seeds.seed(103), 5, new ArrayList<>());
        byte[] all = Files.readAllBytes(f);
        int header = ExampleFormat.encodeHeader(HEADER).length;
        int firstRecord = LittleEndian.getInt(all, header + ExampleFormat.R_LENGTH);
        for (int cut : new int[]{0, 3, 11, header - 1, header, header + 4, header + 9, header + firstRecord - 1,
                header + firstRecord, all.length - ExampleFormat.FOOTER_LENGTH, all.length - 1}) {
            Path t = tmp.resolve("cut-" + cut + ".lvx");
            Files.write(t, Arrays.copyOf(all, cut));
            assertThatThrownBy(() -> ExampleBuilderTest.readAll(t)).as("cut at " + cut)
                    .isInstanceOf(InputException.class).hasMessageContaining(t.toString()).hasMessageContaining("truncated");
            if (cut >= header) {
                assertThatThrownBy(() -> ExampleReader.summary(t)).as("summary, cut at " + cut).hasMessageContaining("truncated");
            }
        }
    }

    @Test
    void aWriterClosedWithoutFinishLeavesAFileThatReadsAsTruncated() {
        Path f = tmp.resolve("unfinished.lvx");
        RequestEncoder enc = new RequestEncoder();
        try (ExampleWriter w = new ExampleWriter(f, HEADER)) {
            w.write(enc.buffer(), encode(enc, random(Seeds.random(104), HEADER)));
        }
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(f)).hasMessageContaining("after 1 complete requests").hasMessageContaining("truncated");
    }

    @Test
    void wrongMagicOrVersionNamesBothValues() throws IOException {
        byte[] all = Files.readAllBytes(writeRandom("ok.lvx", Seeds.seed(105), 2, new ArrayList<>()));
        byte[] magic = all.clone();
        LittleEndian.putInt(magic, ExampleFormat.H_MAGIC, 0x12345678);
        Path m = tmp.resolve("magic.lvx");
        Files.write(m, magic);
        assertThatThrownBy(() -> ExampleReader.open(m)).isInstanceOf(InputException.class)
                .hasMessageContaining("not a Longview example file").hasMessageContaining("0x12345678").hasMessageContaining("0x5845564c");
        for (int v : new int[]{0, 3, 99}) {
            byte[] version = all.clone();
            LittleEndian.putInt(version, ExampleFormat.H_VERSION, v);
            Path p = tmp.resolve("v" + v + ".lvx");
            Files.write(p, version);
            assertThatThrownBy(() -> ExampleReader.open(p)).isInstanceOf(InputException.class)
                    .hasMessageContaining("example format version " + v).hasMessageContaining("reads versions 2..2");
        }
        byte[] v1 = all.clone();
        LittleEndian.putInt(v1, ExampleFormat.H_VERSION, 1);
        Path old = tmp.resolve("v1.lvx");
        Files.write(old, v1);
        assertThatThrownBy(() -> ExampleReader.open(old)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("version 1", "rebuild", "longview examples --dataset");
    }

    @Test
    void headerShapesAreChecked() throws IOException {
        byte[] all = Files.readAllBytes(writeRandom("ok.lvx", Seeds.seed(106), 1, new ArrayList<>()));
        byte[] dim = all.clone();
        LittleEndian.putInt(dim, ExampleFormat.H_EMBEDDING_DIM, 31);
        Path d = tmp.resolve("dim.lvx");
        Files.write(d, dim);
        assertThatThrownBy(() -> ExampleReader.open(d)).hasMessageContaining("embedding dimension 31, expected 32");
        byte[] len = all.clone();
        LittleEndian.putInt(len, ExampleFormat.H_MAX_LENGTH, 15);
        Path l = tmp.resolve("len.lvx");
        Files.write(l, len);
        assertThatThrownBy(() -> ExampleReader.open(l)).hasMessageContaining("max sequence length 15, expected 14");
    }

    @Test
    void corruptionIsDetected() throws IOException {
        List<Expected> ex = new ArrayList<>();
        Path f = writeRandom("ok.lvx", Seeds.seed(107), 4, ex);
        byte[] all = Files.readAllBytes(f);
        int header = ExampleFormat.encodeHeader(HEADER).length;
        int footer = all.length - ExampleFormat.FOOTER_LENGTH;

        byte[] flipped = all.clone();
        flipped[header + 8] ^= 1; // a bit of the request id (fixed 8 bytes after the record's marker and length): consistent record, wrong checksum
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(write("flip.lvx", flipped))).hasMessageContaining("checksum").hasMessageContaining("corrupt");

        byte[] count = all.clone();
        // one byte too long: the record takes the next one's first byte, which its decoding finds after its last field
        LittleEndian.putInt(count, header + 4, LittleEndian.getInt(all, header + 4) + 1);
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(write("count.lvx", count))).isInstanceOf(InputException.class)
                .hasMessageContaining("request 0 at byte " + header);

        byte[] footerCount = all.clone();
        LittleEndian.putLong(footerCount, footer + ExampleFormat.F_REQUESTS, 5);
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(write("fc.lvx", footerCount)))
                .hasMessageContaining("the footer counts 5 requests, the file holds 4");

        byte[] marker = all.clone();
        LittleEndian.putInt(marker, header, 0x0badf00d);
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(write("marker.lvx", marker))).hasMessageContaining("unknown record marker 0x0badf00d");

        byte[] extra = Arrays.copyOf(all, all.length + 3);
        assertThatThrownBy(() -> ExampleBuilderTest.readAll(write("extra.lvx", extra))).hasMessageContaining("bytes after the end marker");
    }

    @Test
    void writerRejectsRecordsThatDoNotFitTheHeader() {
        RequestEncoder enc = new RequestEncoder();
        enc.begin(1, 2, 1_700_000_000_000L, 0, 0, 0);
        for (int i = 0; i < HEADER.maxNegatives() + 1; i++) {
            enc.addNegative(i, new byte[32], 0);
        }
        int len = enc.encode();
        try (ExampleWriter w = new ExampleWriter(tmp.resolve("w.lvx"), HEADER)) {
            assertThatThrownBy(() -> w.write(enc.buffer(), len)).hasMessageContaining("7 negatives, expected 0..6");
        }
        enc.begin(1, 2, 1_700_000_000_000L, 0, 0, 0);
        enc.addCandidate(5, new float[32], 0, 0, new int[]{0}, 1);
        assertThatThrownBy(enc::encode).hasMessageContaining("selected index 0 out of the token table of 0");
    }

    private Path write(String name, byte[] b) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static byte[] bytes(SplittableRandom rng) {
        byte[] q = new byte[32];
        for (int d = 0; d < 32; d++) {
            q[d] = (byte) (rng.nextInt(255) - 127);
        }
        return q;
    }
}
