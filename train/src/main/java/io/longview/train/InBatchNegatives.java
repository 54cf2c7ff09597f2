package io.longview.train;

/**
 * The in-batch NAL negatives of the ablation ladder (DESIGN §4): items from other users' sequences in the batch.
 *
 * <p>Rule: for example b, walk the other rows b+1, b+2, … (cyclically) and skip rows of the same user; from each,
 * take its newest real token not taken yet, round after round, until {@code batch.maxNegatives()} negatives are
 * collected or the other users' tokens run out. Deterministic: the same batch gives the same negatives.
 */
public final class InBatchNegatives {
    private InBatchNegatives() {
    }

    /** Overwrites {@code batch.negatives()} and {@code batch.negativeCounts()} with in-batch negatives. */
    public static void fill(Batch batch) {
        int bs = batch.size();
        int t = batch.seqLen();
        int e = batch.dEmb();
        int n = batch.maxNegatives();
        long[] users = batch.userIds();
        int[] lengths = batch.lengths();
        for (int b = 0; b < bs; b++) {
            int got = 0;
            for (int round = 0; got < n; round++) {
                boolean any = false;
                for (int o = 1; o < bs && got < n; o++) {
                    int other = (b + o) % bs;
                    if (users[other] == users[b] || round >= lengths[other]) {
                        continue;
                    }
                    any = true;
                    int tok = lengths[other] - 1 - round;                           // newest first
                    System.arraycopy(batch.tokens(), (other * t + tok) * e, batch.negatives(), (b * n + got) * e, e);
                    got++;
                }
                if (!any) {
                    break;
                }
            }
            batch.negativeCounts()[b] = got;
        }
    }
}
