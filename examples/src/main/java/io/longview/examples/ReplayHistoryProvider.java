package io.longview.examples;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;

/**
 * The reference {@link HistoryProvider}: replays the user's events, oldest first, through core {@link UserHistory}
 * (folding, caps and eviction exactly as the store does them) and snapshots it before each request. The events
 * applied for a request at {@code t} are exactly those with timestamp {@code < t}; each is applied with its item's
 * embedding quantized by {@code quantizer}. Thread-safe: all state lives in the timelines.
 */
public final class ReplayHistoryProvider implements HistoryProvider {
    private final SequenceLimits limits;
    private final ItemEmbeddings items;
    private final Quantizer quantizer;

    public ReplayHistoryProvider(SequenceLimits limits, ItemEmbeddings items, Quantizer quantizer) {
        this.limits = limits;
        this.items = items;
        this.quantizer = quantizer;
    }

    @Override
    public Timeline open(UserEvents events) {
        return new Replay(events);
    }

    private final class Replay implements Timeline {
        private final UserEvents events;
        private final UserHistory history;
        private final float[] embedding = new float[Token.EMBEDDING_DIM];
        private final byte[] quantized = new byte[Token.EMBEDDING_DIM];
        private int next;
        private long last = Long.MIN_VALUE;

        Replay(UserEvents events) {
            this.events = events;
            this.history = new UserHistory(events.userId(), limits);
        }

        @Override
        public UserSequences before(long timeMs) {
            if (timeMs <= last) {
                throw new IllegalArgumentException("history of user " + events.userId() + " asked for time " + timeMs
                        + " after time " + last + "; times must increase");
            }
            last = timeMs;
            while (next < events.size() && events.timestampMs(next) < timeMs) {
                items.copy(events.itemId(next), embedding, 0);
                quantizer.quantize(embedding, quantized, 0);
                history.apply(events.event(next), quantized, 0);
                next++;
            }
            return history.snapshot();
        }
    }
}
