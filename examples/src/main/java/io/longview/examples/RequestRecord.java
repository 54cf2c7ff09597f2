package io.longview.examples;

import io.longview.core.io.LittleEndian;
import io.longview.core.model.Actions;
import io.longview.core.model.Token;
import io.longview.core.select.SequencePart;

import java.util.ArrayList;
import java.util.List;

import static io.longview.examples.ExampleFormat.EMBEDDING_DIM;

/**
 * One request of an example file, read: the user's point-in-time features shared by all its candidates (dense
 * sequence lengths, NAL negatives, a token table) and per candidate its item, float embedding, labels and S_all as
 * indices into the token table. Accessors read the record's bytes in place (offsets from {@link ExampleFormat});
 * nothing is decoded up front but the candidates' start positions.
 *
 * <p>Immutable once read; owns its bytes (a reader hands out a new record each time).
 *
 * <pre>
 * request ─┬─ dense: realtimeCount, lifelongCount, impressionCount (|S_RT|, |S_LL|, |S_imp| at t)
 *          ├─ negatives g = 0..G-1: negativeItemId(g), negativeEmbedding(g, …)     newest first
 *          ├─ tokens i = 0..T-1: tokenTimestamp(i), tokenActions(i), …             chronological
 *          └─ candidates j = 0..C-1: candidateItemId(j), candidateEmbedding(j, …), labels(j),
 *                                    selectedCount(j), selectedToken(j, k) → i     S_all, oldest first
 * </pre>
 */
public final class RequestRecord {
    private static final int D = EMBEDDING_DIM;

    private final byte[] b;
    private final int g;
    private final int t;
    private final int c;
    private final int tokenTs;
    private final int tokenItems;
    private final int tokenActions;
    private final int tokenSurfaces;
    private final int tokenParts;
    private final int tokenEmbeddings;
    private final int candItems;
    private final int candEmbeddings;
    private final int candLabels;
    private final int selIndices;
    private final int[] selStart; // (C + 1) prefix sums of the selected counts

    /**
     * Wraps a record's bytes after checking them against the file's header.
     *
     * @throws IllegalArgumentException if the record is inconsistent ({@link ExampleFormat#checkRequest})
     */
    public RequestRecord(byte[] record, ExampleHeader header) {
        ExampleFormat.checkRequest(record, record.length, header);
        this.b = record;
        g = LittleEndian.getInt(b, ExampleFormat.R_NEGATIVE_COUNT);
        t = LittleEndian.getInt(b, ExampleFormat.R_TOKEN_COUNT);
        c = LittleEndian.getInt(b, ExampleFormat.R_CANDIDATE_COUNT);
        tokenTs = ExampleFormat.tokenTimestampsOffset(g);
        tokenItems = ExampleFormat.tokenItemIdsOffset(g, t);
        tokenActions = ExampleFormat.tokenActionsOffset(g, t);
        tokenSurfaces = ExampleFormat.tokenSurfacesOffset(g, t);
        tokenParts = ExampleFormat.tokenPartsOffset(g, t);
        tokenEmbeddings = ExampleFormat.tokenEmbeddingsOffset(g, t);
        candItems = ExampleFormat.candidateItemIdsOffset(g, t);
        candEmbeddings = ExampleFormat.candidateEmbeddingsOffset(g, t, c);
        candLabels = ExampleFormat.candidateLabelsOffset(g, t, c);
        selIndices = ExampleFormat.selectedIndicesOffset(g, t, c);
        selStart = new int[c + 1];
        int counts = ExampleFormat.selectedCountsOffset(g, t, c);
        for (int j = 0; j < c; j++) {
            selStart[j + 1] = selStart[j] + LittleEndian.getU16(b, counts + 2 * j);
        }
    }

    // ---- the request

    public long requestId() {
        return LittleEndian.getLong(b, ExampleFormat.R_REQUEST_ID);
    }

    public long userId() {
        return LittleEndian.getLong(b, ExampleFormat.R_USER_ID);
    }

    /** The request time t: every token of this record is strictly older. */
    public long requestTimeMs() {
        return LittleEndian.getLong(b, ExampleFormat.R_REQUEST_TIME_MS);
    }

    /** |S_RT| at t. */
    public int realtimeCount() {
        return LittleEndian.getInt(b, ExampleFormat.R_REALTIME_COUNT);
    }

    /** |S_LL| at t. */
    public int lifelongCount() {
        return LittleEndian.getInt(b, ExampleFormat.R_LIFELONG_COUNT);
    }

    /** |S_imp| at t. */
    public int impressionCount() {
        return LittleEndian.getInt(b, ExampleFormat.R_IMPRESSION_COUNT);
    }

    // ---- NAL negatives

    /** The number of NAL impression negatives: the newest ≤ maxNegatives S_imp tokens at t. */
    public int negativeCount() {
        return g;
    }

    public long negativeItemId(int i) {
        return LittleEndian.getLong(b, ExampleFormat.negativeItemIdsOffset() + 8 * check(i, g, "negative"));
    }

