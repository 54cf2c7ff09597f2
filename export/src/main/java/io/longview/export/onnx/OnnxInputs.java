package io.longview.export.onnx;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;

import java.util.Arrays;

/**
 * The host-side inputs of an exported ranker ({@link OnnxExporter}) for a batch of {@code batch} candidates, each
 * with up to {@code seq} selected tokens: plain arrays in the graph's layouts, to be wrapped as runtime tensors by
 * the caller. Fill the rows with {@link #setToken}, {@link #setLength}, {@link #setCandidate} and {@link #setDense};
 * {@link #clear()} makes the buffer reusable. Not thread-safe.
 *
 * <pre>
 * tokens     float (batch, seq, dEmb)        q · step of each selected token (step = clip / 127)
 * actions    float (batch, seq, actionBits)  0/1 per action bit
 * surfaces   long  (batch, seq)              surface ids, 0 on padded rows
 * lengths    long  (batch)
 * candidate  float (batch, dEmb)
 * dense      float (batch, denseDim)
 * </pre>
 */
public final class OnnxInputs {
    private final ModelConfig config;
    private final int batch;
    private final int seq;
    private final float step;
    private final float[] tokens;
    private final float[] actions;
    private final long[] surfaces;
    private final long[] lengths;
    private final float[] candidate;
    private final float[] dense;

    /**
     * @param seq the padded sequence length T, in [1, config.seqLength()] (at least 1 even when every row is empty)
     */
    public OnnxInputs(ModelConfig config, int batch, int seq) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch is " + batch + ", expected ≥ 1");
        }
        if (seq < 1 || seq > config.seqLength()) {
            throw new IllegalArgumentException("seq is " + seq + ", expected 1.." + config.seqLength());
        }
        this.config = config;
        this.batch = batch;
        this.seq = seq;
        this.step = config.quantizer().step();
        int e = config.dEmb();
        tokens = new float[batch * seq * e];
        actions = new float[batch * seq * config.actionBits()];
        surfaces = new long[batch * seq];
        lengths = new long[batch];
        candidate = new float[batch * e];
        dense = new float[batch * config.denseDim()];
    }

    public ModelConfig config() {
        return config;
    }

    public int batch() {
        return batch;
    }

    public int seq() {
        return seq;
    }

    /** Token {@code t} of row {@code b}: token {@code index} of {@code sequence}. */
    public void setToken(int b, int t, TokenSequence sequence, int index) {
        checkSlot(b, t);
        int e = config.dEmb();
        int off = (b * seq + t) * e;
        for (int j = 0; j < e; j++) {
            tokens[off + j] = sequence.embedding(index, j) * step;
        }
        setBits(b, t, sequence.actions(index) & 0xff, sequence.surface(index));
    }

    /** Token {@code t} of row {@code b}. */
    public void setToken(int b, int t, Token token) {
        checkSlot(b, t);
        int e = config.dEmb();
        int off = (b * seq + t) * e;
        byte[] q = token.embedding();
        for (int j = 0; j < e; j++) {
            tokens[off + j] = q[j] * step;
        }
        setBits(b, t, token.actions() & 0xff, token.surface());
    }

    private void setBits(int b, int t, int bits, int surface) {
        int nAct = config.actionBits();
        if (bits >>> nAct != 0) {
            throw new IllegalArgumentException("row " + b + " token " + t + " has action bits " + bits + ", the model knows " + nAct);
        }
        if (surface < 0 || surface >= config.surfaces()) {
            throw new IllegalArgumentException("row " + b + " token " + t + " has surface " + surface + ", the model knows " + config.surfaces());
        }
        int off = (b * seq + t) * nAct;
        for (int k = 0; k < nAct; k++) {
            actions[off + k] = (bits >> k & 1) != 0 ? 1f : 0f;
        }
        surfaces[b * seq + t] = surface;
    }

    /** The number of real tokens of row {@code b}, in [0, seq]. */
    public void setLength(int b, int length) {
        if (length < 0 || length > seq) {
            throw new IllegalArgumentException("row " + b + " length " + length + ", expected 0.." + seq);
        }
        lengths[b] = length;
    }

    /** The candidate of row {@code b}: {@code dEmb} values of {@code src} from {@code off}. */
    public void setCandidate(int b, float[] src, int off) {
        System.arraycopy(src, off, candidate, b * config.dEmb(), config.dEmb());
    }

    /** The dense features of row {@code b}: {@code denseDim} values of {@code src} from {@code off}. */
    public void setDense(int b, float[] src, int off) {
        System.arraycopy(src, off, dense, b * config.denseDim(), config.denseDim());
    }

    /** Zeroes every array. */
    public void clear() {
        Arrays.fill(tokens, 0f);
        Arrays.fill(actions, 0f);
        Arrays.fill(surfaces, 0L);
        Arrays.fill(lengths, 0L);
        Arrays.fill(candidate, 0f);
        Arrays.fill(dense, 0f);
    }

    /** (batch, seq, dEmb); live. */
    public float[] tokens() {
        return tokens;
    }

    /** (batch, seq, actionBits); live. */
    public float[] actions() {
        return actions;
    }

    /** (batch, seq); live. */
    public long[] surfaces() {
        return surfaces;
    }

    /** (batch); live. */
    public long[] lengths() {
        return lengths;
    }

    /** (batch, dEmb); live. */
    public float[] candidate() {
        return candidate;
    }

    /** (batch, denseDim); live. */
    public float[] dense() {
        return dense;
    }

    /** The shape of the named graph input ({@link OnnxExporter} constants). */
    public long[] shape(String input) {
        return switch (input) {
            case OnnxExporter.TOKENS -> new long[]{batch, seq, config.dEmb()};
            case OnnxExporter.ACTIONS -> new long[]{batch, seq, config.actionBits()};
            case OnnxExporter.SURFACES -> new long[]{batch, seq};
            case OnnxExporter.LENGTHS -> new long[]{batch};
            case OnnxExporter.CANDIDATE -> new long[]{batch, config.dEmb()};
            case OnnxExporter.DENSE -> new long[]{batch, config.denseDim()};
            default -> throw new IllegalArgumentException("no input " + input);
        };
    }

    private void checkSlot(int b, int t) {
        if (b < 0 || b >= batch || t < 0 || t >= seq) {
            throw new IndexOutOfBoundsException("slot (" + b + ", " + t + ") outside (" + batch + ", " + seq + ")");
        }
    }
}
