package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.examples.RequestRecord;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The V1 random time-window mask (DESIGN §4), a training-only augmentation: for a training example, the tokens
 * newer than {@code requestTime − T} are removed from its sequence, with {@code T ~ U[0, 24 h]} drawn per example.
 *
 * <p>Removal, not an attention mask: the kept tokens are moved to the front of the row in their order, the rest of the
 * row is zeroed and the length shortened, so the masked tokens cannot reach the outputs (nor the NAL targets).
 */
public final class TimeWindowMask {
    /** The largest window, 24 h in milliseconds. */
    public static final long MAX_WINDOW_MS = 24L * 3600 * 1000;

    private TimeWindowMask() {
    }

    /** A window in {@code [0, 24 h]} (ms) from {@code rng}. */
    public static long drawWindowMs(SplittableRandom rng) {
        return rng.nextLong(MAX_WINDOW_MS + 1);
    }

    /**
     * Removes from row {@code row} of {@code batch}, which {@link ExampleBatcher#put} filled from (request {@code r},
     * candidate {@code j}) under {@code config}, every token with timestamp {@code > r.requestTimeMs() − windowMs}.
     *
     * @return the number of tokens removed
     */
    public static int apply(Batch batch, int row, RequestRecord r, int j, ModelConfig config, long windowMs) {
        if (!config.sequence()) {
            return 0;
        }
        boolean[] keepPart = new boolean[3];
        for (io.longview.core.select.SequencePart p : io.longview.core.select.SequencePart.values()) {
            keepPart[p.code()] = config.reads(p);
        }
        long cutoff = r.requestTimeMs() - windowMs;
        int t = batch.seqLen();
        int e = batch.dEmb();
        int base = row * t;
        int n = 0;                                       // position in the row as the batcher wrote it
        int w = 0;                                       // position after removal
        int selected = r.selectedCount(j);
        for (int k = 0; k < selected && n < batch.lengths()[row]; k++) {
            int i = r.selectedToken(j, k);
            if (!keepPart[r.tokenPart(i).code()]) {
                continue;
            }
            if (r.tokenTimestamp(i) <= cutoff) {
                if (w != n) {
                    System.arraycopy(batch.tokens(), (base + n) * e, batch.tokens(), (base + w) * e, e);
                    batch.actions()[base + w] = batch.actions()[base + n];
                    batch.surfaces()[base + w] = batch.surfaces()[base + n];
                }
                w++;
            }
            n++;
        }
        Arrays.fill(batch.tokens(), (base + w) * e, (base + t) * e, 0f);
        Arrays.fill(batch.actions(), base + w, base + t, (byte) 0);
        Arrays.fill(batch.surfaces(), base + w, base + t, 0);
        int removed = batch.lengths()[row] - w;
        batch.lengths()[row] = w;
        return removed;
    }
}
