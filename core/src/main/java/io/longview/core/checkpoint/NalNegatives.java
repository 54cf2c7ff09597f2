package io.longview.core.checkpoint;

/** Where the Next Action Loss draws its negatives from (DESIGN §4). */
public enum NalNegatives {
    /** Up to {@link NalConfig#maxNegatives()} items of the same user's S_imp at request time (the default, V2). */
    IMPRESSIONS,
    /** Items from other users' sequences in the same batch (ablation). */
    IN_BATCH
}
