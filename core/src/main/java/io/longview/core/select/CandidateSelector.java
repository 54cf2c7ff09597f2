package io.longview.core.select;

import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Candidate-anchored selection of DESIGN §2, the one implementation used by the example builder and by serving:
 *
 * <pre>
 * S_all(c) = NN(S_LL, c, K_LL) ⊕ S_RT[:r] ⊕ NN(S_RT[r:], c, K_RT) ⊕ NN(S_imp, c, K_imp)
 * NN(S, c, K) = the K tokens of S with the largest cosine(dequant(token.embedding), e_c)
 * </pre>
 *
 * <ul>
 *   <li>Ties in similarity go to the newer token (larger timestamp), then to the smaller newest-first index.</li>
 *   <li>A part with fewer tokens than its budget contributes all of them.</li>
 *   <li>The result is in chronological order, oldest first: by timestamp, then part (LL, RT, imp), then the older
 *       index first. Padding (if any) follows at the end: {@link Selection#size()} counts the real tokens.</li>
 *   <li>For {@link SelectionRule#RANDOM} the caller's {@code salt} seeds the draw, so a (request, candidate) pair
 *       always sees the same tokens.</li>
 * </ul>
 * Thread-safe: all scratch space lives in the caller's {@link Selection}.
 */
public final class CandidateSelector {
    private static final int D = Token.EMBEDDING_DIM;
    private static final int LL = SequencePart.LIFELONG.code();
    private static final int RT = SequencePart.REALTIME.code();
    private static final int IMP = SequencePart.IMPRESSIONS.code();

    private final SelectionConfig config;

    public CandidateSelector(SelectionConfig config) {
        this.config = config;
    }

    public SelectionConfig config() {
        return config;
    }

    /** A selection buffer sized for this configuration. */
    public Selection newSelection() {
        return new Selection(config.maxLength());
    }

    /**
     * Selects S_all for one candidate into {@code out} (cleared first).
     *
     * @param history   the user's prepared sequences (shared by all candidates of a request)
     * @param candidate the candidate's float embedding, 32 finite values
     * @param salt      seeds {@link SelectionRule#RANDOM}; ignored by the other rules
     * @param out       receives the selection; its capacity must be at least {@link SelectionConfig#maxLength()}
     */
    public void select(PreparedHistory history, float[] candidate, long salt, Selection out) {
        if (candidate.length != D) {
            throw new IllegalArgumentException("candidate embedding has " + candidate.length + " values, expected " + D);
        }
        for (int d = 0; d < D; d++) {
            if (!Float.isFinite(candidate[d])) {
                throw new IllegalArgumentException("candidate embedding value " + d + " is " + candidate[d]);
            }
        }
        if (out.maxLength() < config.maxLength()) {
            throw new IllegalArgumentException("selection buffer holds " + out.maxLength() + " tokens, expected at least " + config.maxLength());
        }
        UserSequences user = history.user();
        out.clear();

        // 1. pick, per part, in any order
        int llStart = out.size();
        switch (config.lifelongRule()) {
            case NEAREST -> nearest(history.vectors(LL), user.lifelong(), 0, candidate, config.kLifelong(), LL, out);
            case MOST_RECENT -> {
                for (int i = 0, n = Math.min(config.kLifelong(), user.lifelong().size()); i < n; i++) {
                    out.add(LL, i);
                }
            }
            case RANDOM -> random(user.lifelong().size(), config.kLifelong(), salt, LL, out);
        }
        int rtStart = out.size();
        TokenSequence rt = user.realtime();
        int recent = Math.min(config.recent(), rt.size());
        for (int i = 0; i < recent; i++) {
            out.add(RT, i);
        }
        nearest(history.vectors(RT), rt, recent, candidate, config.kRealtime(), RT, out);
        int impStart = out.size();
        nearest(history.vectors(IMP), user.impressions(), 0, candidate, config.kImpressions(), IMP, out);
        int end = out.size();

        // 2. chronological order: within a part, a larger newest-first index is older; merge the parts by time
        chronological(user, out, llStart, rtStart, impStart, end);
    }

    /**
     * Adds to {@code out} the indices (in {@code seq}, from {@code from} on) of the {@code k} tokens most similar
     * to {@code candidate}; all of them when there are at most {@code k}.
     */
    private static void nearest(float[] vectors, TokenSequence seq, int from, float[] candidate, int k, int part, Selection out) {
        int n = seq.size() - from;
        if (n <= 0 || k == 0) {
            return;
        }
        if (n <= k) {
            for (int i = from; i < seq.size(); i++) {
                out.add(part, i);
            }
            return;
        }
        float[] scores = ensure(out, n);
        for (int i = 0; i < n; i++) {
            scores[i] = dot(vectors, (from + i) * D, candidate);
        }
        if (out.heap.length < k) {
            out.heap = new int[k];
        }
        int[] heap = out.heap; // min-heap by "better": the root is the worst of the best k
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores, seq, from);
            } else if (better(i, heap[0], scores, seq, from)) {
                heap[0] = i;
                siftDown(heap, size, scores, seq, from);
            }
        }
        for (int j = 0; j < size; j++) {
            out.add(part, from + heap[j]);
        }
    }

    /** The similarity of one unit token vector to the candidate: a plain sequential dot product. */
    static float dot(float[] vectors, int off, float[] candidate) {
        float s = 0f;
        for (int d = 0; d < D; d++) {
            s += vectors[off + d] * candidate[d];
        }
        return s;
    }

    /** Token a ranks before token b: higher similarity, then newer, then smaller index. */
    private static boolean better(int a, int b, float[] scores, TokenSequence seq, int from) {
        if (scores[a] != scores[b]) {
            return scores[a] > scores[b];
        }
        long ta = seq.timestamp(from + a);
        long tb = seq.timestamp(from + b);
        if (ta != tb) {
            return ta > tb;
        }
        return a < b;
    }

    private static void siftUp(int[] heap, int i, float[] scores, TokenSequence seq, int from) {
        int x = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!better(heap[p], x, scores, seq, from)) {
                break;
            }
            heap[i] = heap[p];
            i = p;
        }
        heap[i] = x;
    }

    private static void siftDown(int[] heap, int size, float[] scores, TokenSequence seq, int from) {
        int x = heap[0];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && better(heap[c], heap[c + 1], scores, seq, from)) {
                c++; // the worse child
            }
            if (!better(x, heap[c], scores, seq, from)) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = x;
    }

    /** k of n indices uniformly without replacement (partial Fisher–Yates), seeded by salt. */
    private static void random(int n, int k, long salt, int part, Selection out) {
        if (n <= k) {
            for (int i = 0; i < n; i++) {
                out.add(part, i);
            }
            return;
        }
        if (out.heap.length < n) {
            out.heap = new int[n];
        }
        int[] idx = out.heap;
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(salt);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            out.add(part, idx[i]);
        }
    }

    private static void chronological(UserSequences user, Selection out, int llStart, int rtStart, int impStart, int end) {
        int n = end;
        if (n == 0) {
            return;
        }
        // each part's picks sorted by descending index = ascending time (ties: older index first)
        int[] idx = ensureInts(out, n);
        for (int i = 0; i < n; i++) {
            idx[i] = out.index(i);
        }
        sortDescending(idx, llStart, rtStart);
        sortDescending(idx, rtStart, impStart);
        sortDescending(idx, impStart, end);
        TokenSequence ll = user.lifelong();
        TokenSequence rt = user.realtime();
        TokenSequence imp = user.impressions();
        int a = llStart, b = rtStart, c = impStart;
        for (int w = 0; w < n; w++) {
            long ta = a < rtStart ? ll.timestamp(idx[a]) : Long.MAX_VALUE;
            long tb = b < impStart ? rt.timestamp(idx[b]) : Long.MAX_VALUE;
            long tc = c < end ? imp.timestamp(idx[c]) : Long.MAX_VALUE;
            // equal times keep the part order LL, RT, imp
            if (a < rtStart && ta <= tb && ta <= tc) {
                out.set(w, LL, idx[a++]);
            } else if (b < impStart && tb <= tc) {
                out.set(w, RT, idx[b++]);
            } else {
                out.set(w, IMP, idx[c++]);
            }
        }
    }

    private static void sortDescending(int[] a, int from, int to) {
        Arrays.sort(a, from, to);
        for (int i = from, j = to - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static float[] ensure(Selection out, int n) {
        if (out.scores.length < n) {
            out.scores = new float[Math.max(n, out.scores.length * 2)];
        }
        return out.scores;
    }

    private static int[] ensureInts(Selection out, int n) {
        if (out.chrono.length < n) {
            out.chrono = new int[n];
        }
        return out.chrono;
    }
}
