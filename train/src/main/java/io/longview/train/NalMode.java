package io.longview.train;

/** Where the Next Action Loss takes its negatives from (DESIGN §4). */
public enum NalMode {
    /** No Next Action Loss. */
    OFF,
    /** Up to N items of the same user's S_imp at request time (the default; the example file's NAL negatives). */
    IMPRESSIONS,
    /** Items from other users' sequences in the same batch (the ablation); see {@link InBatchNegatives}. */
    IN_BATCH
}
