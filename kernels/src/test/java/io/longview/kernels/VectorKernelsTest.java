package io.longview.kernels;

import io.longview.core.model.Actions;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade as callers see it, on whichever implementation this JVM picked (the module's suite runs once with the
 * vector kernels and once with {@code -Dlongview.kernels=scalar}): the choice itself, argument checks, and the
 * selection pipeline dequantizeNormalize → scoreAll → topK against core's {@link CandidateSelector}.
 */
class VectorKernelsTest {
    private static final int D = Token.EMBEDDING_DIM;

    @Test
    void runsTheImplementationThePropertyAsksFor() {
        String forced = System.getProperty(KernelProvider.PROPERTY);
        String expected = forced == null || forced.isBlank() ? "vector" : forced; // surefire adds the module
        assertThat(VectorKernels.implementation()).isEqualTo(expected);
    }

    @Test
    void providerChoosesByPropertyAndModule() {
        assertThat(KernelProvider.choose("scalar", true).name()).isEqualTo("scalar");
        assertThat(KernelProvider.choose(" Vector ", true).name()).isEqualTo("vector");
        assertThat(KernelProvider.choose(null, true).name()).isEqualTo("vector");
        assertThatThrownBy(() -> KernelProvider.choose("vector", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--add-modules jdk.incubator.vector");
        assertThatThrownBy(() -> KernelProvider.choose("simd", true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'simd'");
    }

    @Test
    void fallbackWarnsOnceNamingTheFlag() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(KernelProvider.choose(null, false).name()).isEqualTo("scalar");
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(1);
        assertThat(text).contains("--add-modules jdk.incubator.vector");
    }

    @Test
    void argumentsAreCheckedWithTheirValues() {
        float[] a = new float[10];
        assertThatThrownBy(() -> VectorKernels.matmul(a, 2, 3, a, 4, new float[8])).hasMessageContaining("w has 10 values");
        assertThatThrownBy(() -> VectorKernels.matmul(a, 2, 5, new float[5], 1, a)).hasMessageContaining("same array");
        assertThatThrownBy(() -> VectorKernels.scoreAll(a, 5, 2, a, 2, new float[9])).hasMessageContaining("scores has 9 values");
        assertThatThrownBy(() -> VectorKernels.topK(a, 0, 10, new long[9], 3, new int[3])).hasMessageContaining("timestamps has 9");
        assertThatThrownBy(() -> VectorKernels.topK(a, 0, 10, new long[10], 3, new int[2])).hasMessageContaining("outIdx has 2");
        assertThatThrownBy(() -> VectorKernels.layerNorm(a, 0, 10, Float.NaN)).hasMessageContaining("eps is NaN");
        assertThatThrownBy(() -> VectorKernels.maskedSoftmaxRow(a, 0, 0)).hasMessageContaining("n is 0");
        assertThatThrownBy(() -> VectorKernels.dequantizeNormalize(new byte[64], 0, 3, 32, new float[96], 0))
                .hasMessageContaining("q has 64 values");
        assertThat(VectorKernels.topK(a, 0, 0, new long[0], 5, new int[0])).isZero();
    }

    @Test
    void smallKernelsMatchTheScalarReference() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] x = new float[192 * 64]; // (rows, in)
        float[] w = new float[64 * 32];  // (in, out)
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        float[] y = new float[192 * 32];
        float[] ref = new float[192 * 32];
        VectorKernels.matmul(x, 192, 64, w, 32, y);
        new ScalarKernelSupport().matmul(x, 192, 64, w, 32, ref);
        assertThat(y).isEqualTo(ref);
        VectorKernels.relu(y, 0, y.length);
        for (float v : y) {
            assertThat(v).isGreaterThanOrEqualTo(0f);
        }
        float[] row = Arrays.copyOf(x, 64);
        VectorKernels.layerNorm(row, 0, 64, 1e-5f);
        double mean = 0;
        for (float v : row) {
            mean += v;
        }
        assertThat(mean / 64).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        float[] p = Arrays.copyOf(x, 17);
        VectorKernels.maskedSoftmaxRow(p, 0, 17);
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
    }

    /**
     * The serving pipeline picks the same lifelong tokens as core's selector: embeddings drawn from a small pool (so
     * equal similarities are common) and timestamps that often repeat (so equal times are too).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 96, 97, 191, 1021, 16_000})
    void pipelineSelectsWhatCandidateSelectorSelects(int n) {
        long seed = 9000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] pool = new byte[40][D];
        for (byte[] e : pool) {
            for (int d = 0; d < D; d++) {
                e[d] = (byte) (rnd.nextInt(255) - 127);
            }
        }
        Arrays.fill(pool[0], (byte) 0); // a zero embedding: similarity 0
        List<Token> ll = new ArrayList<>(n);
        long t = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            ll.add(new Token(t, Actions.CLICK, (byte) 0, i, pool[rnd.nextInt(pool.length)]));
            t -= rnd.nextInt(3);
        }
        TokenSequence seq = TokenSequence.of(ll);
        UserSequences user = new UserSequences(7, TokenSequence.empty(), seq, TokenSequence.empty());
        int k = 96;
        CandidateSelector selector = new CandidateSelector(new SelectionConfig(k, 0, 0, 0, SelectionRule.NEAREST));
        PreparedHistory history = PreparedHistory.of(user);
        Selection selection = selector.newSelection();

        byte[] q = new byte[n * D];          // (n, 32) int8
        long[] ts = new long[n];             // (n) epoch ms, newest first
        for (int i = 0; i < n; i++) {
            seq.copyEmbedding(i, q, i * D);
            ts[i] = seq.timestamp(i);
        }
        float[] units = new float[n * D];    // (n, 32) unit vectors
        VectorKernels.dequantizeNormalize(q, 0, n, D, units, 0);

        int nCand = 6;
        float[] cands = new float[nCand * D]; // (nCand, 32)
        for (int c = 0; c < nCand; c++) {
            for (int d = 0; d < D; d++) {
                // half the candidates are pool vectors (exact ties among their copies), half random
                cands[c * D + d] = c % 2 == 0 ? pool[1 + c][d] * (0.65f / 127) : (float) rnd.nextGaussian();
            }
        }
        float[] scores = new float[nCand * n]; // (nCand, n)
        VectorKernels.scoreAll(units, n, D, cands, nCand, scores);
        int[] idx = new int[k];
        for (int c = 0; c < nCand; c++) {
            int got = VectorKernels.topK(scores, c * n, n, ts, k, idx);
            int[] ours = Arrays.copyOf(idx, got);
            Arrays.sort(ours);

            selector.select(history, Arrays.copyOfRange(cands, c * D, (c + 1) * D), 0, selection);
            int[] theirs = new int[selection.size()];
            for (int i = 0; i < theirs.length; i++) {
                assertThat(selection.part(i)).isEqualTo(SequencePart.LIFELONG);
                theirs[i] = selection.index(i);
            }
            Arrays.sort(theirs);
            assertThat(ours).as("n=%d candidate %d seed %d (%s)", n, c, seed, VectorKernels.implementation()).isEqualTo(theirs);
        }
    }
}
