package io.longview.examples;

import io.longview.core.model.UserSequences;

/**
 * Where the example builder gets a user's sequences <b>as of a request time</b>. The builder opens one
 * {@link Timeline} per user and asks it for strictly increasing request times.
 *
 * <p>Contract of {@link Timeline#before}: the returned sequences hold no token with a timestamp at or after
 * {@code t} (point-in-time; DESIGN §2).
 *
 * <p>Implementations:
 * <ul>
 *   <li>{@link ReplayHistoryProvider} (the default): replays exactly the user's events with timestamp {@code < t}
 *       through core {@code UserHistory}, the reference semantics; needs no store.</li>
 *   <li>a store-backed provider (to come): a {@code SequenceStore}'s current sequences filtered to the tokens with
 *       timestamp {@code < t}. Not identical to the replay: a token whose fold window spans {@code t} is dropped
 *       whole instead of showing its pre-{@code t} part, and tokens evicted by later events are missing.</li>
 * </ul>
 * {@link #open} is called from several builder threads at once and must be thread-safe; each timeline is used by
 * one thread.
 */
public interface HistoryProvider {
    /** Opens the history of {@code events.userId()}; the provider may use the events or ignore them. */
    Timeline open(UserEvents events);

    /** One user's history, walked forward in time. */
    interface Timeline {
        /**
         * The user's sequences built from the events with timestamp strictly before {@code timeMs}.
         *
         * @throws IllegalArgumentException if {@code timeMs} is not after the previous call's
         */
        UserSequences before(long timeMs);
    }
}
