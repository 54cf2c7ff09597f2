package io.longview.examples;

import java.util.Locale;

/**
 * Which item features a build writes beside the examples ({@code longview examples --item-features none|stats},
 * recorded in {@code examples.json}).
 */
public enum ItemFeatures {
    /** None: the ranker sees the candidate's embedding and the user/context features only. */
    NONE,
    /** Core {@code ItemStatistics} of every candidate at its request time, in {@link ItemFeatureFile}. */
    STATS;

    /** The option value: {@code none} or {@code stats}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
