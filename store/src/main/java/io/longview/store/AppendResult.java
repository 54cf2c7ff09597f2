package io.longview.store;

/**
 * What one {@link SequenceStore#append} did.
 *
 * @param events    events in the call
 * @param applied   events that changed a user's state (created a token or added an action, a newer time or
 *                  surface to one)
 * @param unchanged events that changed nothing: duplicates of what is stored, and events whose token was so old that
 *                  it was evicted at once ({@code events == applied + unchanged})
 * @param users     distinct users in the call
 */
public record AppendResult(int events, int applied, int unchanged, int users) {
    /** The result of appending no events. */
    public static final AppendResult EMPTY = new AppendResult(0, 0, 0, 0);

    public AppendResult {
        if (events != applied + unchanged) {
            throw new IllegalArgumentException("events " + events + " != applied " + applied + " + unchanged " + unchanged);
        }
    }

    /** This result plus another, for callers that sum up several appends. */
    public AppendResult plus(AppendResult o) {
        return new AppendResult(events + o.events, applied + o.applied, unchanged + o.unchanged, users + o.users);
    }
}
