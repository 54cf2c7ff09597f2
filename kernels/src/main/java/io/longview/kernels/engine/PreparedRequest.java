package io.longview.kernels.engine;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.kernels.TokenTiles;
import io.longview.kernels.VectorKernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request's shared state (request-level de-duplication, DESIGN §6.1): the user's three sequences read once,
 * validated once, dequantized once (for the token rows) and normalized once (for selection), with the unit vectors
 * packed as {@link TokenTiles} for the fused scan. Reused across requests: every array only grows, so a steady stream
 * of requests allocates nothing here. Also holds the workers' arenas and the request's outputs. One request at a time.
 */
final class PreparedRequest {
    static final int LL = 0, RT = 1, IMP = 2;
    private static final int D = Token.EMBEDDING_DIM;

    final EngineWeights w;
    final SelectionConfig sel;
    final Worker[] workers;
    final AtomicInteger nextGroup = new AtomicInteger();
    final AtomicInteger nextChunk = new AtomicInteger();

    // the request
    UserSequences user;
    long requestTimeMs;
    float[] candidates;   // (n, dEmb)
    int n;
    boolean explain;
    float[] dense;        // (denseDim), or (n, denseDim) when denseStride = denseDim (per-candidate item features)
    int denseStride;      // 0: one row shared by every candidate
    float[] out;          // (n, heads)
    List<RankResult.Picked>[] picked; // (n) when explaining
    PreparedHistory prepared; // only for the RANDOM and MOST_RECENT rules (core's selector picks then)

    // per part (LL, RT, IMP)
    final int[] size = new int[3];
    final long[][] timestamps = {new long[0], new long[0], new long[0]};  // (size) newest first
    final int[][] baseRow = {new int[0], new int[0], new int[0]};         // (size) row of EngineWeights.tokenBase
    final float[][] deq = {new float[0], new float[0], new float[0]};     // (size, 32) q · step
    final float[][] packed = {new float[0], new float[0], new float[0]};  // TokenTiles of the unit vectors; RT from index r
    final int[] packedFrom = new int[3];                                  // first token index packed
    final float[][] qkv = {new float[0], new float[0], new float[0]};     // (size, 2d) dequant(e_t) [Wqk|Wv] of layer 0
    /** Whether layer 0's Q', V come from per-token projections ({@link #qkv}) rather than per-candidate products. */
    boolean projected;
    private byte[] q = new byte[0];                                       // (size, 32) int8 scratch
    private final float[] tile = new float[TokenTiles.TILE * D];          // (16, 32) unit vectors of one tile

