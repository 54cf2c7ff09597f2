package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.TensorNames;
import io.longview.core.model.Token;

/**
 * A checkpoint's weights as the fused engine reads them, prepared once at load: matrices stay {@code (in, out)}
 * row-major (the layout the matmul kernel streams), and the per-token additive terms of the token encoding are folded
 * into one table, {@code tokenBase[bits · surfaces + s] = Σ_{bit ∈ bits} E_act[bit] + E_surf[s]}, so that building a
 * token row is two copies and one three-way add. Immutable; shared by all threads.
 */
final class EngineWeights {
    final ModelConfig config;
    final boolean sequence;
    final int d;          // d_model
    final int dEmb;       // candidate / token embedding width
    final int dFf;
    final int layers;
    final int heads;
    final int denseDim;
    final int rankerIn;   // width of r0
    final int maxLength;  // |S_all| at most
    final float eps;
    final float step;     // quantization step: clip / 127
    final float scale;    // 1 / √d_model, as ScalarForward

    final float[] tokenBase;   // (2^actionBits · surfaces, d)
    final float[] pos;         // (seqLength, d)
    final float[][] wq, wk, wv; // per layer (d, d)
    /**
     * Per layer (d, d): {@code Wq Wkᵀ}, in double and rounded once. Scores {@code (x_i Wq)·(x_j Wk) = (x_i Wq Wkᵀ)·x_j}, so
     * the engine computes {@code Q' = X · Wqk} and uses X itself as the keys: one (T, d, d) product less per layer,
     * and layer 0's per-token projection is two blocks wide instead of three.
     */
    final float[][] wqk;
    final float[][] w1;        // per layer (d, dFf)
    final float[][] w2;        // per layer (dFf, d)
    final float[] wOut, bOut;  // (d, d), (d)
    // layer 0's Q'|V split along the linear token encoding (x = [e_t | e_c] + tokenBase + E_pos is linear in each)
    final float[] qkvToken;    // (dEmb, 2d): rows 0..dEmb of [Wqk | Wv], applied to dequant(e_t)
    final float[] qkvCand;     // (dEmb, 2d): rows dEmb..d, applied to e_c
    final float[] qkvBase;     // (2^actionBits · surfaces, 2d) = tokenBase [Wqk | Wv]
    final float[] qkvPos;      // (seqLength, 2d) = E_pos [Wqk | Wv]
    final float[][] crossW, crossB; // per cross layer (rankerIn, rankerIn), (rankerIn)
    final int[] mlpSizes;
    final float[][] mlpW, mlpB;     // per MLP layer (in, size), (size)
    final float[] headW, headB;     // (headIn, heads), (heads)
    final int maxWidth;             // widest ranker activation

