package io.longview.synth;

import io.longview.core.model.Actions;
import io.longview.core.model.Surfaces;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticWorldTest {
    private final long seed = Seeds.seed(42);
    private final WorldConfig config = WorldConfig.defaults().withUsers(120).withSeed(seed);
    private final SyntheticWorld world = SyntheticWorld.create(config);
    private final long window = config.feed().labelWindowMs();

    @Test
    void eventsAreValidAndInTimeOrderWithinTheWorld() {
        for (long u = 1; u <= config.users(); u++) {
            UserEvents ev = world.simulate(u);
            UserProfile p = world.profile(u);
            assertThat(ev.size()).as("user %d, seed %d", u, seed).isPositive();
            for (int i = 0; i < ev.size(); i++) {
                ev.event(i); // validates action bit, surface, timestamp range
                assertThat(ev.timestamp(i)).isGreaterThanOrEqualTo(p.joinMs());
                if (i > 0) {
                    assertThat(ev.timestamp(i)).as("user %d event %d", u, i).isGreaterThanOrEqualTo(ev.timestamp(i - 1));
                }
                if (ev.kind(i) != UserEvents.OUTCOME) {
                    assertThat(ev.timestamp(i)).isLessThan(config.endMs() + window);
                }
            }
        }
    }

    @Test
    void requestsShowTwentyDistinctItemsAtOneTimeAndOutcomesFollowWithinTheWindow() {
        int requests = 0;
        for (long u = 1; u <= config.users(); u++) {
            UserEvents ev = world.simulate(u);
            Map<Integer, Long> time = new HashMap<>();
            Map<Integer, Set<Long>> shown = new HashMap<>();
            Map<Integer, Set<Long>> engagedOrHidden = new HashMap<>();
            for (int i = 0; i < ev.size(); i++) {
                if (ev.kind(i) == UserEvents.IMPRESSION) {
                    assertThat(ev.action(i)).isEqualTo(Actions.IMPRESSION);
                    assertThat((int) ev.surface(i)).isEqualTo(Surfaces.HOME);
                    Long t = time.putIfAbsent(ev.request(i), ev.timestamp(i));
                    assertThat(t == null || t == ev.timestamp(i)).as("one timestamp per request").isTrue();
                    assertThat(shown.computeIfAbsent(ev.request(i), k -> new HashSet<>()).add(ev.itemId(i)))
                            .as("user %d request %d shows item %d twice", u, ev.request(i), ev.itemId(i)).isTrue();
                }
            }
            assertThat(shown).hasSize(ev.requests());
            requests += ev.requests();
            shown.values().forEach(items -> assertThat(items).hasSize(config.feed().impressionsPerRequest()));
            for (int i = 0; i < ev.size(); i++) {
                if (ev.kind(i) == UserEvents.OUTCOME) {
                    long t = time.get(ev.request(i));
                    assertThat(ev.timestamp(i)).as("outcome after its request, within the label window")
                            .isGreaterThan(t).isLessThan(t + window);
                    assertThat(shown.get(ev.request(i))).contains(ev.itemId(i));
                    assertThat(Actions.isExplicit(ev.action(i))).isTrue();
                    engagedOrHidden.computeIfAbsent(ev.request(i), k -> new HashSet<>()).add(ev.itemId(i));
                } else if (ev.kind(i) == UserEvents.ORGANIC) {
                    // no organic event lands on a shown item inside its label window: labels are the outcomes alone
                    for (Map.Entry<Integer, Long> r : time.entrySet()) {
                        if (ev.timestamp(i) >= r.getValue() && ev.timestamp(i) < r.getValue() + window) {
                            assertThat(shown.get(r.getKey())).doesNotContain(ev.itemId(i));
                        }
                    }
                }
            }
            // the annotation agrees with the outcome events
            for (int i = 0; i < ev.size(); i++) {
                if (ev.kind(i) == UserEvents.IMPRESSION) {
                    boolean has = engagedOrHidden.getOrDefault(ev.request(i), Set.of()).contains(ev.itemId(i));
                    assertThat(ev.outcome(i) != 0).isEqualTo(has);
                    assertThat(Actions.isEngaged(ev.outcome(i)) && (ev.outcome(i) & Actions.HIDE) != 0).as("hide excludes engagement").isFalse();
                }
            }
        }
        assertThat(requests).as("seed %d", seed).isGreaterThan(500);
    }

    @Test
    void profilesHaveDistinctTopicsAndDormantWindowsInsideTheWorld() {
        for (long u = 1; u <= config.users(); u++) {
            UserProfile p = world.profile(u);
            Set<Integer> all = new HashSet<>();
            for (int t : p.coreTopics()) {
                assertThat(all.add(t)).isTrue();
            }
            for (int t : p.dormantTopics()) {
                assertThat(all.add(t)).isTrue();
            }
            for (int t : p.dislikedTopics()) {
                assertThat(all.add(t)).isTrue();
            }
            assertThat(p.coreTopics().length).isBetween(2, 4);
            assertThat(p.dormant().length).isBetween(2, 4);
            assertThat(p.dislikedTopics().length).isBetween(1, 3);
            assertThat(java.util.Arrays.stream(p.coreWeights()).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            for (UserProfile.DormantInterest d : p.dormant()) {
                assertThat(d.activeFromMs()).isGreaterThanOrEqualTo(p.joinMs());
                assertThat(d.activeToMs()).isGreaterThan(d.activeFromMs()).isLessThanOrEqualTo(config.endMs());
                if (d.returnFromMs() >= 0) {
                    assertThat(d.returnFromMs() - d.activeToMs()).isGreaterThanOrEqualTo(90L * 86_400_000);
                    assertThat(d.returnToMs()).isLessThanOrEqualTo(config.endMs());
                }
            }
            assertThat(p).isEqualTo(world.profile(u));
        }
    }

    @Test
    void aUserIsTheSameWhateverTheWorldSizeAndCallOrder() {
        SyntheticWorld bigger = SyntheticWorld.create(config.withUsers(5_000));
        for (long u : new long[]{config.users(), 1, 17}) {
            UserEvents a = world.simulate(u);
            UserEvents b = bigger.simulate(u);
            assertThat(b.size()).isEqualTo(a.size());
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.event(i)).isEqualTo(a.event(i));
            }
        }
    }

    @Test
    void usersOutsideTheWorldAreRejected() {
        assertThatThrownBy(() -> world.simulate(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..120");
        assertThatThrownBy(() -> world.profile(121)).isInstanceOf(IllegalArgumentException.class);
    }
}
