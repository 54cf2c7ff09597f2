package io.longview.data.embed;

import io.longview.core.io.Progress;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;

import java.util.Iterator;

/**
 * Learns item embeddings from an event log's <b>training period</b> only (DESIGN §1: evaluation never sees the
 * future), with {@link ImplicitAlsLearner}.
 *
 * <p>What counts: events with {@code timestamp < splitTimeMs} whose action is engaged, with weight
 * {@link #CLICK_WEIGHT} for a click and {@link #SAVE_WEIGHT} for a save (the paper's repin, the stronger signal);
 * several events of one user on one item add up. Hides (a negative signal) and impressions (no signal of taste) are
 * not used. Items that never appear in such an event get no learned vector; see {@link EmbeddingFallback}.
 */
public final class ItemEmbeddingLearner {
    public static final float CLICK_WEIGHT = 1f;
    public static final float SAVE_WEIGHT = 2f;

    private ItemEmbeddingLearner() {
    }

    /**
     * Collects the training interactions of an event stream (see the class comment).
     *
     * @return the builder, to which {@code events}' engaged events before the split were added
     */
    public static InteractionMatrix.Builder collect(Iterator<Event> events, long splitTimeMs, InteractionMatrix.Builder into) {
        while (events.hasNext()) {
            Event e = events.next();
            if (e.timestampMs() < splitTimeMs) {
                float w = weight(e.action());
                if (w > 0) {
                    into.add(e.userId(), e.itemId(), w);
                }
            }
        }
        return into;
    }

    /** The training weight of an action bit: click 1, save 2, anything else 0 (not used). */
    public static float weight(int action) {
        return switch (action) {
            case Actions.CLICK -> CLICK_WEIGHT;
            case Actions.SAVE -> SAVE_WEIGHT;
            default -> 0f;
        };
    }

    /**
     * Learns embeddings from the engaged events before {@code splitTimeMs}.
     *
     * @throws IllegalArgumentException when there is no engaged event before the split
     */
    public static LearnedEmbeddings learn(Iterator<Event> events, long splitTimeMs, AlsConfig config, Progress progress) {
        InteractionMatrix.Builder b = collect(events, splitTimeMs, InteractionMatrix.builder());
        if (b.size() == 0) {
            throw new IllegalArgumentException("no click or save before the split time " + splitTimeMs
                    + ": cannot learn item embeddings from the training period");
        }
        return ImplicitAlsLearner.learn(b.build(), config, progress);
    }
}