    /** Copies negative {@code i}'s quantized embedding into {@code dst[off .. off+32)}. */
    public void negativeEmbedding(int i, byte[] dst, int off) {
        System.arraycopy(b, ExampleFormat.negativeEmbeddingsOffset(g) + D * check(i, g, "negative"), dst, off, D);
    }

    // ---- the token table

    /** Tokens in the table: the union of every candidate's S_all. */
    public int tokenCount() {
        return t;
    }

    public long tokenTimestamp(int i) {
        return LittleEndian.getLong(b, tokenTs + 8 * check(i, t, "token"));
    }

    public long tokenItemId(int i) {
        return LittleEndian.getLong(b, tokenItems + 8 * check(i, t, "token"));
    }

    /** The token's {@link Actions} bits. */
    public byte tokenActions(int i) {
        return b[tokenActions + check(i, t, "token")];
    }

    public int tokenSurface(int i) {
        return b[tokenSurfaces + check(i, t, "token")];
    }

    /** The sequence the token was selected from. */
    public SequencePart tokenPart(int i) {
        return SequencePart.ofCode(b[tokenParts + check(i, t, "token")]);
    }

    /** Dimension {@code d} of token {@code i}'s quantized embedding. */
    public byte tokenEmbedding(int i, int d) {
        return b[tokenEmbeddings + D * check(i, t, "token") + d];
    }

    /** Copies token {@code i}'s quantized embedding into {@code dst[off .. off+32)}. */
    public void tokenEmbedding(int i, byte[] dst, int off) {
        System.arraycopy(b, tokenEmbeddings + D * check(i, t, "token"), dst, off, D);
    }

    /** Copies the whole token table's embeddings, {@code (T, 32)} row-major, into {@code dst[off ..)}. */
    public void tokenEmbeddings(byte[] dst, int off) {
        System.arraycopy(b, tokenEmbeddings, dst, off, t * D);
    }

    /** Token {@code i} of the table as a value. */
    public Token token(int i) {
        byte[] q = new byte[D];
        tokenEmbedding(i, q, 0);
        return new Token(tokenTimestamp(i), tokenActions(i), (byte) tokenSurface(i), tokenItemId(i), q);
    }

    // ---- candidates

    /** Candidates of this request (its distinct impressed items, ascending id): one training example each. */
    public int candidateCount() {
        return c;
    }

    public long candidateItemId(int j) {
        return LittleEndian.getLong(b, candItems + 8 * check(j, c, "candidate"));
    }

    /** Copies candidate {@code j}'s float embedding into {@code dst[off .. off+32)}. */
    public void candidateEmbedding(int j, float[] dst, int off) {
        int o = candEmbeddings + 4 * D * check(j, c, "candidate");
        for (int d = 0; d < D; d++) {
            dst[off + d] = LittleEndian.getFloat(b, o + 4 * d);
        }
    }

    public float[] candidateEmbedding(int j) {
        float[] e = new float[D];
        candidateEmbedding(j, e, 0);
        return e;
    }

    /** Candidate {@code j}'s label bits (click 1, save 2, hide 4; see the header's heads). */
    public byte labels(int j) {
        return b[candLabels + check(j, c, "candidate")];
    }

    /** True when candidate {@code j}'s label holds {@code bit}. */
    public boolean label(int j, int bit) {
        return (labels(j) & bit) != 0;
    }

    /** |S_all| of candidate {@code j}; positions beyond it up to the header's maxLength are padding. */
    public int selectedCount(int j) {
        check(j, c, "candidate");
        return selStart[j + 1] - selStart[j];
    }

    /** The token-table index of position {@code k} of candidate {@code j}'s S_all (oldest first). */
    public int selectedToken(int j, int k) {
        int n = selectedCount(j);
        return LittleEndian.getU16(b, selIndices + 2 * (selStart[j] + check(k, n, "selected position")));
    }

    /** Copies candidate {@code j}'s token-table indices into {@code dst[off .. off + selectedCount(j))}. */
    public void selectedTokens(int j, int[] dst, int off) {
        int n = selectedCount(j);
        int o = selIndices + 2 * selStart[j];
        for (int k = 0; k < n; k++) {
            dst[off + k] = LittleEndian.getU16(b, o + 2 * k);
        }
    }

    /** Candidate {@code j}'s S_all materialized as tokens, chronological (oldest first), without padding. */
    public List<Token> selectedTokens(int j) {
        int n = selectedCount(j);
        List<Token> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(token(selectedToken(j, k)));
        }
        return out;
    }

    /** The record's bytes as stored; the caller must not modify them. */
    byte[] bytes() {
        return b;
    }

    private static int check(int i, int n, String what) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(what + " " + i + " of " + n);
        }
        return i;
    }

    @Override
    public String toString() {
        return "RequestRecord[request=" + requestId() + ", user=" + userId() + ", t=" + requestTimeMs() + ", candidates=" + c
                + ", tokens=" + t + ", negatives=" + g + "]";
    }
}