    EngineWeights(Checkpoint ck) {
        ModelConfig c = ck.config();
        config = c;
        sequence = c.sequence();
        d = c.dModel();
        dEmb = c.dEmb();
        dFf = c.dFf();
        layers = sequence ? c.layers() : 0;
        heads = c.heads().size();
        denseDim = c.denseDim();
        rankerIn = c.rankerInputDim();
        maxLength = c.selection().maxLength();
        eps = (float) c.layerNormEps();
        step = c.quantizer().step();
        scale = (float) (1.0 / Math.sqrt(d));
        if (sequence) {
            if (dEmb != Token.EMBEDDING_DIM) {
                throw new IllegalArgumentException("the model's dEmb is " + dEmb + ", tokens carry " + Token.EMBEDDING_DIM + " values");
            }
            float[] eAct = ck.values(TensorNames.ACTION_EMBEDDING);
            float[] eSurf = ck.values(TensorNames.SURFACE_EMBEDDING);
            int combos = 1 << c.actionBits();
            tokenBase = new float[combos * c.surfaces() * d];
            for (int bits = 0; bits < combos; bits++) {
                for (int s = 0; s < c.surfaces(); s++) {
                    int row = (bits * c.surfaces() + s) * d;
                    for (int bit = 0; bit < c.actionBits(); bit++) {
                        if ((bits >> bit & 1) != 0) {
                            for (int j = 0; j < d; j++) {
                                tokenBase[row + j] += eAct[bit * d + j];
                            }
                        }
                    }
                    for (int j = 0; j < d; j++) {
                        tokenBase[row + j] += eSurf[s * d + j];
                    }
                }
            }
            pos = ck.values(TensorNames.POSITION_EMBEDDING);
            wq = new float[layers][];
            wk = new float[layers][];
            wv = new float[layers][];
            w1 = new float[layers][];
            w2 = new float[layers][];
            wqk = new float[layers][];
            for (int i = 0; i < layers; i++) {
                wq[i] = ck.values(TensorNames.query(i));
                wk[i] = ck.values(TensorNames.key(i));
                wv[i] = ck.values(TensorNames.value(i));
                w1[i] = ck.values(TensorNames.feedForwardIn(i));
                w2[i] = ck.values(TensorNames.feedForwardOut(i));
                wqk[i] = new float[d * d];
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        double m = 0;
                        for (int c2 = 0; c2 < d; c2++) {
                            m += (double) wq[i][a * d + c2] * wk[i][b * d + c2];
                        }
                        wqk[i][a * d + b] = (float) m;
                    }
                }
            }
            wOut = ck.values(TensorNames.OUTPUT_WEIGHT);
            bOut = ck.values(TensorNames.OUTPUT_BIAS);
            if (layers > 0) {
                float[] wqkv = new float[d * 2 * d]; // (d, 2d): [Wqk | Wv] of layer 0
                for (int i = 0; i < d; i++) {
                    System.arraycopy(wqk[0], i * d, wqkv, i * 2 * d, d);
                    System.arraycopy(wv[0], i * d, wqkv, i * 2 * d + d, d);
                }
                qkvToken = java.util.Arrays.copyOfRange(wqkv, 0, dEmb * 2 * d);
                qkvCand = java.util.Arrays.copyOfRange(wqkv, dEmb * 2 * d, d * 2 * d);
                int baseRows = tokenBase.length / d;
                qkvBase = new float[baseRows * 2 * d];
                io.longview.kernels.VectorKernels.matmul(tokenBase, 0, baseRows, d, wqkv, 0, 2 * d, qkvBase, 0);
                qkvPos = new float[c.seqLength() * 2 * d];
                io.longview.kernels.VectorKernels.matmul(pos, 0, c.seqLength(), d, wqkv, 0, 2 * d, qkvPos, 0);
            } else {
                qkvToken = qkvCand = qkvBase = qkvPos = null;
            }
        } else {
            tokenBase = pos = wOut = bOut = null;
            qkvToken = qkvCand = qkvBase = qkvPos = null;
            wq = wk = wv = w1 = w2 = wqk = null;
        }
        crossW = new float[c.crossLayers()][];
        crossB = new float[c.crossLayers()][];
        for (int i = 0; i < c.crossLayers(); i++) {
            crossW[i] = ck.values(TensorNames.crossWeight(i));
            crossB[i] = ck.values(TensorNames.crossBias(i));
        }
        mlpSizes = c.mlp().stream().mapToInt(Integer::intValue).toArray();
        mlpW = new float[mlpSizes.length][];
        mlpB = new float[mlpSizes.length][];
        int widest = Math.max(rankerIn, heads);
        for (int i = 0; i < mlpSizes.length; i++) {
            mlpW[i] = ck.values(TensorNames.mlpWeight(i));
            mlpB[i] = ck.values(TensorNames.mlpBias(i));
            widest = Math.max(widest, mlpSizes[i]);
        }
        maxWidth = widest;
        headW = ck.values(TensorNames.HEAD_WEIGHT);
        headB = ck.values(TensorNames.HEAD_BIAS);
    }
}
