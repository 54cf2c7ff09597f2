package io.longview.data.movielens;

import io.longview.core.model.Actions;

/**
 * Maps MovieLens stars to the explicit actions of DESIGN §1:
 * <pre>
 * rating ≥ 4.0        save   (strong positive: the paper's repin)
 * 3.0 ≤ rating &lt; 4.0  click  (mild positive)
 * rating ≤ 2.5        hide   (negative)
 * </pre>
 */
public final class RatingMapping {
    public static final double SAVE_FROM = 4.0;
    public static final double CLICK_FROM = 3.0;
    /** The mapping in words, for manifests. */
    public static final String DESCRIPTION = "rating >= 4 -> save; 3 <= rating < 4 -> click; rating <= 2.5 -> hide";

    private RatingMapping() {
    }

    /** The action bit for a rating. */
    public static byte action(double rating) {
        if (rating >= SAVE_FROM) {
            return Actions.SAVE;
        }
        if (rating >= CLICK_FROM) {
            return Actions.CLICK;
        }
        return Actions.HIDE;
    }
}
