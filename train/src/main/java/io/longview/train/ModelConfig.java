package io.longview.train;

import io.longview.core.model.DenseFeatures;
import io.longview.core.select.SequencePart;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Shape of the TransAct V2 ranker (DESIGN §3) as the trainer builds it. Every default is the design's.
 *
 * <p>The architecture part of this record is the one the serving checkpoint records as
 * {@link io.longview.core.checkpoint.ModelConfig} ({@link #toCheckpointConfig}, a test keeps the two parameter lists
 * equal); what is only the trainer's is {@code useSequence} and {@code parts} (ablation variants).
 *
 * @param dEmb         item content embedding width (32)
 * @param dModel       token width; must be {@code 2 * dEmb} (early fusion concatenates the candidate) (64)
 * @param dFf          encoder feed-forward width (32)
 * @param layers       encoder layers (2)
 * @param seqLen       S_all length, padding included (192)
 * @param heads        head names, one logit each ({@code click, save, hide})
 * @param denseDim     width of the simple user/context features appended to the ranker input (5, see
 *                     {@link DenseFeatures})
 * @param mlp          hidden sizes of the MLP after the cross layers, ReLU after each ({@code 256, 128})
 * @param crossLayers  DCN-v2 full-rank cross layers (2)
 * @param surfaces     rows of the surface embedding table; every surface id must be below it (16)
 * @param actionBits   rows of the action embedding table, one per action bit (4: click, save, hide, impression)
 * @param lnEps        LayerNorm epsilon (1e-5)
 * @param useSequence  false gives the no-sequence ranker of the ablation ladder: the ranker input is then
 *                     {@code [candidate | dense]} and no encoder parameters exist
 * @param parts        which sequence parts the batch builder keeps (tokens of the other parts are dropped from S_all
 *                     before padding; the relative order of the kept tokens is unchanged)
 */
public record ModelConfig(int dEmb, int dModel, int dFf, int layers, int seqLen, List<String> heads, int denseDim,
                          List<Integer> mlp, int crossLayers, int surfaces, int actionBits, double lnEps,
                          boolean useSequence, Set<SequencePart> parts) {

    /** DESIGN §3 defaults, dense features as {@link DenseFeatures#DIM}. */
    public static final ModelConfig DEFAULT = new ModelConfig(32, 64, 32, 2, 192, List.of("click", "save", "hide"),
            DenseFeatures.DIM, List.of(256, 128), 2, 16, 4, 1e-5, true, EnumSet.allOf(SequencePart.class));

    public ModelConfig {
        heads = List.copyOf(heads);
        mlp = List.copyOf(mlp);
        parts = parts.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(parts));
        if (dEmb <= 0 || dModel != 2 * dEmb) {
            throw new IllegalArgumentException("dModel must be 2 * dEmb (early fusion), got dEmb " + dEmb + ", dModel " + dModel);
        }
        if (dFf <= 0 || layers < 0 || seqLen <= 0 || denseDim < 0 || crossLayers < 0 || surfaces <= 0 || actionBits <= 0) {
            throw new IllegalArgumentException("sizes must be positive: dFf " + dFf + ", layers " + layers + ", seqLen "
                    + seqLen + ", denseDim " + denseDim + ", crossLayers " + crossLayers + ", surfaces " + surfaces
                    + ", actionBits " + actionBits);
        }
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("at least one head is needed");
        }
        for (int s : mlp) {
            if (s <= 0) {
                throw new IllegalArgumentException("mlp sizes must be positive, got " + mlp);
            }
        }
        if (!(lnEps > 0)) {
            throw new IllegalArgumentException("lnEps must be positive, got " + lnEps);
        }
    }

    /**
     * {@link #toCheckpointConfig(java.util.List, io.longview.core.select.SelectionConfig)} with the default selection.
     */
    public io.longview.core.checkpoint.ModelConfig toCheckpointConfig(java.util.List<String> denseFeatureNames) {
        return toCheckpointConfig(denseFeatureNames, io.longview.core.select.SelectionConfig.DEFAULT);
    }

    /**
     * The serving checkpoint's configuration of this model: the same shapes and tensor names, the given dense feature
     * names, and {@code selection} (the one the training examples were built with) with the budgets of the parts this
     * model drops set to 0, so that serving selects exactly the tokens training kept (the RT-only ranker gets
     * {@code k_ll = k_imp = 0}); the no-sequence ranker gets {@code sequence = false}.
     */
    public io.longview.core.checkpoint.ModelConfig toCheckpointConfig(java.util.List<String> denseFeatureNames,
                                                                      io.longview.core.select.SelectionConfig selection) {
        if (denseFeatureNames.size() != denseDim) {
            throw new IllegalArgumentException(denseFeatureNames.size() + " dense feature names, the model has " + denseDim + " dense inputs");
        }
        io.longview.core.select.SelectionConfig s = new io.longview.core.select.SelectionConfig(
                parts.contains(SequencePart.LIFELONG) ? selection.kLifelong() : 0,
                parts.contains(SequencePart.REALTIME) ? selection.recent() : 0,
                parts.contains(SequencePart.REALTIME) ? selection.kRealtime() : 0,
                parts.contains(SequencePart.IMPRESSIONS) ? selection.kImpressions() : 0,
                selection.lifelongRule());
        return io.longview.core.checkpoint.ModelConfig.builder().dEmb(dEmb).dFf(dFf).layers(layers).seqLength(seqLen)
                .heads(heads).headWeights(java.util.Collections.nCopies(heads.size(), 1.0)).denseFeatures(denseFeatureNames)
                .mlp(mlp).crossLayers(crossLayers).actionBits(actionBits).surfaces(surfaces).layerNormEps(lnEps)
                .selection(s).sequence(useSequence).build();
    }

    /** Width of the ranker input {@code r0 = [seq_feat | candidate | dense]}. */
    public int rankerInputDim() {
        return (useSequence ? dModel : 0) + dEmb + denseDim;
    }

    public ModelConfig withDenseDim(int d) {
        return new ModelConfig(dEmb, dModel, dFf, layers, seqLen, heads, d, mlp, crossLayers, surfaces, actionBits, lnEps, useSequence, parts);
    }

    public ModelConfig withMlp(List<Integer> m) {
        return new ModelConfig(dEmb, dModel, dFf, layers, seqLen, heads, denseDim, m, crossLayers, surfaces, actionBits, lnEps, useSequence, parts);
    }

    public ModelConfig withSurfaces(int s) {
        return new ModelConfig(dEmb, dModel, dFf, layers, seqLen, heads, denseDim, mlp, crossLayers, s, actionBits, lnEps, useSequence, parts);
    }

    public ModelConfig withSequenceLength(int t) {
        return new ModelConfig(dEmb, dModel, dFf, layers, t, heads, denseDim, mlp, crossLayers, surfaces, actionBits, lnEps, useSequence, parts);
    }

    public ModelConfig withHeads(List<String> h) {
        return new ModelConfig(dEmb, dModel, dFf, layers, seqLen, h, denseDim, mlp, crossLayers, surfaces, actionBits, lnEps, useSequence, parts);
    }

    public ModelConfig withSequence(boolean use, Set<SequencePart> p) {
        return new ModelConfig(dEmb, dModel, dFf, layers, seqLen, heads, denseDim, mlp, crossLayers, surfaces, actionBits, lnEps, use, p);
    }
}
