package io.longview.bench;

/**
 * One way of scoring a request's candidates (the rows of the {@code bench rank} table). Implementations hold their
 * model and runtime; {@link #close()} releases them. Not thread-safe: one request at a time.
 */
public interface RankPath extends AutoCloseable {

    /** The path's letter in the report: a, b, c or d. */
    String id();

    /** A short description for the report. */
    String description();

    /**
     * Scores every candidate of {@code request}.
     *
     * @param stages receives the time of selection (history preparation included) and of the model's forward pass
     * @return {@code (n, heads)} probabilities, row-major, heads in model order
     */
    float[] rank(SyntheticRequest request, StageNanos stages);

    @Override
    void close();

    /** Wall time of the two stages of one request, in nanoseconds. */
    final class StageNanos {
        public long selection;
        public long forward;

        public void clear() {
            selection = 0;
            forward = 0;
        }
    }
}
