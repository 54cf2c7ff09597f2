package io.longview.synth;

import io.longview.core.model.Quantizer;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class TopicCatalogTest {
    private final long seed = Seeds.seed(42);
    private final TopicCatalog catalog = TopicCatalog.build(WorldConfig.Catalog.DEFAULT, seed);

    @Test
    void itemIdsAreAPermutationWithEqualTopics() {
        int[] perTopic = new int[catalog.topics()];
        boolean[] seen = new boolean[catalog.items() + 1];
        for (int t = 0; t < catalog.topics(); t++) {
            for (int r = 0; r < catalog.itemsPerTopic(); r++) {
                long id = catalog.itemAt(t, r);
                assertThat(seen[(int) id]).as("item %d twice", id).isFalse();
                seen[(int) id] = true;
                assertThat(catalog.topicOf(id)).isEqualTo(t);
                perTopic[t]++;
            }
        }
        assertThat(catalog.items()).isEqualTo(64 * 300);
        assertThat(perTopic).containsOnly(300);
        // ids do not reveal topics: the first 300 ids span many topics
        long topicsOfFirstIds = LongStream.rangeClosed(1, 300).map(catalog::topicOf).distinct().count();
        assertThat(topicsOfFirstIds).as("seed %d", seed).isGreaterThan(50);
    }

    @Test
    void embeddingsAreUnitishScaleAndSurviveTheQuantizer() {
        double sq = 0;
        long n = 0;
        long clipped = 0;
        double maxRoundTrip = 0;
        Quantizer qz = Quantizer.DEFAULT;
        for (long id = 1; id <= catalog.items(); id++) {
            for (float v : catalog.embedding(id)) {
                sq += v * v;
                n++;
                if (Math.abs(v) > qz.clip()) {
                    clipped++;
                } else {
                    maxRoundTrip = Math.max(maxRoundTrip, Math.abs(qz.dequantize(qz.quantize(v)) - v));
                }
            }
        }
        double scale = Math.sqrt(sq / n);
        assertThat(scale).as("per-dimension scale, seed %d", seed).isBetween(0.2, 0.3);
        assertThat((double) clipped / n).as("share beyond the clip").isLessThan(0.01);
        assertThat(maxRoundTrip).isLessThanOrEqualTo(qz.clip() / 254 + 1e-6);
    }

    @Test
    void itemsClusterAroundTheirTopic() {
        double own = 0;
        double other = 0;
        double otherSq = 0;
        int n = 0;
        for (long id = 1; id <= catalog.items(); id += 7) {
            int t = catalog.topicOf(id);
            own += catalog.cosine(id, t);
            double c = catalog.cosine(id, (t + 1) % catalog.topics());
            other += c;
            otherSq += c * c;
            n++;
        }
        assertThat(own / n).as("own-topic cosine").isBetween(0.85, 0.95);
        assertThat(other / n).as("other-topic cosine").isBetween(-0.05, 0.05);
        assertThat(Math.sqrt(otherSq / n)).as("other-topic cosine spread").isLessThan(0.25);
    }

    @Test
    void popularityFollowsRank() {
        WorldRandom rng = WorldRandom.stream(seed, 77, 0);
        int[] byRank = new int[catalog.itemsPerTopic()];
        int[] rankOf = new int[catalog.items() + 1];
        for (int r = 0; r < catalog.itemsPerTopic(); r++) {
            rankOf[(int) catalog.itemAt(5, r)] = r;
        }
        for (int i = 0; i < 100_000; i++) {
            long id = catalog.sample(5, rng);
            assertThat(catalog.topicOf(id)).isEqualTo(5);
            byRank[rankOf[(int) id]]++;
        }
        // P(rank r) ∝ (r+1)^-0.7: rank 0 vs rank 9 ≈ 10^0.7 ≈ 5
        assertThat((double) byRank[0] / byRank[9]).isBetween(4.0, 6.2);
        assertThat(byRank[0]).isGreaterThan(byRank[50]);
    }

    @Test
    void sameSeedSameCatalogOtherSeedOther() {
        TopicCatalog again = TopicCatalog.build(WorldConfig.Catalog.DEFAULT, seed);
        TopicCatalog other = TopicCatalog.build(WorldConfig.Catalog.DEFAULT, seed + 1);
        assertThat(again.embedding(123)).containsExactly(catalog.embedding(123));
        assertThat(again.centre(3)).containsExactly(catalog.centre(3));
        assertThat(other.embedding(123)).isNotEqualTo(catalog.embedding(123));
    }
}
