package io.longview.core.checkpoint;

import io.longview.core.model.Actions;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.core.select.SelectionConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything that fixes the model's shape and meaning (DESIGN §3–4), recorded in every checkpoint. Defaults are
 * DESIGN's; {@link #builder()} starts from them.
 *
 * @param dEmb          item embedding width (32); the candidate width
 * @param dModel        token width (64), must be {@code 2 · dEmb} (early fusion: [token | candidate])
 * @param dFf           encoder feed-forward width (32)
 * @param layers        encoder layers (2)
 * @param seqLength     |S_all| capacity, rows of {@code E_pos} (192); at least {@code selection.maxLength()}
 * @param heads         head names, unique, at least one (click, save, hide); the order of the head logits
 * @param headWeights   loss weight w_h per head, finite and ≥ 0 (1 each)
 * @param denseFeatures names of the dense user/context features, in input order (their count is {@link #denseDim()})
 * @param mlp           MLP layer sizes (256, 128), each ≥ 1; may be empty
 * @param crossLayers   DCN-v2 cross layers (2), ≥ 0
 * @param actionBits    rows of {@code E_act} ({@link Actions#COUNT})
 * @param surfaces      rows of {@code E_surf}, in [1, {@link Surfaces#LIMIT}] ({@link Surfaces#LIMIT})
 * @param layerNormEps  LayerNorm epsilon (1e-5)
 * @param quantizerClip the int8 clip of the token embeddings the model was trained on (0.65)
 * @param selection     the candidate-anchored selection budgets the model was trained with
 * @param nal           the Next Action Loss settings
 * @param sequence      false: the no-sequence ranker of the ablation ladder (no encoder tensors; the ranker input is
 *                      {@code [candidate | dense]}); true (default): the sequence ranker. Which sequence parts a
 *                      sequence ranker reads is {@code selection}'s budgets (a part with budget 0 is off: the RT-only
 *                      ranker has {@code k_ll = k_imp = 0})
 */
public record ModelConfig(int dEmb, int dModel, int dFf, int layers, int seqLength, List<String> heads,
                          List<Double> headWeights, List<String> denseFeatures, List<Integer> mlp, int crossLayers,
                          int actionBits, int surfaces, double layerNormEps, float quantizerClip,
                          SelectionConfig selection, NalConfig nal, boolean sequence) {

    /** Head, dense feature and note names: {@code [A-Za-z0-9_.-]+}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** The default dense features: log1p of |S_RT|, |S_LL|, |S_imp| at request time, hour of day, day of week. */
    public static final List<String> DEFAULT_DENSE_FEATURES =
            List.of("log_realtime_length", "log_lifelong_length", "log_impression_length", "hour_of_day", "day_of_week");

    /** DESIGN's defaults. */
    public static final ModelConfig DEFAULT = new ModelConfig(Token.EMBEDDING_DIM, 2 * Token.EMBEDDING_DIM, 32, 2, 192,
            List.of("click", "save", "hide"), List.of(1.0, 1.0, 1.0), DEFAULT_DENSE_FEATURES, List.of(256, 128), 2,
            Actions.COUNT, Surfaces.LIMIT, 1e-5, Quantizer.DEFAULT_CLIP, SelectionConfig.DEFAULT, NalConfig.DEFAULT, true);

    public ModelConfig {
        positive("dEmb", dEmb);
        if (dModel != 2 * dEmb) {
            throw new IllegalArgumentException("dModel is " + dModel + ", expected 2 · dEmb = " + 2 * dEmb + " (token ⊕ candidate)");
        }
        positive("dFf", dFf);
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be ≥ 0, got " + layers);
        }
        if (selection == null || nal == null) {
            throw new IllegalArgumentException("selection and nal must be set");
        }
        positive("seqLength", seqLength);
        if (seqLength < selection.maxLength()) {
            throw new IllegalArgumentException("seqLength is " + seqLength + ", expected at least the selection's maximum "
                    + selection.maxLength() + " (" + selection.describe() + ")");
        }
        heads = names("head", heads);
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("at least one head is needed");
        }
        headWeights = List.copyOf(headWeights);
        if (headWeights.size() != heads.size()) {
            throw new IllegalArgumentException(headWeights.size() + " head weights for " + heads.size() + " heads " + heads);
        }
        for (int i = 0; i < headWeights.size(); i++) {
            double w = headWeights.get(i);
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("weight of head " + heads.get(i) + " is " + w + ", expected a finite number ≥ 0");
            }
        }
        denseFeatures = names("dense feature", denseFeatures);
        mlp = List.copyOf(mlp);
        for (int i = 0; i < mlp.size(); i++) {
            if (mlp.get(i) < 1) {
                throw new IllegalArgumentException("MLP layer " + i + " has size " + mlp.get(i) + ", expected ≥ 1");
            }
        }
        if (crossLayers < 0) {
            throw new IllegalArgumentException("crossLayers must be ≥ 0, got " + crossLayers);
        }
        if (actionBits < 1 || actionBits > 8) {
            throw new IllegalArgumentException("actionBits is " + actionBits + ", expected 1..8 (one byte of bits)");
        }
        if (surfaces < 1 || surfaces > Surfaces.LIMIT) {
            throw new IllegalArgumentException("surfaces is " + surfaces + ", expected 1.." + Surfaces.LIMIT);
        }
        if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be a positive finite number, got " + layerNormEps);
        }
        if (!(quantizerClip > 0) || !Float.isFinite(quantizerClip)) {
            throw new IllegalArgumentException("quantizerClip must be a positive finite number, got " + quantizerClip);
        }
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1, got " + v);
        }
    }

    private static List<String> names(String what, List<String> names) {
        List<String> copy = List.copyOf(names);
        Set<String> seen = new HashSet<>();
        for (String n : copy) {
            if (!NAME.matcher(n).matches()) {
                throw new IllegalArgumentException(what + " name '" + n + "' must match " + NAME.pattern());
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException(what + " name '" + n + "' appears twice in " + copy);
            }
        }
        return copy;
    }

    /** Number of dense features. */
    public int denseDim() {
        return denseFeatures.size();
    }

    /** Width of the ranker input {@code r0 = [seq_feat | candidate | dense]}: {@code dModel + dEmb + denseDim}. */
    public int rankerInputDim() {
        return (sequence ? dModel : 0) + dEmb + denseDim();
    }

    /** Width of the head layer's input: the last MLP size, or {@link #rankerInputDim()} without an MLP. */
    public int headInputDim() {
        return mlp.isEmpty() ? rankerInputDim() : mlp.getLast();
    }

    /**
     * Whether the model reads tokens of {@code part}: a sequence model whose selection gives the part a budget (the
     * trainer drops the tokens of the other parts from the examples, so that serving and training see the same).
     */
    public boolean reads(io.longview.core.select.SequencePart part) {
        return sequence && selection.parts().contains(part);
    }

    /**
     * This configuration for examples selected with {@code data} (their file's selection): {@code data}'s budgets for
     * the parts this model reads, 0 for the others — what serving must select to give the model what training gave.
     */
    public ModelConfig withDataSelection(SelectionConfig data) {
        return toBuilder().selection(data.keeping(selection.parts())).build();
    }

    /** Whether the Next Action Loss contributes to training: a sequence model with a positive NAL weight. */
    public boolean trainsNextAction() {
        return sequence && nal.enabled();
    }

    /** The index of a head by name, or -1. */
    public int headIndex(String head) {
        return heads.indexOf(head);
    }

    /** The quantizer of the token embeddings. */
    public Quantizer quantizer() {
        return new Quantizer(quantizerClip);
    }

    /**
     * Every tensor this configuration requires, in the canonical order (the order of a checkpoint file), named as
     * {@link TensorNames} documents.
     */
    public List<TensorSpec> tensorSpecs() {
        List<TensorSpec> s = new ArrayList<>();
        if (sequence) {
            s.add(new TensorSpec(TensorNames.ACTION_EMBEDDING, new int[]{actionBits, dModel}));
            s.add(new TensorSpec(TensorNames.SURFACE_EMBEDDING, new int[]{surfaces, dModel}));
            s.add(new TensorSpec(TensorNames.POSITION_EMBEDDING, new int[]{seqLength, dModel}));
            for (int i = 0; i < layers; i++) {
                s.add(new TensorSpec(TensorNames.query(i), new int[]{dModel, dModel}));
                s.add(new TensorSpec(TensorNames.key(i), new int[]{dModel, dModel}));
                s.add(new TensorSpec(TensorNames.value(i), new int[]{dModel, dModel}));
                s.add(new TensorSpec(TensorNames.feedForwardIn(i), new int[]{dModel, dFf}));
                s.add(new TensorSpec(TensorNames.feedForwardOut(i), new int[]{dFf, dModel}));
            }
            s.add(new TensorSpec(TensorNames.OUTPUT_WEIGHT, new int[]{dModel, dModel}));
            s.add(new TensorSpec(TensorNames.OUTPUT_BIAS, new int[]{dModel}));
            s.add(new TensorSpec(TensorNames.NAL_PROJECTION, new int[]{dModel, dEmb}));
        }
        int dIn = rankerInputDim();
        for (int i = 0; i < crossLayers; i++) {
            s.add(new TensorSpec(TensorNames.crossWeight(i), new int[]{dIn, dIn}));
            s.add(new TensorSpec(TensorNames.crossBias(i), new int[]{dIn}));
        }
        int in = dIn;
        for (int i = 0; i < mlp.size(); i++) {
            s.add(new TensorSpec(TensorNames.mlpWeight(i), new int[]{in, mlp.get(i)}));
            s.add(new TensorSpec(TensorNames.mlpBias(i), new int[]{mlp.get(i)}));
            in = mlp.get(i);
        }
        s.add(new TensorSpec(TensorNames.HEAD_WEIGHT, new int[]{in, heads.size()}));
        s.add(new TensorSpec(TensorNames.HEAD_BIAS, new int[]{heads.size()}));
        return List.copyOf(s);
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link ModelConfig}; validation happens in {@link #build()}. Setting {@link #heads} resets the weights to 1. */
    public static final class Builder {
        private int dEmb;
        private int dModel;
        private int dFf;
        private int layers;
        private int seqLength;
        private List<String> heads;
        private List<Double> headWeights;
        private List<String> denseFeatures;
        private List<Integer> mlp;
        private int crossLayers;
        private int actionBits;
        private int surfaces;
        private double layerNormEps;
        private float quantizerClip;
        private SelectionConfig selection;
        private NalConfig nal;
        private boolean sequence;

        private Builder(ModelConfig c) {
            dEmb = c.dEmb;
            dModel = c.dModel;
            dFf = c.dFf;
            layers = c.layers;
            seqLength = c.seqLength;
            heads = c.heads;
            headWeights = c.headWeights;
            denseFeatures = c.denseFeatures;
            mlp = c.mlp;
            crossLayers = c.crossLayers;
            actionBits = c.actionBits;
            surfaces = c.surfaces;
            layerNormEps = c.layerNormEps;
            quantizerClip = c.quantizerClip;
            selection = c.selection;
            nal = c.nal;
            sequence = c.sequence;
        }

        /** Sets dEmb and dModel = 2 · dEmb. */
        public Builder dEmb(int v) {
            dEmb = v;
            dModel = 2 * v;
            return this;
        }

        public Builder dFf(int v) {
            dFf = v;
            return this;
        }

        public Builder layers(int v) {
            layers = v;
            return this;
        }

        public Builder seqLength(int v) {
            seqLength = v;
            return this;
        }

        /** Sets the heads, each with weight 1. */
        public Builder heads(List<String> v) {
            heads = v;
            headWeights = Collections.nCopies(v.size(), 1.0);
            return this;
        }

        public Builder headWeights(List<Double> v) {
            headWeights = v;
            return this;
        }

        public Builder denseFeatures(List<String> v) {
            denseFeatures = v;
            return this;
        }

        public Builder mlp(List<Integer> v) {
            mlp = v;
            return this;
        }

        public Builder crossLayers(int v) {
            crossLayers = v;
            return this;
        }

        public Builder actionBits(int v) {
            actionBits = v;
            return this;
        }

        public Builder surfaces(int v) {
            surfaces = v;
            return this;
        }

        public Builder layerNormEps(double v) {
            layerNormEps = v;
            return this;
        }

        public Builder quantizerClip(float v) {
            quantizerClip = v;
            return this;
        }

        public Builder selection(SelectionConfig v) {
            selection = v;
            return this;
        }

        public Builder nal(NalConfig v) {
            nal = v;
            return this;
        }

        /** False: the no-sequence ranker (no encoder tensors). */
        public Builder sequence(boolean v) {
            sequence = v;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(dEmb, dModel, dFf, layers, seqLength, heads, headWeights, denseFeatures, mlp, crossLayers,
                    actionBits, surfaces, layerNormEps, quantizerClip, selection, nal, sequence);
        }
    }
}
