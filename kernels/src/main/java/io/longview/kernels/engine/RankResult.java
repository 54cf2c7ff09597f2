package io.longview.kernels.engine;

import io.longview.core.select.SequencePart;

import java.util.List;

/**
 * What {@link RankingEngine#rank} computed for one request: per candidate (in request order) one probability per
 * head, plus the time split and, when asked for, the tokens each candidate's selection picked.
 *
 * @param heads          head names, in model order
 * @param probabilities  {@code (N, heads)} row-major: candidate i's head h is {@code probabilities[i * heads + h]}
 * @param selectionNanos wall time of preparing the history and selecting S_all for every candidate
 * @param forwardNanos   wall time of the encoder and ranker for every candidate
 * @param selections     per candidate its S_all (oldest first) when explain was asked for, else null
 */
public record RankResult(List<String> heads, float[] probabilities, long selectionNanos, long forwardNanos,
                         List<List<Picked>> selections) {
    public RankResult {
        heads = List.copyOf(heads);
    }

    /** Number of candidates ranked. */
    public int candidates() {
        return probabilities.length / heads.size();
    }

    /** Probability of head {@code h} for candidate {@code i}. */
    public float probability(int i, int h) {
        return probabilities[i * heads.size() + h];
    }

    /**
     * One selected token, for explanations.
     *
     * @param part        the sequence it came from
     * @param index       its index in that part's newest-first sequence
     * @param itemId      the item acted on
     * @param timestampMs when
     * @param actions     the action bits
     */
    public record Picked(SequencePart part, int index, long itemId, long timestampMs, int actions) {
    }
}
