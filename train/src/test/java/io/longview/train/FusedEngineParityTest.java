package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDManager;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.model.Actions;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.core.testing.AllClose;
import io.longview.core.testing.Seeds;
import io.longview.examples.ExampleHeader;
import io.longview.examples.RequestRecord;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankResult;
import io.longview.kernels.engine.RankingEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused serving engine ({@code kernels}' {@link RankingEngine}) against the DJL training forward
 * ({@link TransActModel#forward}) on the same weights: the engine's selected tokens equal core's
 * {@link CandidateSelector}'s (the example builder's one selection path), and fed those tokens as a {@link Batch},
 * the DJL forward gives the engine's probabilities within rtol 1e-4 / atol 1e-5. Seeded random weights and weights
 * after a few training steps; empty, short and 16k-token histories.
 */
class FusedEngineParityTest {
    static final ModelConfig SMALL = TestConfigs.mlp(32, 16);
    static final long NOW = 1_764_000_000_000L + 13 * 3_600_000L;
    static final int D = Token.EMBEDDING_DIM;

    @TempDir
    Path tmp;

    @Test
    void randomWeightsScoreAlike() {
        long seed = Seeds.seed(41);
        Provenance prov = Provenance.of("test", seed, "test", Instant.parse("2026-11-25T00:00:00Z"), 0);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            Checkpoint ck = CheckpointExport.toCheckpoint(model, prov);
            checkAllHistories(model, ck, seed);
        }
    }

    @Test
    void trainedWeightsScoreAlike() {
        long seed = Seeds.seed(42);
        Path file = SmallLogs.random(seed, 4, 8, 150).build(tmp.resolve("ex"));
        SmallLogs.Examples examples = SmallLogs.read(file);
        List<RequestRecord> records = examples.records();
        ExampleHeader header = examples.header();
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(32).withEpochs(1).withLearningRate(3e-3f)
                .withWarmupSteps(1).withSeed(seed);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            TrainingReport report = new Trainer(model, tc).train(records, header);
            assertThat(report.steps()).isGreaterThanOrEqualTo(3);
            Checkpoint ck = CheckpointExport.toCheckpoint(model,
                    SMALL.toBuilder().quantizerClip(header.quantizerClip()).build(),
                    Provenance.of("test", seed, "test", Instant.parse("2026-11-25T00:00:00Z"), report.steps()));
            checkAllHistories(model, ck, seed);
        }
    }

    private void checkAllHistories(TransActModel model, Checkpoint ck, long seed) {
        int surfaces = ck.config().surfaces();
        check(model, ck, UserSequences.empty(1), 5, seed);
        check(model, ck, user(seed + 1, 6, 45, 4, surfaces), 9, seed);
        check(model, ck, user(seed + 2, 16_000, 100, 100, surfaces), 12, seed);
    }

    private static void check(TransActModel model, Checkpoint ck, UserSequences user, int n, long seed) {
        String what = "user with " + user.lifelong().size() + "+" + user.realtime().size() + "+" + user.impressions().size()
                + " tokens, seed " + seed;
        SplittableRandom rnd = new SplittableRandom(seed * 31 + user.totalTokens());
        float[] cands = new float[n * D];
        for (int i = 0; i < cands.length; i++) {
            cands[i] = (float) rnd.nextGaussian() * 0.3f;
        }
        RankResult res;
        try (RankingEngine engine = RankingEngine.of(ck, new EngineOptions(2))) {
            res = engine.rank(user, NOW, cands, n, true);
        }
        // the same tokens as core's selector (the example builder's path)
        CandidateSelector selector = new CandidateSelector(ck.config().selection());
        PreparedHistory prepared = PreparedHistory.of(user);
        Selection sel = selector.newSelection();
        ModelConfig tc = model.config();
        Batch batch = Batch.allocate(tc, n, 0);
        float step = ck.config().quantizer().step();
        int t = tc.seqLength();
        for (int b = 0; b < n; b++) {
            float[] cand = Arrays.copyOfRange(cands, b * D, (b + 1) * D);
            selector.select(prepared, cand, RankingEngine.salt(NOW, b), sel);
            List<RankResult.Picked> picked = res.selections().get(b);
            assertThat(picked).as("selection size of candidate %d, %s", b, what).hasSize(sel.size());
            for (int k = 0; k < sel.size(); k++) {
                assertThat(picked.get(k).part()).as("candidate %d token %d, %s", b, k, what).isEqualTo(sel.part(k));
                assertThat(picked.get(k).index()).as("candidate %d token %d, %s", b, k, what).isEqualTo(sel.index(k));
                Token tok = sel.token(user, k);
                byte[] q = tok.embedding();
                for (int d = 0; d < D; d++) {
                    batch.tokens()[((b * t) + k) * D + d] = q[d] * step;
                }
                batch.actions()[b * t + k] = tok.actions();
                batch.surfaces()[b * t + k] = tok.surface();
            }
            batch.lengths()[b] = sel.size();
            System.arraycopy(cand, 0, batch.candidates(), b * D, D);
            DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), NOW,
                    batch.dense(), b * tc.denseDim());
        }
        float[] djl;
        try (NDManager stepManager = model.manager().newSubManager()) {
            djl = model.forward(stepManager, batch).probabilities().toFloatArray();
        }
        double[] expected = new double[djl.length];
        for (int i = 0; i < djl.length; i++) {
            expected[i] = djl[i];
        }
        AllClose.assertAllClose("engine vs DJL forward, " + what, res.probabilities(), new int[]{n, tc.heads().size()},
                expected, new int[]{n, tc.heads().size()}, 1e-4, 1e-5);
    }

    /** Seeded sequences; embeddings from a small pool so that similarities and timestamps tie. */
    static UserSequences user(long seed, int lifelong, int realtime, int impressions, int surfaces) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] pool = new byte[50][D];
        for (byte[] p : pool) {
            for (int d = 0; d < D; d++) {
                p[d] = (byte) (rnd.nextInt(255) - 127);
            }
        }
        long t = NOW - 1000;
        List<Token> rt = new ArrayList<>(), imp = new ArrayList<>(), ll = new ArrayList<>();
        for (int i = 0; i < Math.max(realtime, impressions); i++) {
            if (i < realtime) {
                rt.add(new Token(t, (byte) (1 + rnd.nextInt(7)), (byte) rnd.nextInt(surfaces), i, pool[rnd.nextInt(pool.length)]));
            }
            if (i < impressions) {
                imp.add(new Token(t, Actions.IMPRESSION, (byte) rnd.nextInt(surfaces), i, pool[rnd.nextInt(pool.length)]));
            }
            t -= rnd.nextInt(3) * 1000;
        }
        t -= 5000;
        for (int i = 0; i < lifelong; i++) {
            ll.add(new Token(t, (byte) (1 + rnd.nextInt(7)), (byte) rnd.nextInt(surfaces), i, pool[rnd.nextInt(pool.length)]));
            t -= rnd.nextInt(3) * 60_000;
        }
        return new UserSequences(seed, TokenSequence.of(rt), TokenSequence.of(ll), TokenSequence.of(imp));
    }
}
