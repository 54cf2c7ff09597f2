package io.longview.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longview.core.model.Actions;

/**
 * The losses of DESIGN §4, on arrays of one step manager. Every result belongs to {@code step}.
 *
 * <p>BCE is computed from logits in the stable form {@code max(x, 0) − x·y + log(1 + e^{−|x|})}.
 *
 * <p>Next Action Loss: for each example and each position t whose next token (t + 1, a real token) has the click or
 * save bit, {@code u = Z[t] P} and the logits are {@code [⟨u, pos⟩, ⟨u, neg_1⟩, …]} with pos the normalized
 * dequantized embedding of token t + 1 and the negatives the example's normalized negatives (a zero vector
 * normalizes to zero); the loss is the mean of {@code −log softmax(logits)[0]} over all such (example, t) of the
 * batch, and 0 when there is none.
 */
public final class Losses {
    private Losses() {
    }

    /** (B, H) per-example, per-head binary cross-entropy of {@code logits} against {@code batch.labels()}. */
    public static NDArray bce(NDManager step, NDArray logits, Batch batch) {
        NDArray y = step.create(batch.labels(), new Shape(batch.size(), batch.heads()));
        NDArray x = logits;
        return x.maximum(Scalars.of(step, 0f)).sub(x.mul(y)).add(x.abs().neg().exp().add(Scalars.of(step, 1f)).log());
    }

    /** Σ_h w_h · mean over the batch of BCE_h: a scalar ({@code headWeights}: w_h, one per head of the batch). */
    public static NDArray weightedBce(NDManager step, NDArray logits, Batch batch, java.util.List<Double> headWeights) {
        if (headWeights.size() != batch.heads()) {
            throw new IllegalArgumentException(headWeights.size() + " head weights, batch has " + batch.heads() + " heads");
        }
        float[] w = new float[batch.heads()];
        for (int h = 0; h < w.length; h++) {
            w[h] = headWeights.get(h).floatValue();
        }
        return bce(step, logits, batch).mean(new int[]{0}).mul(step.create(w, new Shape(w.length))).sum();
    }

    /**
     * The Next Action Loss (scalar) of the encoder output {@code z} (B, T, D) with the negatives in
     * {@code batch.negatives()} (use {@link InBatchNegatives#fill} first for the in-batch variant).
     *
     * @param projection P, (D, E), no bias
     */
    public static NDArray nextAction(NDManager step, NDArray z, NDArray projection, Batch batch) {
        int bs = batch.size();
        int t = batch.seqLen();
        int e = batch.dEmb();
        int n = batch.maxNegatives();
        if (t < 2) {
            return step.create(0f);
        }
        float[] pos = new float[bs * (t - 1) * e];                                  // (B, T-1, E)
        float[] eligible = new float[bs * (t - 1)];                                 // (B, T-1)
        int count = 0;
        for (int b = 0; b < bs; b++) {
            for (int i = 0; i + 1 < batch.lengths()[b]; i++) {
                int next = b * t + i + 1;
                if (Actions.isEngaged(batch.actions()[next])) {
                    eligible[b * (t - 1) + i] = 1f;
                    normalizeInto(batch.tokens(), next * e, pos, (b * (t - 1) + i) * e, e);
                    count++;
                }
            }
        }
        if (count == 0) {
            return step.create(0f);
        }
        NDArray u = z.get(":, 0:" + (t - 1) + ", :").matMul(projection);            // (B, T-1, E)
        NDArray posLogit = u.mul(step.create(pos, new Shape(bs, t - 1, e))).sum(new int[]{2}, true);  // (B, T-1, 1)
        NDArray logits = posLogit;
        if (n > 0) {
            float[] negs = new float[bs * n * e];                                   // (B, N, E)
            float[] negMask = new float[bs * n];                                    // (B, 1, N)
            for (int b = 0; b < bs; b++) {
                for (int j = 0; j < n; j++) {
                    int row = b * n + j;
                    if (j < batch.negativeCounts()[b]) {
                        normalizeInto(batch.negatives(), row * e, negs, row * e, e);
                    } else {
                        negMask[row] = TransActModel.MASKED;
                    }
                }
            }
            NDArray negLogit = u.matMul(step.create(negs, new Shape(bs, n, e)).transpose(0, 2, 1))
                    .add(step.create(negMask, new Shape(bs, 1, n)));                // (B, T-1, N)
            logits = posLogit.concat(negLogit, 2);
        }
        NDArray nll = logits.logSoftmax(2).get(":, :, 0").neg();                    // (B, T-1)
        return nll.mul(step.create(eligible, new Shape(bs, t - 1))).sum().div(Scalars.of(step, count));
    }

    /**
     * The whole training loss for {@code out}: weighted BCE with the model's head weights plus, when the model
     * {@link io.longview.core.checkpoint.ModelConfig#trainsNextAction trains the Next Action Loss}, w_NAL · L_NAL.
     * A scalar.
     */
    public static NDArray total(NDManager step, TransActModel model, ForwardOutput out, Batch batch) {
        var config = model.config();
        NDArray l = weightedBce(step, out.logits(), batch, config.headWeights());
        if (config.trainsNextAction() && out.encoderOutput() != null) {
            l = l.add(nextAction(step, out.encoderOutput(), model.parameters().get("P"), batch)
                    .mul(Scalars.of(step, (float) config.nal().weight())));
        }
        return l;
    }

    private static void normalizeInto(float[] src, int from, float[] dst, int to, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += (double) src[from + i] * src[from + i];
        }
        if (s == 0) {
            return;
        }
        double inv = 1.0 / Math.sqrt(s);
        for (int i = 0; i < len; i++) {
            dst[to + i] = (float) (src[from + i] * inv);
        }
    }
}
