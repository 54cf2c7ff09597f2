package io.longview.examples;

import io.longview.core.io.LittleEndian;
import java.util.Arrays;

import static io.longview.examples.ExampleFormat.EMBEDDING_DIM;

/**
 * Assembles one request record of the {@link ExampleFormat}: add the request's fields, its NAL negatives, its token
 * table and its candidates in any interleaving, then {@link #encode()} lays them out. Reusable: {@link #begin} starts
 * the next record and keeps every buffer, so encoding allocates nothing once the buffers have grown. Not thread-safe.
 */
public final class RequestEncoder {
    private static final int D = EMBEDDING_DIM;

    private long requestId;
    private long userId;
    private long requestTimeMs;
    private int realtimeCount;
    private int lifelongCount;
    private int impressionCount;

    private int negatives;
    private long[] negativeIds = new long[16];
    private byte[] negativeEmbeddings = new byte[16 * D];   // (negatives, 32)

    private int tokens;
    private long[] tokenTimestamps = new long[256];
    private long[] tokenItemIds = new long[256];
    private byte[] tokenActions = new byte[256];
    private byte[] tokenSurfaces = new byte[256];
    private byte[] tokenParts = new byte[256];
    private byte[] tokenEmbeddings = new byte[256 * D];     // (tokens, 32)

    private int candidates;
    private long[] candidateIds = new long[32];
    private float[] candidateEmbeddings = new float[32 * D]; // (candidates, 32)
    private byte[] labels = new byte[32];
    private int[] selectedCounts = new int[32];
    private int selected;
    private int[] selectedIndices = new int[32 * 192];      // (Σ n_j) token-table indices

    private byte[] buf = new byte[1 << 16];
    private int length;

    /** Starts a new record with the request's own fields and its dense features (sequence lengths at t). */
    public RequestEncoder begin(long requestId, long userId, long requestTimeMs, int realtimeCount, int lifelongCount, int impressionCount) {
        if (realtimeCount < 0 || lifelongCount < 0 || impressionCount < 0) {
            throw new IllegalArgumentException("sequence lengths must be ≥ 0: rt " + realtimeCount + ", ll " + lifelongCount + ", imp " + impressionCount);
        }
        this.requestId = requestId;
        this.userId = userId;
        this.requestTimeMs = requestTimeMs;
        this.realtimeCount = realtimeCount;
        this.lifelongCount = lifelongCount;
        this.impressionCount = impressionCount;
        negatives = 0;
        tokens = 0;
        candidates = 0;
        selected = 0;
        length = 0;
        return this;
    }

    /** Adds one NAL negative (newest first): an item id and its quantized embedding {@code q[off .. off+32)}. */
    public void addNegative(long itemId, byte[] q, int off) {
        if (negatives == negativeIds.length) {
            negativeIds = Arrays.copyOf(negativeIds, negatives * 2);
            negativeEmbeddings = Arrays.copyOf(negativeEmbeddings, negatives * 2 * D);
        }
        negativeIds[negatives] = itemId;
        System.arraycopy(q, off, negativeEmbeddings, negatives * D, D);
        negatives++;
    }

    /**
     * Appends one token to the token table.
     *
     * @return its index in the table, the value candidates refer to it by
     */
    public int addToken(long timestampMs, int actions, int surface, int partCode, long itemId, byte[] q, int off) {
        if (tokens == ExampleFormat.MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException("request " + requestId + " of user " + userId + " has more than "
                    + ExampleFormat.MAX_TOKENS_PER_REQUEST + " distinct selected tokens, the most the example format holds");
        }
        if (tokens == tokenTimestamps.length) {
            int c = tokens * 2;
            tokenTimestamps = Arrays.copyOf(tokenTimestamps, c);
            tokenItemIds = Arrays.copyOf(tokenItemIds, c);
            tokenActions = Arrays.copyOf(tokenActions, c);
            tokenSurfaces = Arrays.copyOf(tokenSurfaces, c);
            tokenParts = Arrays.copyOf(tokenParts, c);
            tokenEmbeddings = Arrays.copyOf(tokenEmbeddings, c * D);
        }
        tokenTimestamps[tokens] = timestampMs;
        tokenItemIds[tokens] = itemId;
        tokenActions[tokens] = (byte) actions;
        tokenSurfaces[tokens] = (byte) surface;
        tokenParts[tokens] = (byte) partCode;
        System.arraycopy(q, off, tokenEmbeddings, tokens * D, D);
        return tokens++;
    }

