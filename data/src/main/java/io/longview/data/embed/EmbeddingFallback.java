package io.longview.data.embed;

import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * Gives every item an embedding when only some were learned (items seen only after the split, only in impressions
 * or hides, or never): never a silent zero vector (DESIGN §1).
 *
 * <p>Rule, for an item without a learned vector:
 * <ol>
 *   <li>if the item has groups (e.g. MovieLens genres) and at least one of them has a learned member: the mean over
 *       those groups of the group centroid, where a group's centroid is the mean learned vector of its learned
 *       members;</li>
 *   <li>otherwise the mean of all learned vectors;</li>
 * </ol>
 * plus seeded Gaussian noise with standard deviation {@link #NOISE_STD} per value, drawn per item id (so two fallback
 * items never share a vector, and an item's fallback does not depend on which other items exist).
 */
public final class EmbeddingFallback {
    /** Noise per value: a fifth of the learner's default RMS 0.25, about 10 int8 steps of the quantizer. */
    public static final double NOISE_STD = 0.05;

    /**
     * How the embeddings were obtained.
     *
     * @param learned        items with a learned vector
     * @param fromGroups     fallback items given a group centroid
     * @param fromGlobalMean fallback items given the global mean
     */
    public record Report(long learned, long fromGroups, long fromGlobalMean) {
        /** All fallback items. */
        public long fallback() {
            return fromGroups + fromGlobalMean;
        }
    }

    private EmbeddingFallback() {
    }

    /**
     * Puts into {@code out} an embedding for every item in {@code itemIds} and every learned item.
     *
     * @param groupsOf the groups of an item (may return null or empty), or null when items have no groups
     * @param seed     seeds the noise
     */
    public static Report complete(LearnedEmbeddings learned, long[] itemIds, LongFunction<? extends Collection<String>> groupsOf,
                                  long seed, InMemoryItemEmbeddings out) {
        int dim = Token.EMBEDDING_DIM;
        Map<String, double[]> sums = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        if (groupsOf != null) {
            for (int j = 0; j < learned.size(); j++) {
                Collection<String> gs = groupsOf.apply(learned.itemIds()[j]);
                if (gs == null) {
                    continue;
                }
                for (String g : gs) {
                    double[] s = sums.computeIfAbsent(g, k -> new double[dim]);
                    float[] v = learned.vectors()[j];
                    for (int d = 0; d < dim; d++) {
                        s[d] += v[d];
                    }
                    counts.merge(g, 1, Integer::sum);
                }
            }
        }
        float[] globalMean = learned.mean();
        for (int j = 0; j < learned.size(); j++) {
            out.put(learned.itemIds()[j], learned.vectors()[j]);
        }
        long fromGroups = 0;
        long fromGlobal = 0;
        float[] e = new float[dim];
        for (long id : itemIds) {
            if (learned.contains(id) || out.contains(id)) {
                continue;
            }
            double[] acc = new double[dim];
            int used = 0;
            Collection<String> gs = groupsOf == null ? null : groupsOf.apply(id);
            if (gs != null) {
                for (String g : gs) {
                    double[] s = sums.get(g);
                    if (s != null) {
                        int c = counts.get(g);
                        for (int d = 0; d < dim; d++) {
                            acc[d] += s[d] / c;
                        }
                        used++;
                    }
                }
            }
            SplittableRandom r = new SplittableRandom(ImplicitAlsLearner.mix(seed, id ^ 0x5EEDFA11BAC4L));
            for (int d = 0; d < dim; d++) {
                double base = used > 0 ? acc[d] / used : globalMean[d];
                e[d] = (float) (base + r.nextGaussian() * NOISE_STD);
            }
            if (used > 0) {
                fromGroups++;
            } else {
                fromGlobal++;
            }
            out.put(id, e);
        }
        return new Report(learned.size(), fromGroups, fromGlobal);
    }
}
