package io.longview.data.io;

/**
 * How a user's explicit events (MovieLens: ratings) are cut into sessions, each of which becomes one request
 * (DESIGN §5, {@link SessionRequests}). With a user's events in (timestamp, item) order, an event starts a new session
 * when
 * <ul>
 *   <li>it comes more than {@code maxGapMs} after the previous event (default 30 min), or</li>
 *   <li>it comes {@code maxDurationMs} or more after the session's first event (default 1 h), or</li>
 *   <li>the session has {@code maxEvents} events already (default 20) and the event's timestamp is later than
 *       the session's first one (events sharing the first timestamp always stay together, so two requests of one
 *       user never share a time; a session can hold more than {@code maxEvents} only that way).</li>
 * </ul>
 * So every event of a session falls in {@code [t, t + maxDurationMs)}, t the session's first event time: the
 * suggested label window ({@link #labelWindowMs()}).
 *
 * @param maxGapMs      largest gap inside a session, ≥ 0
 * @param maxEvents     most events per session (see above)
 * @param maxDurationMs session length limit, from its first event
 */
public record SessionRule(long maxGapMs, int maxEvents, long maxDurationMs) {
    public static final SessionRule DEFAULT = new SessionRule(30 * 60_000L, 20, 60 * 60_000L);

    public SessionRule {
        if (maxGapMs < 0) {
            throw new IllegalArgumentException("maxGapMs " + maxGapMs + " must be ≥ 0");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents " + maxEvents + " must be ≥ 1");
        }
        if (maxDurationMs < 1) {
            throw new IllegalArgumentException("maxDurationMs " + maxDurationMs + " must be ≥ 1");
        }
    }

    /** The window after a request's time in which its events fall: {@code maxDurationMs}. */
    public long labelWindowMs() {
        return maxDurationMs;
    }

    /**
     * Cuts time-ordered timestamps into sessions.
     *
     * @param tsMs ascending timestamps, {@code n} of them
     * @return the session starts: indexes into tsMs, ascending, starting with 0; a final entry {@code n} closes the last
     */
    public int[] cut(long[] tsMs, int n) {
        int[] starts = new int[n + 1];
        int m = 0;
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                starts[m++] = 0;
                continue;
            }
            long t = tsMs[i];
            boolean gap = t - tsMs[i - 1] > maxGapMs;
            boolean tooLong = t - tsMs[start] >= maxDurationMs;
            boolean full = i - start >= maxEvents && t > tsMs[start];
            if (gap || tooLong || full) {
                start = i;
                starts[m++] = i;
            }
        }
        starts[m++] = n;
        return java.util.Arrays.copyOf(starts, m);
    }
}