    /**
     * Adds one candidate.
     *
     * @param embedding   its float embedding at {@code embedding[off .. off+32)}
     * @param labels      its label bits (core Actions: click 1, save 2, hide 4)
     * @param tokenIndices its S_all as token-table indices in S_all order, {@code tokenIndices[0 .. n)}
     */
    public void addCandidate(long itemId, float[] embedding, int off, int labels, int[] tokenIndices, int n) {
        if (n < 0 || n > ExampleFormat.MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException("candidate " + itemId + " has " + n + " selected tokens");
        }
        if (candidates == candidateIds.length) {
            int c = candidates * 2;
            candidateIds = Arrays.copyOf(candidateIds, c);
            candidateEmbeddings = Arrays.copyOf(candidateEmbeddings, c * D);
            this.labels = Arrays.copyOf(this.labels, c);
            selectedCounts = Arrays.copyOf(selectedCounts, c);
        }
        if (selected + n > selectedIndices.length) {
            selectedIndices = Arrays.copyOf(selectedIndices, Math.max(selected + n, selectedIndices.length * 2));
        }
        candidateIds[candidates] = itemId;
        System.arraycopy(embedding, off, candidateEmbeddings, candidates * D, D);
        this.labels[candidates] = (byte) labels;
        selectedCounts[candidates] = n;
        System.arraycopy(tokenIndices, 0, selectedIndices, selected, n);
        selected += n;
        candidates++;
    }

    /** Tokens in the table so far. */
    public int tokenCount() {
        return tokens;
    }

    /**
     * Lays the record out in {@link #buffer()}.
     *
     * @return its length in bytes
     * @throws IllegalArgumentException if a candidate refers to a token not in the table, or the record is too large
     */
    public int encode() {
        int len = ExampleFormat.requestLength(negatives, tokens, candidates, selected);
        if (len < 0) {
            throw new IllegalArgumentException("request " + requestId + " of user " + userId + " needs more than "
                    + ExampleFormat.MAX_RECORD_LENGTH + " bytes (" + candidates + " candidates, " + tokens + " tokens)");
        }
        if (buf.length < len) {
            buf = new byte[Math.max(len, buf.length * 2)];
        }
        byte[] b = buf;
        int g = negatives, t = tokens, c = candidates;
        LittleEndian.putInt(b, ExampleFormat.R_MARKER, ExampleFormat.REQUEST_MARKER);
        LittleEndian.putInt(b, ExampleFormat.R_LENGTH, len);
        LittleEndian.putLong(b, ExampleFormat.R_REQUEST_ID, requestId);
        LittleEndian.putLong(b, ExampleFormat.R_USER_ID, userId);
        LittleEndian.putLong(b, ExampleFormat.R_REQUEST_TIME_MS, requestTimeMs);
        LittleEndian.putInt(b, ExampleFormat.R_REALTIME_COUNT, realtimeCount);
        LittleEndian.putInt(b, ExampleFormat.R_LIFELONG_COUNT, lifelongCount);
        LittleEndian.putInt(b, ExampleFormat.R_IMPRESSION_COUNT, impressionCount);
        LittleEndian.putInt(b, ExampleFormat.R_NEGATIVE_COUNT, g);
        LittleEndian.putInt(b, ExampleFormat.R_TOKEN_COUNT, t);
        LittleEndian.putInt(b, ExampleFormat.R_CANDIDATE_COUNT, c);
        putLongs(b, ExampleFormat.negativeItemIdsOffset(), negativeIds, g);
        System.arraycopy(negativeEmbeddings, 0, b, ExampleFormat.negativeEmbeddingsOffset(g), g * D);
        putLongs(b, ExampleFormat.tokenTimestampsOffset(g), tokenTimestamps, t);
        putLongs(b, ExampleFormat.tokenItemIdsOffset(g, t), tokenItemIds, t);
        System.arraycopy(tokenActions, 0, b, ExampleFormat.tokenActionsOffset(g, t), t);
        System.arraycopy(tokenSurfaces, 0, b, ExampleFormat.tokenSurfacesOffset(g, t), t);
        System.arraycopy(tokenParts, 0, b, ExampleFormat.tokenPartsOffset(g, t), t);
        System.arraycopy(tokenEmbeddings, 0, b, ExampleFormat.tokenEmbeddingsOffset(g, t), t * D);
        putLongs(b, ExampleFormat.candidateItemIdsOffset(g, t), candidateIds, c);
        int off = ExampleFormat.candidateEmbeddingsOffset(g, t, c);
        for (int i = 0; i < c * D; i++) {
            LittleEndian.putFloat(b, off + 4 * i, candidateEmbeddings[i]);
        }
        System.arraycopy(labels, 0, b, ExampleFormat.candidateLabelsOffset(g, t, c), c);
        off = ExampleFormat.selectedCountsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            LittleEndian.putShort(b, off + 2 * j, selectedCounts[j]);
        }
        off = ExampleFormat.selectedIndicesOffset(g, t, c);
        for (int k = 0; k < selected; k++) {
            int x = selectedIndices[k];
            if (x < 0 || x >= t) {
                throw new IllegalArgumentException("selected index " + x + " out of the token table of " + t
                        + " (request " + requestId + ")");
            }
            LittleEndian.putShort(b, off + 2 * k, x);
        }
        length = len;
        return len;
    }

    /** The last encoded record, {@code buffer()[0 .. length)}; valid until the next {@link #encode()}. */
    public byte[] buffer() {
        return buf;
    }

    /** The length of the last encoded record. */
    public int length() {
        return length;
    }

    private static void putLongs(byte[] b, int off, long[] v, int n) {
        for (int i = 0; i < n; i++) {
            LittleEndian.putLong(b, off + 8 * i, v[i]);
        }
    }
}
