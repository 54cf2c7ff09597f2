package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Surfaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.longview.store.StoreTesting.T0;
import static io.longview.store.StoreTesting.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ItemCatalogTest {
    @TempDir
    Path dir;

    @Test
    void embeddingsRoundTripExactlyAndSurviveReopen() {
        float[] awkward = embedding(3);
        awkward[0] = Float.MIN_VALUE;
        awkward[1] = -0.0f;
        awkward[2] = Float.MAX_VALUE;
        awkward[3] = -1e-30f;
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) {
            ItemCatalog catalog = store.catalog();
            catalog.put(3, awkward);
            catalog.put(-8, embedding(-8));
            assertThat(catalog.get(3)).isEqualTo(awkward);
            assertThat(catalog.contains(-8)).isTrue();
            assertThat(catalog.contains(4)).isFalse();
        }
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) {
            assertThat(store.catalog().get(3)).containsExactly(awkward);
            float[] dst = new float[40];
            store.catalog().copy(-8, dst, 8);
            assertThat(java.util.Arrays.copyOfRange(dst, 8, 40)).containsExactly(embedding(-8));
            assertThat(store.catalog().size()).isEqualTo(2);
        }
    }

    @Test
    void sizeCountsDistinctItems() {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) {
            ItemCatalog catalog = store.catalog();
            StoreTesting.putItems(catalog, 0, 100);
            StoreTesting.putItems(catalog, 50, 150); // 50 replaced, 50 new
            catalog.put(7, embedding(1_000));
            catalog.putAll(Map.of(1_000L, embedding(1_000), 1_001L, embedding(1_001)));
            // one call naming an item twice counts it once
            float[] twice = new float[64];
            catalog.putAll(new long[]{2_000, 2_000}, twice);
            assertThat(catalog.size()).isEqualTo(153);
            assertThat(catalog.get(7)).containsExactly(embedding(1_000));
            List<Long> ids = new ArrayList<>();
            catalog.forEachItem((id, e) -> ids.add(id));
            assertThat(ids).hasSize(153).isSorted();
        }
    }

    @Test
    void badEmbeddingsAreRefusedWithNothingWritten() {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) {
            ItemCatalog catalog = store.catalog();
            assertThatThrownBy(() -> catalog.put(5, new float[31]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("item 5 has 31 values, expected 32");
            float[] flat = new float[3 * 32];
            flat[2 * 32 + 7] = Float.NaN;
            assertThatThrownBy(() -> catalog.putAll(new long[]{1, 2, 3}, flat))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("item 3")
                    .hasMessageContaining("dimension 7");
            assertThatThrownBy(() -> catalog.putAll(new long[]{1, 2}, flat))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 item ids need 64 embedding values");
            assertThat(catalog.size()).isZero();
            assertThat(catalog.contains(1)).isFalse();
            assertThatThrownBy(() -> catalog.get(1))
                    .isInstanceOf(ItemEmbeddings.UnknownItemException.class)
                    .hasMessageContaining("item 1 has no embedding");
        }
    }

    @Test
    void aTokenKeepsTheEmbeddingItsItemHadWhenTheTokenWasCreated() {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) {
            store.catalog().put(1, embedding(100));
            store.append(List.of(Event.of(9, 1, T0, Actions.CLICK, Surfaces.HOME)));
            store.catalog().put(1, embedding(200));
            store.append(List.of(Event.of(9, 1, T0 + 1_000, Actions.SAVE, Surfaces.HOME),       // same token: old embedding
                    Event.of(9, 1, T0 + 3_600_000, Actions.CLICK, Surfaces.HOME)));             // new token: new embedding
            var s = store.read(9).realtime();
            assertThat(s.size()).isEqualTo(2);
            assertThat(s.token(0).embedding()).containsExactly(Quantizer.DEFAULT.quantize(embedding(200)));
            assertThat(s.token(1).embedding()).containsExactly(Quantizer.DEFAULT.quantize(embedding(100)));
            assertThat(s.token(1).actions()).isEqualTo((byte) (Actions.CLICK | Actions.SAVE));
        }
    }

    @Test
    void tokensAreQuantizedWithTheStoresClip() {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withClip(2.0f))) {
            float[] e = new float[32];
            e[0] = 1.0f;   // 1.0 / 2.0 * 127 = 63.5 → 64 (half to even)
            e[1] = -3.0f;  // clamped to -127
            e[2] = 0.5f;   // 31.75 → 32
            store.catalog().put(1, e);
            store.append(List.of(Event.of(9, 1, T0, Actions.CLICK, Surfaces.HOME)));
            byte[] q = store.read(9).realtime().token(0).embedding();
            assertThat(q[0]).isEqualTo((byte) 64);
            assertThat(q[1]).isEqualTo((byte) -127);
            assertThat(q[2]).isEqualTo((byte) 32);
            assertThat(q[3]).isZero();
        }
    }
}
