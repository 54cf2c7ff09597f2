package io.longview.examples;

/**
 * The counts that close an example file ({@link ExampleFormat} footer). A reader compares them with what it read, so
 * a truncated or altered file is an error, never a silently shorter epoch.
 *
 * @param requests   request records
 * @param candidates candidates over all requests (= training examples)
 * @param tokens     token-table entries over all requests
 * @param positives  per head (0 click, 1 save, 2 hide): candidates whose label holds that head's bit
 * @param crc32c     CRC-32C of every byte before the footer
 */
public record ExampleFooter(long requests, long candidates, long tokens, long[] positives, int crc32c) {
    public ExampleFooter {
        if (positives.length != ExampleFormat.HEADS.size()) {
            throw new IllegalArgumentException("footer has " + positives.length + " positive counts, expected " + ExampleFormat.HEADS.size());
        }
        positives = positives.clone();
    }

    /** Candidates whose label holds head {@code h}'s bit (0 click, 1 save, 2 hide). */
    public long positives(int h) {
        return positives[h];
    }

    @Override
    public long[] positives() {
        return positives.clone();
    }

    /** The fraction of candidates positive for head {@code h}; 0 for an empty file. */
    public double labelRate(int h) {
        return candidates == 0 ? 0 : (double) positives[h] / candidates;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExampleFooter f && f.requests == requests && f.candidates == candidates && f.tokens == tokens
                && java.util.Arrays.equals(f.positives, positives) && f.crc32c == crc32c;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requests) * 31 + Long.hashCode(candidates);
    }

    @Override
    public String toString() {
        return "ExampleFooter[requests=" + requests + ", candidates=" + candidates + ", tokens=" + tokens + ", click="
                + positives[0] + ", save=" + positives[1] + ", hide=" + positives[2] + "]";
    }
}