    PreparedRequest(EngineWeights w, int threads) {
        this.w = w;
        this.sel = w.config.selection();
        this.dense = new float[w.denseDim];
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(this);
        }
    }

    @SuppressWarnings("unchecked")
    void begin(UserSequences user, long requestTimeMs, float[] candidates, int n, boolean explain, float[] dense, int denseStride) {
        this.user = user;
        this.requestTimeMs = requestTimeMs;
        this.candidates = candidates;
        this.n = n;
        this.explain = explain;
        if (this.dense.length < dense.length) {
            this.dense = new float[dense.length];
        }
        System.arraycopy(dense, 0, this.dense, 0, dense.length);
        this.denseStride = denseStride;
        this.out = new float[n * w.heads];
        this.picked = explain ? new List[n] : null;
        this.prepared = null;
        nextGroup.set(0);
        nextChunk.set(0);
        if (!w.sequence) {
            return;
        }
        if (sel.lifelongRule() != SelectionRule.NEAREST && sel.kLifelong() > 0) {
            prepared = PreparedHistory.of(user);
        }
        ModelConfig c = w.config;
        // a part with budget 0 is never read (RT-only checkpoints skip the 16k lifelong tokens entirely)
        prepare(LL, sel.kLifelong() > 0 ? user.lifelong() : null, c,
                sel.lifelongRule() == SelectionRule.NEAREST ? 0 : -1);
        prepare(RT, sel.recent() + sel.kRealtime() > 0 ? user.realtime() : null, c,
                sel.kRealtime() > 0 ? Math.min(sel.recent(), user.realtime().size()) : -1);
        prepare(IMP, sel.kImpressions() > 0 ? user.impressions() : null, c, 0);
        // project each token once when the candidates' token rows outnumber the user's tokens
        int tokens = size[LL] + size[RT] + size[IMP];
        projected = w.layers > 0 && tokens > 0 && (long) n * w.maxLength >= tokens;
        if (projected) {
            for (int p = 0; p < 3; p++) {
                int need = size[p] * 2 * w.d;
                if (qkv[p].length < need) {
                    qkv[p] = new float[Math.max(need, qkv[p].length * 2)];
                }
            }
        }
    }

    /** Rows per chunk of {@link #project}. */
    static final int PROJECT_CHUNK = 512;

    /** Chunks of the per-token projection work, over the three parts. */
    int projectChunks() {
        int c = 0;
        for (int p = 0; p < 3; p++) {
            c += (size[p] + PROJECT_CHUNK - 1) / PROJECT_CHUNK;
        }
        return c;
    }

    /** Projects chunk {@code chunk} of the tokens: {@code qkv[p][i] = dequant(e_i) · qkvToken}. */
    void project(int chunk) {
        for (int p = 0; p < 3; p++) {
            int chunks = (size[p] + PROJECT_CHUNK - 1) / PROJECT_CHUNK;
            if (chunk < chunks) {
                int from = chunk * PROJECT_CHUNK;
                int rows = Math.min(PROJECT_CHUNK, size[p] - from);
                int dq = 2 * w.d;
                VectorKernels.matmul(deq[p], from * D, rows, D, w.qkvToken, 0, dq, qkv[p], from * dq);
                return;
            }
            chunk -= chunks;
        }
        throw new IllegalArgumentException("no projection chunk " + chunk);
    }

    /** Reads one part once; packs unit vectors of tokens {@code [packFrom, size)} unless packFrom is −1. */
    private void prepare(int part, TokenSequence seq, ModelConfig c, int packFrom) {
        if (seq == null) {
            size[part] = 0;
            packedFrom[part] = -1;
            return;
        }
        int m = seq.size();
        size[part] = m;
        if (timestamps[part].length < m) {
            int cap = Math.max(m, 2 * timestamps[part].length);
            timestamps[part] = new long[cap];
            baseRow[part] = new int[cap];
            deq[part] = new float[cap * D];
        }
        long[] ts = timestamps[part];
        int[] rows = baseRow[part];
        int surfaces = c.surfaces();
        int actionBits = c.actionBits();
        for (int i = 0; i < m; i++) {
            ts[i] = seq.timestamp(i);
            int bits = seq.actions(i) & 0xff;
            int s = seq.surface(i);
            if (bits >>> actionBits != 0) {
                throw new IllegalArgumentException(partName(part) + " token " + i + " has action bits " + bits + ", the model knows "
                        + actionBits);
            }
            if (s >= surfaces) {
                throw new IllegalArgumentException(partName(part) + " token " + i + " has surface " + s + ", the model knows " + surfaces);
            }
            rows[i] = bits * surfaces + s;
        }
        if (q.length < m * D) {
            q = new byte[Math.max(m * D, 2 * q.length)];
        }
        MemorySegment.copy(seq.embeddings(), ValueLayout.JAVA_BYTE, 0, q, 0, m * D);
        float[] f = deq[part];
        float step = w.step;
        for (int i = 0, len = m * D; i < len; i++) {
            f[i] = q[i] * step;
        }
        packedFrom[part] = packFrom;
        if (packFrom < 0) {
            return;
        }
        int rowsPacked = m - packFrom;
        int need = TokenTiles.length(rowsPacked, D);
        if (packed[part].length < need) {
            packed[part] = new float[Math.max(need, packed[part].length * 2)];
        }
        for (int t = 0, tiles = TokenTiles.tiles(rowsPacked); t < tiles; t++) {
            int from = packFrom + t * TokenTiles.TILE;
            int count = Math.min(TokenTiles.TILE, m - from);
            VectorKernels.dequantizeNormalize(q, from * D, count, D, tile, 0);
            TokenTiles.packTile(tile, 0, count, D, packed[part], t);
        }
    }

    static String partName(int part) {
        return switch (part) {
            case LL -> "lifelong";
            case RT -> "realtime";
            default -> "impressions";
        };
    }

    TokenSequence sequence(int part) {
        return switch (part) {
            case LL -> user.lifelong();
            case RT -> user.realtime();
            default -> user.impressions();
        };
    }

    /** Drops references to the request's inputs and outputs (the arrays stay for the next request). */
    void end() {
        user = null;
        candidates = null;
        out = null;
        picked = null;
        prepared = null;
    }
}
