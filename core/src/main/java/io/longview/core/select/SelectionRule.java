package io.longview.core.select;

/**
 * How tokens are picked from the lifelong sequence S_LL. {@link #NEAREST} is TransAct V2; the other two are
 * ablations (DESIGN §5) that keep the same budget {@code K_LL}.
 */
public enum SelectionRule {
    /** The K tokens most similar (cosine) to the candidate; ties: the newer token. */
    NEAREST,
    /** The K newest tokens of S_LL. */
    MOST_RECENT,
    /** K tokens drawn uniformly without replacement, seeded by the caller's salt (reproducible). */
    RANDOM
}
