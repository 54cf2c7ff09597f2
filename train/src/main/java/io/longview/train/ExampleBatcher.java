package io.longview.train;

import io.longview.core.select.SequencePart;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.DenseFeatures;
import io.longview.examples.ExampleFormat;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ItemFeatureFile;
import io.longview.examples.RequestRecord;

import java.util.List;

/**
 * Writes training examples of an example file ({@code examples} module, one {@link RequestRecord} per request, one
 * example per candidate) into rows of a {@link Batch}.
 *
 * <p>Per example (request r, candidate j):
 * <ul>
 *   <li>tokens: the candidate's S_all in file order (oldest first), keeping only tokens of the parts in
 *       {@link ModelConfig#reads}, dequantized as {@code q * header.quantizerClip() / 127}; padding after them;</li>
 *   <li>candidate: the file's float embedding; labels: for each model head, the header's head of the same name;</li>
 *   <li>dense: {@link DenseFeatures} of |S_RT|, |S_LL|, |S_imp| at request time and the request time (UTC), then, when
 *       the examples were built with item features, the candidate's row of the {@link ItemFeatureFile} (core
 *       {@code ItemStatistics} at request time);</li>
 *   <li>NAL negatives: the request's impression negatives (newest first), at most the batch's capacity;</li>
 *   <li>user id: the request's user.</li>
 * </ul>
 */
public final class ExampleBatcher {
    private final ModelConfig config;
    private final float scale;
    private final int[] headBits;
    private final boolean[] keepPart;
    private final byte[] q;
    private final ItemFeatureFile.Table itemFeatures; // or null

    /** A batcher for examples without item features. */
    public ExampleBatcher(ModelConfig config, ExampleHeader header) {
        this(config, header, null);
    }

    /**
     * @throws IllegalArgumentException when the file's examples cannot feed this model: a model head the file has no
     *                                  labels for, a selection longer than the model's sequence, an embedding width
     *                                  or dense width that differs
     * @param itemFeatures the item feature file beside the examples, or null when they have none
     */
    public ExampleBatcher(ModelConfig config, ExampleHeader header, ItemFeatureFile.Table itemFeatures) {
        this.config = config;
        this.itemFeatures = itemFeatures;
        this.scale = header.quantizerClip() / 127f;
        if (config.dEmb() != ExampleFormat.EMBEDDING_DIM) {
            throw new IllegalArgumentException("model embedding width " + config.dEmb() + ", example files hold "
                    + ExampleFormat.EMBEDDING_DIM);
        }
        List<String> dense = new java.util.ArrayList<>(ModelConfig.DEFAULT_DENSE_FEATURES);
        if (itemFeatures != null) {
            dense.addAll(itemFeatures.names());
        }
        if (!config.denseFeatures().equals(dense)) {
            throw new IllegalArgumentException("model dense features " + config.denseFeatures() + ", the example features give "
                    + dense + (itemFeatures == null ? "" : " (" + DenseFeatures.DIM + " user/context + " + itemFeatures.dim() + " item)"));
        }
        if (header.selection().maxLength() > config.seqLength()) {
            throw new IllegalArgumentException("examples select up to " + header.selection().maxLength()
                    + " tokens, the model's sequence holds " + config.seqLength());
        }
        List<ExampleFormat.LabelHead> fileHeads = header.heads();
        headBits = new int[config.heads().size()];
        for (int h = 0; h < headBits.length; h++) {
            String name = config.heads().get(h);
            headBits[h] = fileHeads.stream().filter(fh -> fh.name().equals(name)).mapToInt(ExampleFormat.LabelHead::bit)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("model head " + name
                            + " has no labels in the example file; its heads are " + fileHeads));
        }
        keepPart = new boolean[3];
        for (SequencePart p : SequencePart.values()) {
            keepPart[p.code()] = config.reads(p);
        }
        q = new byte[ExampleFormat.EMBEDDING_DIM];
    }

    /** Writes example (request {@code r}, candidate {@code j}) into row {@code row} of {@code batch}, overwriting it. */
    public void put(Batch batch, int row, RequestRecord r, int j) {
        if (j < 0 || j >= r.candidateCount()) {
            throw new IllegalArgumentException("candidate " + j + " of a request with " + r.candidateCount());
        }
        int t = batch.seqLen();
        int e = batch.dEmb();
        int base = row * t;
        java.util.Arrays.fill(batch.tokens(), base * e, (base + t) * e, 0f);
        java.util.Arrays.fill(batch.actions(), base, base + t, (byte) 0);
        java.util.Arrays.fill(batch.surfaces(), base, base + t, 0);
        int n = 0;
        int selected = r.selectedCount(j);
        for (int k = 0; k < selected; k++) {
            int i = r.selectedToken(j, k);
            if (!keepPart[r.tokenPart(i).code()]) {
                continue;
            }
            r.tokenEmbedding(i, q, 0);
            int off = (base + n) * e;
            for (int d = 0; d < e; d++) {
                batch.tokens()[off + d] = q[d] * scale;
            }
            batch.actions()[base + n] = r.tokenActions(i);
            batch.surfaces()[base + n] = r.tokenSurface(i);
            n++;
        }
        batch.lengths()[row] = n;
        r.candidateEmbedding(j, batch.candidates(), row * e);
        DenseFeatures.write(r.realtimeCount(), r.lifelongCount(), r.impressionCount(), r.requestTimeMs(),
                batch.dense(), row * batch.denseDim());
        if (itemFeatures != null) {
            itemFeatures.copy(r.requestId(), r.candidateItemId(j), batch.dense(), row * batch.denseDim() + DenseFeatures.DIM);
        }
        byte labels = r.labels(j);
        for (int h = 0; h < headBits.length; h++) {
            batch.labels()[row * batch.heads() + h] = (labels & headBits[h]) != 0 ? 1f : 0f;
        }
        int cap = batch.maxNegatives();
        int g = Math.min(cap, r.negativeCount());
        java.util.Arrays.fill(batch.negatives(), row * cap * e, (row + 1) * cap * e, 0f);
        for (int k = 0; k < g; k++) {
            r.negativeEmbedding(k, q, 0);
            int off = (row * cap + k) * e;
            for (int d = 0; d < e; d++) {
                batch.negatives()[off + d] = q[d] * scale;
            }
        }
        batch.negativeCounts()[row] = g;
        batch.userIds()[row] = r.userId();
    }
}
