package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.CheckpointWriter;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.io.InputException;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.UserSequences;
import io.longview.kernels.ScalarForward;
import io.longview.kernels.engine.EngineOptions;
import io.longview.synth.RandomWorld;
import io.longview.store.SequenceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A model that takes item statistics: serving computes them from the store's counters with core ItemStatistics at the
 * request time, the engine takes them per candidate (checked against the plain {@link ScalarForward}), explain shows
 * them, and a store that keeps none is refused.
 */
class ItemStatisticsServingTest {
    @TempDir
    Path dir;

    static ModelConfig withItemStatistics() {
        List<String> dense = new ArrayList<>(ModelConfig.DEFAULT_DENSE_FEATURES);
        dense.addAll(ItemStatistics.FEATURE_NAMES);
        return ModelConfig.DEFAULT.toBuilder().denseFeatures(dense).sequence(false).build();
    }

    @Test
    void servingComputesTheStoreCountersFeaturesAtTheRequestTimeAndTheEngineUsesThemPerCandidate() {
        Path ckpt = dir.resolve("stats.lvck");
        CheckpointWriter.write(RandomWorld.randomCheckpoint(withItemStatistics(), 7, "test-stats"), ckpt);
        try (TestServer t = new TestServer(dir, c -> c.withCheckpoint(ckpt), LongviewServer.Hooks.NONE)) {
            long requestTime = t.now + 3_600_000L;
            long[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
            TestServer.Response r = t.post("/v1/rank", "{\"user_id\":1,\"request_time\":" + requestTime
                    + ",\"explain\":true,\"candidates\":[1,2,3,4,5,6,7,8]}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);

            ItemStatistics[] st = t.store.itemStatistics(ids);
            UserSequences user = t.store.read(1);
            var checkpoint = CheckpointReader.read(ckpt);
            int seen = 0;
            for (JsonNode c : r.json().get("results")) {
                int i = c.get("index").asInt();
                float[] item = new float[ItemStatistics.DIM];
                st[i].writeFeatures(requestTime, item, 0);
                seen += st[i].seen() ? 1 : 0;
                JsonNode shown = c.get("item_statistics");
                for (int k = 0; k < ItemStatistics.DIM; k++) {
                    assertThat(shown.get(ItemStatistics.FEATURE_NAMES.get(k)).floatValue()).isEqualTo(item[k]);
                }
                float[] dense = new float[DenseFeatures.DIM + ItemStatistics.DIM];
                DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), requestTime, dense, 0);
                System.arraycopy(item, 0, dense, DenseFeatures.DIM, ItemStatistics.DIM);
                float[] want = ScalarForward.score(checkpoint, List.of(), TestServer.embeddingOf(ids[i]), dense);
                assertThat(c.get("heads").get("click").asDouble()).isCloseTo(want[0], within(1e-5));
                assertThat(c.get("heads").get("hide").asDouble()).isCloseTo(want[2], within(1e-5));
            }
            assertThat(seen).as("candidates with events in the store").isPositive();
        }
    }

    @Test
    void aStoreWithoutItemStatisticsIsRefusedForSuchAModel() throws Exception {
        Path ckpt = dir.resolve("stats.lvck");
        CheckpointWriter.write(RandomWorld.randomCheckpoint(withItemStatistics(), 8, "test-stats"), ckpt);
        // a store that keeps no item statistics (the Kafka Streams tier's TierSequenceStore is one): only the defaults
        InvocationHandler h = (proxy, m, args) -> {
            if (m.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            throw new UnsupportedOperationException(m.getName());
        };
        SequenceStore bare = (SequenceStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{SequenceStore.class}, h);
        try (LoadedModel m = LoadedModel.load(ckpt, new EngineOptions(1), Map.of(), 1)) {
            assertThat(m.engine().needsItemFeatures()).isTrue();
            assertThatThrownBy(() -> RankingService.requireItemStatistics(m, bare)).isInstanceOf(InputException.class)
                    .hasMessageContaining("does not keep").hasMessageContaining("--item-features none");
        }
        Path plain = RandomWorld.writeRandomCheckpoint(dir.resolve("plain.lvck"), 9, "plain");
        try (LoadedModel m = LoadedModel.load(plain, new EngineOptions(1), Map.of(), 1)) {
            RankingService.requireItemStatistics(m, bare); // no need, no refusal
        }
    }
}
