package io.longview.bench.jmh;

import io.longview.kernels.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the serving kernels ({@link VectorKernels}) at the engine's shapes. Abstract: the two
 * subclasses fork one JVM each, {@link VectorKernelsBench} on the Vector API and {@link ScalarKernelsBench} with
 * {@code -Dlongview.kernels=scalar}, so one run shows both side by side. Every benchmark reports the average time of
 * one call; {@code matmul64x64} is 2·64³ = 524,288 flops per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class KernelBenchmarks {
    static final int D = 32;          // item embedding width
    static final int D_MODEL = 64;    // token width
    static final int HISTORY = 16_000;
    static final int CANDIDATES = 64; // one block of candidates for scoreAll
    static final int SEQ = 192;       // |S_all|
    static final int K_LL = 96;

    float[] x;          // (64, 64) activations
    float[] w64;        // (64, 64) weights
    float[] w32;        // (64, 32) weights
    float[] y64;        // (64, 64)
    float[] y32;        // (64, 32)
    float[] row;        // (64) a LayerNorm row
    float[] softmax;    // (192) one causal attention row at the last query
    byte[] quantized;   // (16000, 32) int8 history
    float[] units;      // (16000, 32) unit vectors
    float[] candidates; // (64, 32)
    float[] scores;     // (64, 16000)
    long[] timestamps;  // (16000)
    int[] topIdx;       // (96)
    // one candidate's encoder at T = 192, d_model 64, d_ff 32 (formerly kernels' EncoderProfile)
    float[] tokens;     // (192, 64) activations
    float[] wQkv;       // (64, 192) fused Q|K|V weights
    float[] wIn;        // (64, 32) feed-forward in
    float[] wOut;       // (32, 64) feed-forward out
    float[] qkv;        // (192, 192)
    float[] q, k, v;    // (192, 64) each
    float[] attended;   // (192, 64)
    float[] hidden;     // (192, 32)
    float[] out;        // (192, 64)
    float[] attentionScratch;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        x = gaussian(rnd, D_MODEL * D_MODEL);
        w64 = gaussian(rnd, D_MODEL * D_MODEL);
        w32 = gaussian(rnd, D_MODEL * D);
        y64 = new float[D_MODEL * D_MODEL];
        y32 = new float[D_MODEL * D];
        row = gaussian(rnd, D_MODEL);
        softmax = gaussian(rnd, SEQ);
        quantized = new byte[HISTORY * D];
        for (int i = 0; i < quantized.length; i++) {
            quantized[i] = (byte) (rnd.nextInt(255) - 127);
        }
        units = new float[HISTORY * D];
        VectorKernels.dequantizeNormalize(quantized, 0, HISTORY, D, units, 0);
        candidates = gaussian(rnd, CANDIDATES * D);
        scores = new float[CANDIDATES * HISTORY];
        VectorKernels.scoreAll(units, HISTORY, D, candidates, CANDIDATES, scores);
        timestamps = new long[HISTORY];
        for (int i = 0; i < HISTORY; i++) {
            timestamps[i] = 1_700_000_000_000L - 1000L * i;
        }
        topIdx = new int[K_LL];
        tokens = gaussian(rnd, SEQ * D_MODEL);
        wQkv = gaussian(rnd, D_MODEL * 3 * D_MODEL);
        wIn = gaussian(rnd, D_MODEL * D);
        wOut = gaussian(rnd, D * D_MODEL);
        qkv = new float[SEQ * 3 * D_MODEL];
        q = gaussian(rnd, SEQ * D_MODEL);
        k = gaussian(rnd, SEQ * D_MODEL);
        v = gaussian(rnd, SEQ * D_MODEL);
        attended = new float[SEQ * D_MODEL];
        hidden = new float[SEQ * D];
        out = new float[SEQ * D_MODEL];
        attentionScratch = new float[VectorKernels.attentionScratch(SEQ, D_MODEL)];
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** Q/K/V projection shape: (64 rows, 64) @ (64, 64). */
    @Benchmark
    public float[] matmul64x64() {
        VectorKernels.matmul(x, D_MODEL, D_MODEL, w64, D_MODEL, y64);
        return y64;
    }

    /** Feed-forward-in shape: (64 rows, 64) @ (64, 32). */
    @Benchmark
    public float[] matmul64x32() {
        VectorKernels.matmul(x, D_MODEL, D_MODEL, w32, D, y32);
        return y32;
    }

    /** The softmax of one attention row of 192 keys (online max and normalizer). */
    @Benchmark
    public float[] maskedSoftmaxRow() {
        VectorKernels.maskedSoftmaxRow(softmax, 0, SEQ);
        return softmax;
    }

    /** LayerNorm of one 64-wide row (no affine). */
    @Benchmark
    public float[] layerNorm() {
        VectorKernels.layerNorm(row, 0, D_MODEL, 1e-5f);
        return row;
    }

    /** Dequantize and normalize a 16,000-token history. */
    @Benchmark
    public float[] dequantizeNormalize16k() {
        VectorKernels.dequantizeNormalize(quantized, 0, HISTORY, D, units, 0);
        return units;
    }

    /** Score 64 candidates against a 16,000-token history (one block of the selection). */
    @Benchmark
    public float[] scoreAll64x16k() {
        VectorKernels.scoreAll(units, HISTORY, D, candidates, CANDIDATES, scores);
        return scores;
    }

    /** Top-96 of 16,000 scores with the selection's tie rule. */
    @Benchmark
    public void topK96of16k(Blackhole bh) {
        bh.consume(VectorKernels.topK(scores, 0, HISTORY, timestamps, K_LL, topIdx));
        bh.consume(topIdx);
    }

    /** The encoder's fused Q|K|V projection for one candidate: (192, 64) @ (64, 192), FMA accumulation. */
    @Benchmark
    public float[] qkv192x64x192() {
        VectorKernels.matmulFma(tokens, 0, SEQ, D_MODEL, wQkv, 0, 3 * D_MODEL, qkv, 0);
        return qkv;
    }

    /** The encoder's feed-forward for one candidate: (192, 64) @ (64, 32), then (192, 32) @ (32, 64). */
    @Benchmark
    public float[] feedForward192() {
        VectorKernels.matmulFma(tokens, 0, SEQ, D_MODEL, wIn, 0, D, hidden, 0);
        VectorKernels.matmulFma(hidden, 0, SEQ, D, wOut, 0, D_MODEL, out, 0);
        return out;
    }

    /** Causal attention of one candidate's 192 tokens, one head of width 64. */
    @Benchmark
    public float[] causalAttention192() {
        VectorKernels.causalAttention(q, k, v, SEQ, D_MODEL, 0.125f, attended, attentionScratch);
        return attended;
    }

    /** Residual add and LayerNorm of one candidate's (192, 64) activations. */
    @Benchmark
    public float[] addLayerNorm192x64() {
        System.arraycopy(q, 0, out, 0, out.length);
        VectorKernels.addLayerNorm(out, 0, attended, 0, SEQ, D_MODEL, 1e-5f);
        return out;
    }
}
