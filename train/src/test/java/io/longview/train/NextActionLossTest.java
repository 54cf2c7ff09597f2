package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longview.core.model.Actions;
import io.longview.core.select.SequencePart;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Next Action Loss of DESIGN §4 on a case small enough to compute by hand: d_emb 2, three tokens, one eligible
 * position, one real negative and one padded negative slot.
 */
class NextActionLossTest {
    private static final ModelConfig TINY = ModelConfig.builder().dEmb(2).dFf(2).layers(1).seqLength(3).heads(List.of("click"))
            .denseFeatures(List.of()).mlp(List.of()).crossLayers(0).surfaces(2).actionBits(4)
            .selection(new io.longview.core.select.SelectionConfig(1, 1, 0, 1, io.longview.core.select.SelectionRule.NEAREST)).build();

    /**
     * <pre>
     * tokens: t0 (click), t1 (save, embedding (3, 4) → normalized (0.6, 0.8)), t2 (impression only)
     * eligible (example, t): only t = 0, whose next token t1 is engaged; t = 1 is not (t2 is not engaged)
     * z[0, 0] = (1, 0, 0, 0), P = [[1, 0], [0, 1], [0, 0], [0, 0]]  →  P u_0 = (1, 0)
     * positive logit ⟨(1, 0), (0.6, 0.8)⟩ = 0.6; negative (0, 2) → (0, 1): logit 0; second negative slot padded
     * L_NAL = −log(e^0.6 / (e^0.6 + e^0)) = log(1 + e^−0.6) = 0.437488…
     * </pre>
     */
    @Test
    void handComputedCase() {
        Batch b = Batch.allocate(TINY, 1, 2);
        b.lengths()[0] = 3;
        b.actions()[0] = Actions.CLICK;
        b.actions()[1] = Actions.SAVE;
        b.actions()[2] = Actions.IMPRESSION;
        b.tokens()[2] = 3f;                                           // token 1 = (3, 4)
        b.tokens()[3] = 4f;
        b.tokens()[4] = 5f;                                           // token 2: not a positive for anyone
        b.negatives()[0] = 0f;                                        // negative 0 = (0, 2)
        b.negatives()[1] = 2f;
        b.negatives()[2] = 9f;                                        // slot 1 is padding: must be ignored
        b.negatives()[3] = 9f;
        b.negativeCounts()[0] = 1;
        float[] z = new float[3 * 4];
        z[0] = 1f;                                                    // u_0
        z[4] = 7f;                                                    // u_1, u_2: not eligible, must not count
        z[9] = -3f;
        float[] p = {1, 0, 0, 1, 0, 0, 0, 0};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float loss = Losses.nextAction(m, m.create(z, new Shape(1, 3, 4)), m.create(p, new Shape(4, 2)), b).getFloat();

            assertThat((double) loss).isCloseTo(Math.log1p(Math.exp(-0.6)), within(1e-6));
        }
    }

    @Test
    void noEngagedNextTokenGivesZero() {
        Batch b = Batch.allocate(TINY, 1, 2);
        b.lengths()[0] = 3;
        b.actions()[0] = Actions.CLICK;
        b.actions()[1] = Actions.IMPRESSION;
        b.actions()[2] = Actions.HIDE;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float loss = Losses.nextAction(m, m.zeros(new Shape(1, 3, 4)), m.ones(new Shape(4, 2)), b).getFloat();

            assertThat(loss).isZero();
        }
    }
}
