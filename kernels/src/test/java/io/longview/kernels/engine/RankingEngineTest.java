package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Actions;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.testing.AllClose;
import io.longview.kernels.VectorKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.longview.kernels.engine.EngineFixtures.D;
import static io.longview.kernels.engine.EngineFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fused engine against the reference ranking (core's CandidateSelector, then ScalarForward per candidate) on
 * seeded random checkpoints: identical selections, scores within rtol 1e-4 / atol 1e-5. Histories empty, short and
 * full (16,000 + 100 + 100); N 1, 7, 128; one and two threads; the V2, no-sequence, RT-only, MOST_RECENT and RANDOM
 * configurations. Runs under both kernel implementations (the module's two surefire executions).
 */
class RankingEngineTest {
    static final double RTOL = 1e-4, ATOL = 1e-5;
    private static final Map<String, Checkpoint> CHECKPOINTS = new HashMap<>();
    private static final Map<String, UserSequences> USERS = new HashMap<>();

    static ModelConfig config(String name) {
        ModelConfig base = ModelConfig.DEFAULT;
        return switch (name) {
            case "v2" -> base;
            case "no-sequence" -> base.toBuilder().sequence(false).build();
            case "rt-only" -> base.toBuilder().selection(SelectionConfig.REALTIME_ONLY).build();
            case "most-recent" -> base.toBuilder().selection(new SelectionConfig(96, 32, 32, 32, SelectionRule.MOST_RECENT)).build();
            case "random" -> base.toBuilder().selection(new SelectionConfig(96, 32, 32, 32, SelectionRule.RANDOM)).build();
            // odd sizes: one layer, d_ff 7, a longer position table, two heads, two dense features, no cross layers
            case "odd" -> base.toBuilder().layers(1).dFf(7).seqLength(200).heads(List.of("click", "hide"))
                    .denseFeatures(List.of("hour_of_day", "log_lifelong_length")).crossLayers(0).mlp(List.of(9))
                    .selection(new SelectionConfig(5, 3, 2, 4, SelectionRule.NEAREST)).surfaces(5).build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static synchronized Checkpoint checkpoint(String name) {
        return CHECKPOINTS.computeIfAbsent(name, n -> EngineFixtures.randomCheckpoint(config(n), 31L * n.hashCode()));
    }

    static synchronized UserSequences user(String history, int surfaces) {
        return USERS.computeIfAbsent(history + "/" + surfaces, k -> switch (history) {
            case "empty" -> UserSequences.empty(1);
            case "short" -> EngineFixtures.user(11, 5, 40, 3, surfaces); // a few LL and imp, RT past r = 32
            case "full" -> EngineFixtures.user(12, 16_000, 100, 100, surfaces);
            default -> throw new IllegalArgumentException(history);
        });
    }

    @AfterAll
    static void clear() {
        CHECKPOINTS.clear();
        USERS.clear();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String cfg : List.of("v2", "no-sequence", "rt-only", "most-recent", "random", "odd")) {
            for (String history : List.of("empty", "short", "full")) {
                for (int n : new int[]{1, 7, 128}) {
                    for (int threads : new int[]{1, 2}) {
                        // the scalar reference is slow at 16k × 128: the large case once per configuration
                        if (n == 128 && history.equals("full") && threads == 1) {
                            continue;
                        }
                        if (n == 128 && history.equals("full") && !cfg.equals("v2") && !cfg.equals("rt-only")) {
                            continue;
                        }
                        out.add(Arguments.of(cfg, history, n, threads));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} history={1} n={2} threads={3}")
    @MethodSource("cases")
    void matchesTheReference(String cfg, String history, int n, int threads) {
        Checkpoint ck = checkpoint(cfg);
        UserSequences user = user(history, ck.config().surfaces());
        long seed = 100L * n + history.length();
        float[] cands = EngineFixtures.candidates(seed, n, user);
        long time = NOW + 7 * 3_600_000L;
        EngineFixtures.Reference ref = EngineFixtures.reference(ck, user, time, cands, n);
        String what = cfg + " history=" + history + " n=" + n + " threads=" + threads + " kernels=" + VectorKernels.implementation()
                + " seed " + seed;
        try (RankingEngine engine = RankingEngine.of(ck, new EngineOptions(threads))) {
            for (int round = 0; round < 2; round++) { // the second round reuses the arenas
                RankResult res = engine.rank(user, time, cands, n, true);
                assertThat(res.candidates()).isEqualTo(n);
                assertThat(res.heads()).isEqualTo(ck.config().heads());
                for (int i = 0; i < n; i++) {
                    List<int[]> got = EngineFixtures.pickedOf(res.selections().get(i));
                    List<int[]> want = ref.selections().get(i);
                    assertThat(EngineFixtures.describe(got)).as("selection of candidate %d, %s", i, what)
                            .isEqualTo(EngineFixtures.describe(want));
                }
                double[] expected = new double[ref.probabilities().length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = ref.probabilities()[i];
                }
                AllClose.assertAllClose(what, res.probabilities(), expected, RTOL, ATOL);
                RankResult plain = engine.rank(user, time, cands, n, false);
                assertThat(plain.selections()).isNull();
                // not bit-equal: the Vector API's exp may round differently once C2 compiles it (SVML) than before
                double[] first = new double[n * ck.config().heads().size()];
                for (int i = 0; i < first.length; i++) {
                    first[i] = res.probabilities()[i];
                }
                AllClose.assertAllClose("explain does not change scores, " + what, plain.probabilities(), first, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void concurrentRequestsGetTheirOwnArenas() throws Exception {
        Checkpoint ck = checkpoint("v2");
        UserSequences a = user("short", ck.config().surfaces());
        UserSequences b = EngineFixtures.user(99, 300, 100, 100, ck.config().surfaces());
        float[] ca = EngineFixtures.candidates(1, 40, a);
        float[] cb = EngineFixtures.candidates(2, 33, b);
        try (RankingEngine engine = RankingEngine.of(ck, new EngineOptions(2))) {
            float[] wantA = engine.rank(a, NOW, ca, 40, false).probabilities();
            float[] wantB = engine.rank(b, NOW, cb, 33, false).probabilities();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                boolean useA = t % 2 == 0;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 10; i++) {
                            float[] got = useA ? engine.rank(a, NOW, ca, 40, false).probabilities()
                                    : engine.rank(b, NOW, cb, 33, false).probabilities();
                            float[] want = useA ? wantA : wantB;
                            for (int j = 0; j < want.length; j++) {
                                assertThat(Math.abs(got[j] - want[j])).isLessThanOrEqualTo(1e-6f + 1e-5f * Math.abs(want[j]));
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void zeroCandidatesAndBadInputs() {
        Checkpoint ck = checkpoint("v2");
        UserSequences user = user("short", ck.config().surfaces());
        try (RankingEngine engine = RankingEngine.of(ck, new EngineOptions(2))) {
            RankResult r = engine.rank(user, NOW, new float[0], 0, true);
            assertThat(r.candidates()).isZero();
            assertThat(r.selections()).isEmpty();
            assertThatThrownBy(() -> engine.rank(user, NOW, new float[31], 1, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("31").hasMessageContaining("1 × 32");
            float[] nan = new float[D];
            nan[3] = Float.NaN;
            assertThatThrownBy(() -> engine.rank(user, NOW, nan, 1, false)).hasMessageContaining("candidate 0 value 3 is NaN");
            Token bad = new Token(NOW - 1, Actions.CLICK, (byte) 15, 1, new byte[D]);
            UserSequences badUser = new UserSequences(3, TokenSequence.of(List.of(bad)), TokenSequence.empty(), TokenSequence.empty());
            Checkpoint odd = checkpoint("odd"); // 5 surfaces
            try (RankingEngine e2 = RankingEngine.of(odd, new EngineOptions(1))) {
                assertThatThrownBy(() -> e2.rank(badUser, NOW, new float[D], 1, false)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("surface 15").hasMessageContaining("5");
            }
        }
        RankingEngine closed = RankingEngine.of(ck, new EngineOptions(2));
        closed.close();
        assertThatThrownBy(() -> closed.rank(user, NOW, new float[0], 0, false)).isInstanceOf(IllegalStateException.class);
    }
}
