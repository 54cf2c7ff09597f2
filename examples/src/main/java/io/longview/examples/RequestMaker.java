package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;

import java.util.Arrays;

/**
 * Turns one user's sorted events into request records (the definitions are those of {@link ExampleBuilder}). One per
 * builder thread: it owns the selection buffer, the encoder and every scratch array, so a request allocates little
 * beyond the history snapshot. Not thread-safe.
 */
final class RequestMaker {
    private static final int D = Token.EMBEDDING_DIM;
    private static final int PARTS = 3;

    /** Receives encoded records; {@code record[0 .. length)} is only valid during the call. */
    interface Sink {
        void accept(ExampleHeader.Side side, byte[] record, int length);
    }

    private final ExampleBuilderConfig config;
    private final ItemEmbeddings items;
    private final HistoryProvider history;
    private final CandidateSelector selector;
    private final Selection selection;
    private final RequestEncoder encoder = new RequestEncoder();
    private final int maxLength;
    private final byte[] q = new byte[D];

    // one request: C candidates
    private long[] candidates = new long[32];          // (C) item ids, ascending
    private byte[] labels = new byte[32];              // (C) Actions bits
    private float[] embeddings = new float[32 * D];    // (C, 32)
    private final float[] candidate = new float[D];    // (32) the one being selected for
    private byte[] picks;                              // (C, maxLength) part codes of S_all, chronological
    private int[] pickIndex;                           // (C, maxLength) index in the part's newest-first sequence
    private int[] pickCount = new int[32];             // (C) |S_all|
    private final int[][] tableIndex = new int[PARTS][];  // per part, per token: 1 + its token-table index, 0 if unpicked
    private final int[] selected;                      // (maxLength) one candidate's token-table indices

    RequestMaker(ExampleBuilderConfig config, ItemEmbeddings items, HistoryProvider history) {
        this.config = config;
        this.items = items;
        this.history = history;
        this.selector = new CandidateSelector(config.selection());
        this.selection = selector.newSelection();
        this.maxLength = config.selection().maxLength();
        this.selected = new int[maxLength];
        this.picks = new byte[candidates.length * maxLength];
        this.pickIndex = new int[candidates.length * maxLength];
        for (int p = 0; p < PARTS; p++) {
            tableIndex[p] = new int[0];
        }
    }

    /** Emits the records of every request of one user, in time order. */
    void user(UserEvents ev, Sink sink) {
        HistoryProvider.Timeline timeline = null;
        int n = ev.size();
        int i = 0;
        while (i < n) {
            if (ev.action(i) != Actions.IMPRESSION) {
                i++;
                continue;
            }
            long t = ev.timestampMs(i);
            int groupStart = ev.firstAtOrAfter(t);
            int groupEnd = i;
            while (groupEnd < n && ev.timestampMs(groupEnd) == t) {
                groupEnd++;
            }
            int c = collectCandidates(ev, groupStart, groupEnd);
            collectLabels(ev, groupStart, t, c);
            if (timeline == null) {
                timeline = history.open(ev);
            }
            request(ev.userId(), t, timeline.before(t), c, sink);
            i = groupEnd;
        }
    }

    /** The distinct items impressed in {@code [from, to)} (one time t, sorted by item), into {@code candidates}. */
    private int collectCandidates(UserEvents ev, int from, int to) {
        int c = 0;
        for (int k = from; k < to; k++) {
            if (ev.action(k) == Actions.IMPRESSION && (c == 0 || candidates[c - 1] != ev.itemId(k))) {
                if (c == candidates.length) {
                    grow(c * 2);
                }
                candidates[c++] = ev.itemId(k);
            }
        }
        return c;
    }

    /** Labels: OR of the explicit actions on each candidate with timestamp in [t, t + labelWindowMs). */
    private void collectLabels(UserEvents ev, int from, long t, int c) {
        Arrays.fill(labels, 0, c, (byte) 0);
        long window = config.labelWindowMs();
        for (int k = from; k < ev.size() && ev.timestampMs(k) - t < window; k++) {
            int a = ev.action(k);
            if (Actions.isExplicit(a)) {
                int j = Arrays.binarySearch(candidates, 0, c, ev.itemId(k));
                if (j >= 0) {
                    labels[j] |= (byte) a;
                }
            }
        }
    }

