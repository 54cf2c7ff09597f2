package io.longview.synth;

import io.longview.core.model.Token;

/**
 * The items of a synthetic world: {@code topics × itemsPerTopic} items in topic clusters, each with a 32-d content
 * embedding {@code c_k + N(0, noiseScale²)} around its topic centre {@code c_k ~ N(0, centreScale²)}
 * ({@link WorldConfig.Catalog}). Item ids {@code 1 .. items} are a seeded permutation, so an id reveals nothing about
 * its topic. Built once from the world seed; read-only and thread-safe afterwards.
 *
 * <pre>
 * centres     float[topics * 32]   (topic, dim)
 * embeddings  float[items * 32]    (item id - 1, dim)
 * unit        float[items * 32]    embeddings / |embedding|, for cosines
 * unitCentres float[topics * 32]   centres / |centre|
 * topicOf     int[items]           by item id - 1
 * byRank      long[topics * itemsPerTopic]   (topic, popularity rank) → item id
 * </pre>
 */
public final class TopicCatalog {
    private static final int D = Token.EMBEDDING_DIM;

    private final int topics;
    private final int itemsPerTopic;
    private final float[] centres;
    private final float[] unitCentres;
    private final float[] embeddings;
    private final float[] unit;
    private final int[] topicOf;
    private final long[] byRank;
    private final double[] rankCdf; // (itemsPerTopic): P(rank ≤ r), shared by all topics

    private TopicCatalog(int topics, int itemsPerTopic, float[] centres, float[] embeddings, int[] topicOf, long[] byRank, double[] rankCdf) {
        this.topics = topics;
        this.itemsPerTopic = itemsPerTopic;
        this.centres = centres;
        this.embeddings = embeddings;
        this.topicOf = topicOf;
        this.byRank = byRank;
        this.rankCdf = rankCdf;
        this.unitCentres = normalizedRows(centres);
        this.unit = normalizedRows(embeddings);
    }

    /** Builds the catalog of a world from its seed (stream {@link WorldRandom#CATALOG}). */
    static TopicCatalog build(WorldConfig.Catalog c, long seed) {
        WorldRandom rng = WorldRandom.stream(seed, WorldRandom.CATALOG, 0);
        int items = c.items();
        float[] centres = new float[c.topics() * D];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) (c.centreScale() * rng.nextGaussian());
        }
        // item ids: a seeded permutation of 1..items over the (topic, rank) slots
        long[] byRank = new long[items];
        for (int i = 0; i < items; i++) {
            byRank[i] = i + 1;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = byRank[i];
            byRank[i] = byRank[j];
            byRank[j] = t;
        }
        float[] embeddings = new float[items * D];
        int[] topicOf = new int[items];
        for (int slot = 0; slot < items; slot++) {
            int topic = slot / c.itemsPerTopic();
            int row = (int) (byRank[slot] - 1);
            topicOf[row] = topic;
            for (int d = 0; d < D; d++) {
                embeddings[row * D + d] = (float) (centres[topic * D + d] + c.noiseScale() * rng.nextGaussian());
            }
        }
        double[] cdf = new double[c.itemsPerTopic()];
        double sum = 0;
        for (int r = 0; r < cdf.length; r++) {
            sum += StrictMath.pow(r + 1, -c.popularityExponent());
            cdf[r] = sum;
        }
        for (int r = 0; r < cdf.length; r++) {
            cdf[r] /= sum;
        }
        cdf[cdf.length - 1] = 1.0;
        return new TopicCatalog(c.topics(), c.itemsPerTopic(), centres, embeddings, topicOf, byRank, cdf);
    }

    private static float[] normalizedRows(float[] rows) {
        float[] out = new float[rows.length];
        for (int r = 0; r < rows.length / D; r++) {
            double ss = 0;
            for (int d = 0; d < D; d++) {
                ss += (double) rows[r * D + d] * rows[r * D + d];
            }
            double inv = ss > 0 ? 1 / StrictMath.sqrt(ss) : 0;
            for (int d = 0; d < D; d++) {
                out[r * D + d] = (float) (rows[r * D + d] * inv);
            }
        }
        return out;
    }

    public int topics() {
        return topics;
    }

    public int itemsPerTopic() {
        return itemsPerTopic;
    }

    /** Number of items; ids are {@code 1 .. items()}. */
    public int items() {
        return topicOf.length;
    }

    /** The topic of an item. */
    public int topicOf(long itemId) {
        return topicOf[row(itemId)];
    }

    /** The item's 32-d content embedding (a copy). */
    public float[] embedding(long itemId) {
        float[] e = new float[D];
        System.arraycopy(embeddings, row(itemId) * D, e, 0, D);
        return e;
    }

    /** Topic {@code k}'s centre (a copy). */
    public float[] centre(int topic) {
        float[] c = new float[D];
        System.arraycopy(centres, checkTopic(topic) * D, c, 0, D);
        return c;
    }

    /** The item of popularity rank {@code rank} (0 = most popular) in {@code topic}. */
    public long itemAt(int topic, int rank) {
        if (rank < 0 || rank >= itemsPerTopic) {
            throw new IllegalArgumentException("rank " + rank + " out of range [0, " + itemsPerTopic + ")");
        }
        return byRank[checkTopic(topic) * itemsPerTopic + rank];
    }

    /** Cosine similarity between an item's embedding and a topic centre. */
    public double cosine(long itemId, int topic) {
        int a = row(itemId) * D;
        int b = checkTopic(topic) * D;
        double s = 0;
        for (int d = 0; d < D; d++) {
            s += (double) unit[a + d] * unitCentres[b + d];
        }
        return s;
    }

    /** The largest {@link #cosine} of the item over the given topics; −1 for none. */
    double maxCosine(long itemId, int[] topicList, int n) {
        double best = -1;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, cosine(itemId, topicList[i]));
        }
        return best;
    }

    /** An item of {@code topic} drawn by popularity. */
    long sample(int topic, WorldRandom rng) {
        double u = rng.nextDouble();
        int lo = 0;
        int hi = rankCdf.length - 1;
        while (lo < hi) { // first rank with cdf > u
            int mid = (lo + hi) >>> 1;
            if (rankCdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return byRank[topic * itemsPerTopic + lo];
    }

    private int row(long itemId) {
        if (itemId < 1 || itemId > topicOf.length) {
            throw new IllegalArgumentException("item " + itemId + " is not in the catalog (ids 1.." + topicOf.length + ")");
        }
        return (int) (itemId - 1);
    }

    private int checkTopic(int topic) {
        if (topic < 0 || topic >= topics) {
            throw new IllegalArgumentException("topic " + topic + " out of range [0, " + topics + ")");
        }
        return topic;
    }
}
