package io.longview.synth;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorldConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        WorldConfig c = WorldConfig.defaults();
        assertThat(c.users()).isEqualTo(2_000);
        assertThat(WorldConfig.small().users()).isEqualTo(50);
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.startMs()).isEqualTo(1_672_531_200_000L); // 2023-01-01T00:00:00Z
        assertThat(c.endMs() - c.startMs()).isEqualTo(730L * 86_400_000);
        assertThat(c.splitTimeMs()).isEqualTo(c.startMs() + (long) (0.9 * 730 * 86_400_000L));
        assertThat(c.feed().labelWindowMs()).isEqualTo(600_000);
        assertThat(c.feed().randomShare()).isCloseTo(0.39, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.datasetName()).isEqualTo("synthetic-2000");
        assertThat(c.gzipEvents()).isFalse();
    }

    @Test
    void parametersMirrorTheRecordInDeclarationOrder() {
        Map<String, Object> p = WorldConfig.defaults().withUsers(7).withGzipEvents(true).toParameters();
        assertThat(p.keySet()).containsExactly("users", "seed", "startMs", "spanDays", "splitFraction", "catalog", "activity",
                "interests", "sessions", "feed", "engagement", "gzipEvents");
        assertThat(p).containsEntry("users", 7).containsEntry("gzipEvents", true);
        assertThat(p.get("engagement")).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) p.get("catalog")).get("topics")).isEqualTo(64);
    }

    @Test
    void invalidSettingsAreRejectedNamingTheValue() {
        WorldConfig c = WorldConfig.defaults();
        assertThatThrownBy(() -> c.withUsers(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users").hasMessageContaining("0");
        assertThatThrownBy(() -> c.withCatalog(new WorldConfig.Catalog(8, 300, 0.2, 0.1, 0.7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 topics");
        assertThatThrownBy(() -> c.withCatalog(new WorldConfig.Catalog(64, 10, 0.2, 0.1, 0.7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("impressionsPerRequest");
        assertThatThrownBy(() -> new WorldConfig.Feed(0.3, 20, 0.1, 0.16, 0.15, 0.3, 600_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resurfaceProbability");
        assertThatThrownBy(() -> new WorldConfig.Feed(0.3, 20, 0.4, 0.16, 0.5, 0.5, 600_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("≤ 1");
        assertThatThrownBy(() -> new WorldConfig.Feed(0.3, 20, 0.4, 0.16, 0.15, 0.3, 1_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelWindowMs");
        assertThatThrownBy(() -> new WorldConfig.Activity(250, 1.4, 100, 50, 0.2, 10, 3, 4, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[100, 50]");
        assertThatThrownBy(() -> new WorldConfig.Activity(250, 1.4, 20, 50_000, 0.2, 10, 3, 4, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minSessionGapMinutes");
        assertThatThrownBy(() -> new WorldConfig.Sessions(1.5, 0.4, 0.05, 0.02, 0.3, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("continueProbability");
        assertThatThrownBy(() -> new WorldConfig.Engagement(Double.NaN, 4, 2, 1.5, 0.5, 0.4, -3, 2.5, 1.5, -9, 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }
}