    private void request(long userId, long t, UserSequences user, int c, Sink sink) {
        checkPointInTime(user, t);
        PreparedHistory prepared = PreparedHistory.of(user);
        long requestId = ExampleBuilder.requestId(userId, t);
        for (int p = 0; p < PARTS; p++) {
            int size = Selection.sequenceOf(user, p).size();
            if (tableIndex[p].length < size) {
                tableIndex[p] = new int[Math.max(size, tableIndex[p].length * 2)];
            }
        }

        // 1. select S_all for every candidate (one selector call each), marking the tokens picked
        for (int j = 0; j < c; j++) {
            items.copy(candidates[j], candidate, 0);
            System.arraycopy(candidate, 0, embeddings, j * D, D);
            selector.select(prepared, candidate, ExampleBuilder.salt(requestId, candidates[j]), selection);
            int m = selection.size();
            pickCount[j] = m;
            for (int k = 0; k < m; k++) {
                int p = selection.partCode(k);
                int x = selection.index(k);
                picks[j * maxLength + k] = (byte) p;
                pickIndex[j * maxLength + k] = x;
                tableIndex[p][x] = -1; // picked; numbered below
            }
        }

        // 2. the token table: every picked token once, in the selector's chronological order
        TokenSequence imp = user.impressions();
        encoder.begin(requestId, userId, t, user.realtime().size(), user.lifelong().size(), imp.size());
        TokenSequence[] seq = {user.lifelong(), user.realtime(), imp};
        int[] next = new int[PARTS]; // per part: the next older picked index, scanning from the oldest
        for (int p = 0; p < PARTS; p++) {
            next[p] = olderPicked(p, seq[p].size() - 1);
        }
        while (true) {
            int best = -1;
            for (int p = 0; p < PARTS; p++) { // equal times keep the part order ll, rt, imp
                if (next[p] >= 0 && (best < 0 || seq[p].timestamp(next[p]) < seq[best].timestamp(next[best]))) {
                    best = p;
                }
            }
            if (best < 0) {
                break;
            }
            TokenSequence s = seq[best];
            int x = next[best];
            s.copyEmbedding(x, q, 0);
            tableIndex[best][x] = 1 + encoder.addToken(s.timestamp(x), s.actions(x), s.surface(x), best, s.itemId(x), q, 0);
            next[best] = olderPicked(best, x - 1);
        }

        // 3. candidates, their S_all as token-table indices
        for (int j = 0; j < c; j++) {
            int m = pickCount[j];
            for (int k = 0; k < m; k++) {
                selected[k] = tableIndex[picks[j * maxLength + k]][pickIndex[j * maxLength + k]] - 1;
                assert k == 0 || selected[k] > selected[k - 1] : "S_all not in token-table order";
            }
            encoder.addCandidate(candidates[j], embeddings, j * D, labels[j], selected, m);
        }
        for (int j = 0; j < c; j++) { // clear the marks for the next request
            for (int k = 0; k < pickCount[j]; k++) {
                tableIndex[picks[j * maxLength + k]][pickIndex[j * maxLength + k]] = 0;
            }
        }

        // 4. NAL negatives: the newest impressions at t
        for (int g = 0, gn = Math.min(config.maxNegatives(), imp.size()); g < gn; g++) {
            imp.copyEmbedding(g, q, 0);
            encoder.addNegative(imp.itemId(g), q, 0);
        }
        int len = encoder.encode();
        sink.accept(ExampleHeader.Side.of(t, config.splitTimeMs()), encoder.buffer(), len);
    }

    /** The largest picked index ≤ {@code from} in part {@code p} (older tokens have larger indices), or -1. */
    private int olderPicked(int p, int from) {
        int[] marks = tableIndex[p];
        int x = from;
        while (x >= 0 && marks[x] == 0) {
            x--;
        }
        return x;
    }

    /** The history provider's contract, checked for every request (sequences are newest first: one look each). */
    private void checkPointInTime(UserSequences user, long t) {
        for (int p = 0; p < PARTS; p++) {
            TokenSequence s = Selection.sequenceOf(user, p);
            if (!s.isEmpty() && s.timestamp(0) >= t) {
                throw new IllegalStateException(history.getClass().getSimpleName() + " gave user " + user.userId()
                        + " a token at " + s.timestamp(0) + " for a request at " + t + "; a history as of t holds only older tokens");
            }
        }
    }

    private void grow(int c) {
        candidates = Arrays.copyOf(candidates, c);
        labels = Arrays.copyOf(labels, c);
        embeddings = Arrays.copyOf(embeddings, c * D);
        picks = Arrays.copyOf(picks, c * maxLength);
        pickIndex = Arrays.copyOf(pickIndex, c * maxLength);
        pickCount = Arrays.copyOf(pickCount, c);
    }
}
