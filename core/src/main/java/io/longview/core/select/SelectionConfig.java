package io.longview.core.select;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The budgets of candidate-anchored selection (DESIGN §2):
 * {@code S_all = NN(S_LL, K_LL) ⊕ S_RT[:r] ⊕ NN(S_RT[r:], K_RT) ⊕ NN(S_imp, K_imp)}, at most
 * {@link #maxLength()} tokens. A budget of 0 switches a part off (RT-only, the TransAct V1 shape, is
 * {@code K_LL = K_imp = 0}).
 *
 * @param kLifelong     K_LL, tokens picked from S_LL (default 96)
 * @param recent        r, newest S_RT tokens always taken (default 32)
 * @param kRealtime     K_RT, tokens picked from the rest of S_RT (default 32)
 * @param kImpressions  K_imp, tokens picked from S_imp (default 32)
 * @param lifelongRule  how S_LL tokens are picked (default {@link SelectionRule#NEAREST})
 */
public record SelectionConfig(int kLifelong, int recent, int kRealtime, int kImpressions, SelectionRule lifelongRule) {
    public static final SelectionConfig DEFAULT = new SelectionConfig(96, 32, 32, 32, SelectionRule.NEAREST);
    /** TransAct V1 shape: the realtime sequence only. */
    public static final SelectionConfig REALTIME_ONLY = new SelectionConfig(0, 32, 32, 0, SelectionRule.NEAREST);

    public SelectionConfig {
        if (kLifelong < 0 || recent < 0 || kRealtime < 0 || kImpressions < 0) {
            throw new IllegalArgumentException("selection budgets must be ≥ 0: K_LL " + kLifelong + ", r " + recent
                    + ", K_RT " + kRealtime + ", K_imp " + kImpressions);
        }
        if (lifelongRule == null) {
            throw new IllegalArgumentException("lifelongRule must be set");
        }
    }

    /** |S_all| at most: the model's sequence length and the number of position embeddings. */
    public int maxLength() {
        return kLifelong + recent + kRealtime + kImpressions;
    }

    /** The parts with a positive budget: the parts a model trained on this selection reads. */
    public Set<SequencePart> parts() {
        EnumSet<SequencePart> parts = EnumSet.noneOf(SequencePart.class);
        if (kLifelong > 0) {
            parts.add(SequencePart.LIFELONG);
        }
        if (recent > 0 || kRealtime > 0) {
            parts.add(SequencePart.REALTIME);
        }
        if (kImpressions > 0) {
            parts.add(SequencePart.IMPRESSIONS);
        }
        return parts;
    }

    /** This selection with the budgets of the parts not in {@code keep} set to 0 (the lifelong rule unchanged). */
    public SelectionConfig keeping(Set<SequencePart> keep) {
        return new SelectionConfig(keep.contains(SequencePart.LIFELONG) ? kLifelong : 0,
                keep.contains(SequencePart.REALTIME) ? recent : 0, keep.contains(SequencePart.REALTIME) ? kRealtime : 0,
                keep.contains(SequencePart.IMPRESSIONS) ? kImpressions : 0, lifelongRule);
    }

    /** A readable one-line form, e.g. {@code ll=96(nearest) rt=32+32 imp=32}. */
    public String describe() {
        return "ll=" + kLifelong + "(" + lifelongRule.name().toLowerCase(Locale.ROOT) + ") rt=" + recent + "+" + kRealtime
                + " imp=" + kImpressions;
    }
}
