package io.longview.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Padding changes nothing, the encoder is causal, and empty sequences give finite outputs. */
class MaskingTest {
    static Golden golden;
    static TransActModel model;

    @BeforeAll
    static void load() {
        golden = Golden.load();
        model = new TransActModel(golden.config, 1);
        golden.loadWeights(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The 6-token golden case in row 0 and the empty case in row 1. */
    private static Batch batch() {
        List<JsonNode> cases = golden.cases();
        Batch b = Batch.allocate(golden.config, 2, 16);
        golden.fill(b, 0, cases.get(1));
        golden.fill(b, 1, cases.get(0));
        return b;
    }

    private record Run(float[] probs, float[] z, float nal) {
    }

    private static Run run(Batch b) {
        try (NDManager step = model.manager().newSubManager()) {
            ForwardOutput out = model.forward(step, b);
            float nal = Losses.nextAction(step, out.encoderOutput(), model.parameters().get("P"), b).getFloat();
            return new Run(out.probabilities().toFloatArray(), out.encoderOutput().toFloatArray(), nal);
        }
    }

    @Test
    void perturbingPaddedTokensChangesNothing() {
        long seed = Seeds.seed(7);
        SplittableRandom rng = Seeds.random(seed);
        Batch b = batch();
        Run before = run(b);
        int t = b.seqLen();
        int e = b.dEmb();
        for (int row = 0; row < 2; row++) {
            for (int i = b.lengths()[row]; i < t; i++) {
                for (int k = 0; k < e; k++) {
                    b.tokens()[(row * t + i) * e + k] = (float) rng.nextDouble(-1, 1);
                }
                b.actions()[row * t + i] = (byte) (1 + rng.nextInt(15));
                b.surfaces()[row * t + i] = rng.nextInt(golden.config.surfaces());
            }
        }
        Run after = run(b);
        assertThat(after.probs).as("seed " + seed).containsExactly(before.probs);
        assertThat(after.nal).as("seed " + seed).isEqualTo(before.nal);
        int d = golden.config.dModel();
        int n = b.lengths()[0];
        assertThat(Arrays.copyOfRange(after.z, 0, n * d)).as("seed " + seed)
                .containsExactly(Arrays.copyOfRange(before.z, 0, n * d));
    }

    @Test
    void trimmingPaddingColumnsKeepsEveryOutput() {
        Batch full = batch();
        Batch cut = full.trimmed();
        assertThat(cut.seqLen()).isEqualTo(full.lengths()[0]).isLessThan(full.seqLen());
        long before = model.manager().getManagedArrays().size();

        Run a = run(full);
        Run b = run(cut);

        assertClose(b.probs, a.probs);
        assertThat(b.nal).isCloseTo(a.nal, org.assertj.core.api.Assertions.within(1e-5f));
        int d = golden.config.dModel();
        int n = full.lengths()[0];
        assertClose(Arrays.copyOfRange(b.z, 0, n * d), Arrays.copyOfRange(a.z, 0, n * d));
        assertThat(model.manager().getManagedArrays()).as("the E_pos slice must not stay in the model's manager").hasSize((int) before);
        Batch longest = Batch.allocate(golden.config, 1, 16);
        longest.lengths()[0] = golden.config.seqLength();
        assertThat(longest.trimmed()).isSameAs(longest);
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("[%d]", i).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6 + 1e-5 * Math.abs(expected[i])));
        }
    }

    @Test
    void encoderIsCausal() {
        long seed = Seeds.seed(11);
        SplittableRandom rng = Seeds.random(seed);
        Batch b = Batch.allocate(golden.config, 1, 16);
        golden.fill(b, 0, golden.cases().get(2));                  // 192 tokens
        Run before = run(b);
        int t = b.seqLen();
        int e = b.dEmb();
        int d = golden.config.dModel();
        for (int cut : new int[]{0, 5, 100, 190}) {
            Batch p = Batch.allocate(golden.config, 1, 16);
            golden.fill(p, 0, golden.cases().get(2));
            for (int i = cut + 1; i < t; i++) {
                for (int k = 0; k < e; k++) {
                    p.tokens()[i * e + k] += (float) rng.nextDouble(-0.5, 0.5);
                }
                p.surfaces()[i] = rng.nextInt(golden.config.surfaces());
            }
            Run after = run(p);
            assertThat(Arrays.copyOfRange(after.z, 0, (cut + 1) * d)).as("rows <= " + cut + ", seed " + seed)
                    .containsExactly(Arrays.copyOfRange(before.z, 0, (cut + 1) * d));
            assertThat(Arrays.copyOfRange(after.z, (cut + 1) * d, t * d)).as("rows > " + cut)
                    .isNotEqualTo(Arrays.copyOfRange(before.z, (cut + 1) * d, t * d));
        }
    }

    @Test
    void emptySequencesAreFinite() {
        Batch b = Batch.allocate(golden.config, 3, 0);             // all empty, no negatives
        Run r = run(b);
        for (float f : r.z) {
            assertThat(f).isFinite();
        }
        for (float f : r.probs) {
            assertThat(f).isFinite();
        }
        assertThat(r.nal).isZero();
    }
}
