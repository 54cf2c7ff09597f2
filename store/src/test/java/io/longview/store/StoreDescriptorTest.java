package io.longview.store;

import io.longview.core.model.SequenceLimits;
import io.longview.store.StoreDescriptor.ChunkEntry;
import io.longview.store.StoreDescriptor.UserRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte layout of format version 1, against bytes written out by hand from the diagram in
 * {@link StoreDescriptor}: a change of layout must fail here (and then needs a new version).
 */
class StoreDescriptorTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    @Test
    void headerBytes() {
        byte[] expected = hex("""
                4C565351 0100 2400 2000 0000
                6666263F
                64000000 803E0000 64000000
                C027090000000000
                """);
        assertThat(StoreDescriptor.encodeHeader(0.65f, SequenceLimits.DEFAULT)).isEqualTo(expected);
        StoreDescriptor.Header h = StoreDescriptor.decodeHeader(expected, "test");
        assertThat(h.formatVersion()).isEqualTo(1);
        assertThat(h.clip()).isEqualTo(0.65f);
        assertThat(h.limits()).isEqualTo(SequenceLimits.DEFAULT);
    }

    @Test
    void headerReaderTrustsNothing() {
        byte[] good = StoreDescriptor.encodeHeader(0.65f, SequenceLimits.DEFAULT);
        assertThatThrownBy(() -> StoreDescriptor.decodeHeader(new byte[]{1, 2}, "store x"))
                .isInstanceOf(StoreException.class).hasMessageContaining("store x is not a Longview store");
        byte[] newer = good.clone();
        newer[4] = 3;
        assertThatThrownBy(() -> StoreDescriptor.decodeHeader(newer, "store x"))
                .hasMessageContaining("format version 3").hasMessageContaining("up to 1");
        byte[] narrow = good.clone();
        narrow[8] = 31;
        assertThatThrownBy(() -> StoreDescriptor.decodeHeader(narrow, "store x"))
                .hasMessageContaining("31 dimensions, expected 32");
        assertThatThrownBy(() -> StoreDescriptor.decodeHeader(Arrays.copyOf(good, 30), "store x"))
                .hasMessageContaining("expected at least 36");
        byte[] badLimits = good.clone();
        badLimits[16] = 0; // realtime 0
        assertThatThrownBy(() -> StoreDescriptor.decodeHeader(badLimits, "store x"))
                .hasMessageContaining("realtime 0");
        // a longer header of a later minor revision is fine
        assertThat(StoreDescriptor.decodeHeader(Arrays.copyOf(good, 40), "x").limits()).isEqualTo(SequenceLimits.DEFAULT);
    }

    @Test
    void keysSortInNumericOrder() {
        assertThat(StoreDescriptor.userKey(0)).isEqualTo(hex("8000000000000000"));
        assertThat(StoreDescriptor.userKey(-1)).isEqualTo(hex("7FFFFFFFFFFFFFFF"));
        assertThat(StoreDescriptor.chunkKey(1, 2)).isEqualTo(hex("8000000000000001 00000002"));
        assertThat(StoreDescriptor.itemKey(Long.MIN_VALUE)).isEqualTo(hex("0000000000000000"));
        List<Long> ids = List.of(Long.MIN_VALUE, -300L, -1L, 0L, 1L, 255L, 256L, Long.MAX_VALUE);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Arrays.compareUnsigned(StoreDescriptor.userKey(ids.get(i - 1)), StoreDescriptor.userKey(ids.get(i)))).isNegative();
            assertThat(StoreDescriptor.userIdOf(StoreDescriptor.userKey(ids.get(i)))).isEqualTo(ids.get(i));
            assertThat(StoreDescriptor.userIdOf(StoreDescriptor.chunkKey(ids.get(i), 9))).isEqualTo(ids.get(i));
            assertThat(StoreDescriptor.itemIdOf(StoreDescriptor.itemKey(ids.get(i)))).isEqualTo(ids.get(i));
        }
    }

    @Test
    void chunkBytes() {
        byte[] emb = new byte[64];
        for (int d = 0; d < 32; d++) {
            emb[d] = (byte) d;
            emb[32 + d] = (byte) -d;
        }
        byte[] encoded = StoreDescriptor.encodeChunk(new long[]{1_000, 999}, new long[]{5, -1}, new byte[]{1, 8}, new byte[]{0, 15}, emb, 2);
        StringBuilder embHex = new StringBuilder();
        for (byte b : emb) {
            embHex.append(String.format("%02X", b));
        }
        byte[] expected = hex("02000000" + "E803000000000000 E703000000000000" + "0500000000000000 FFFFFFFFFFFFFFFF"
                + "0108" + "000F" + embHex);
        assertThat(encoded).isEqualTo(expected);
        assertThat(encoded).hasSize(StoreDescriptor.chunkLength(2)).hasSize(104);

        int n = StoreDescriptor.chunkCount(1, 1, encoded, 1);
        long[] ts = new long[3];
        long[] items = new long[3];
        byte[] actions = new byte[3];
        byte[] surfaces = new byte[3];
        byte[] embeddings = new byte[96];
        StoreDescriptor.decodeChunk(encoded, n, 1, ts, items, actions, surfaces, embeddings, 1); // the newest token only, at index 1
        assertThat(ts).containsExactly(0, 1_000, 0);
        assertThat(items).containsExactly(0, 5, 0);
        assertThat(actions).containsExactly(0, 1, 0);
        assertThat(Arrays.copyOfRange(embeddings, 32, 64)).containsExactly(Arrays.copyOf(emb, 32));

        assertThatThrownBy(() -> StoreDescriptor.chunkCount(1, 4, Arrays.copyOf(encoded, 103), 1))
                .isInstanceOf(StoreException.class).hasMessageContaining("user 1: chunk 4 of 103 bytes claims 2 tokens");
        assertThatThrownBy(() -> StoreDescriptor.chunkCount(1, 4, encoded, 3))
                .isInstanceOf(StoreException.class).hasMessageContaining("3 live");
    }

    @Test
    void userRecordBytes() {
        // one sealed explicit chunk behind a 1-token explicit head (ts 2000, item 6, save, surface 1, embedding all 7)
        UserRecord r = new UserRecord(7, 1, 0, new ChunkEntry[]{new ChunkEntry(3, 256, 1_000, 5)}, new ChunkEntry[0]);
        byte[] b = StoreDescriptor.newUserRecord(r);
        byte[] emb = new byte[32];
        Arrays.fill(emb, (byte) 7);
        StoreDescriptor.writeBlock(b, r.explicitHeadOffset(), 1, new long[]{2_000}, new long[]{6}, new byte[]{2}, new byte[]{1}, emb);
        byte[] expected = hex("07000000 01000000 00000000 01000000 00000000"
                + "03000000 00010000 E803000000000000 0500000000000000"
                + "D007000000000000 0600000000000000 02 01" + "07".repeat(32));
        assertThat(b).isEqualTo(expected);
        assertThat(r.explicitHeadOffset()).isEqualTo(44);
        assertThat(r.impressionHeadOffset()).isEqualTo(94);
        assertThat(r.length()).isEqualTo(94);

        UserRecord back = StoreDescriptor.decodeUserRecord(1, b);
        assertThat(back.nextChunkId()).isEqualTo(7);
        assertThat(back.explicit()).containsExactly(new ChunkEntry(3, 256, 1_000, 5));
        assertThat(back.impressions()).isEmpty();
        assertThat(back.explicitCount()).isEqualTo(257);
        assertThat(back.impressionCount()).isZero();
        assertThatThrownBy(() -> StoreDescriptor.decodeUserRecord(1, Arrays.copyOf(b, 93)))
                .isInstanceOf(StoreException.class).hasMessageContaining("corrupt store: user 1");
        byte[] deadChunk = b.clone();
        deadChunk[24] = 0;
        deadChunk[25] = 0;
        assertThatThrownBy(() -> StoreDescriptor.decodeUserRecord(1, deadChunk)).hasMessageContaining("live count 0");
        // a tier with sealed chunks always has a head
        byte[] noHead = StoreDescriptor.newUserRecord(new UserRecord(7, 1, 0, new ChunkEntry[0], new ChunkEntry[]{new ChunkEntry(4, 1, 999, -1)}));
        assertThatThrownBy(() -> StoreDescriptor.decodeUserRecord(1, noHead)).hasMessageContaining("empty head");
    }

    @Test
    void itemBytes() {
        float[] e = new float[32];
        e[0] = 1.0f;
        e[31] = -2.0f;
        byte[] b = StoreDescriptor.encodeItem(e);
        assertThat(Arrays.copyOf(b, 4)).isEqualTo(hex("0000803F"));
        assertThat(Arrays.copyOfRange(b, 124, 128)).isEqualTo(hex("000000C0"));
        float[] back = new float[33];
        StoreDescriptor.decodeItem(b, 9, back, 1);
        assertThat(Arrays.copyOfRange(back, 1, 33)).containsExactly(e);
        assertThatThrownBy(() -> StoreDescriptor.decodeItem(new byte[12], 9, back, 0)).hasMessageContaining("item 9 has 12 bytes");
    }
}
