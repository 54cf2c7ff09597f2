package io.longview.synth;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointWriter;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.checkpoint.RandomWeights;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Token;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A uniform random world to serve without a trained model or a real dataset: Gaussian checkpoints of any
 * configuration, and random items and users whose events carry no signal. For load tests ({@code longview bench
 * serve}) and the service's tests; the numbers it makes mean nothing, their shapes are real. (The world with
 * structure to learn from is {@link SyntheticWorld}.)
 */
public final class RandomWorld {
    /** Item ids are 1 .. items; user ids 1 .. users. */
    public static final long FIRST_ID = 1;
    /** Events start here: 2026-01-01T00:00:00Z. */
    public static final long START_MS = 1_767_225_600_000L;
    /** Events per batch handed to the event sink. */
    public static final int BATCH = 20_000;

    private RandomWorld() {
    }

    /** Where the items go: {@code ids[i]} has the embedding {@code flat[32·i .. 32·i + 32)}. */
    @FunctionalInterface
    public interface ItemSink {
        void putAll(long[] ids, float[] flat);
    }

    /** Gaussian weights for {@code config}, seeded; provenance names the seed and {@code codeVersion}. */
    public static Checkpoint randomCheckpoint(ModelConfig config, long seed, String codeVersion) {
        return RandomWeights.checkpoint(config, seed,
                Provenance.of("random-seed-" + seed, seed, codeVersion, Instant.ofEpochMilli(START_MS), 0));
    }

    /** Writes {@link #randomCheckpoint} of {@link ModelConfig#DEFAULT} to {@code file}. */
    public static Path writeRandomCheckpoint(Path file, long seed, String codeVersion) {
        CheckpointWriter.write(randomCheckpoint(ModelConfig.DEFAULT, seed, codeVersion), file);
        return file;
    }

    /** A random embedding, roughly unit scale per dimension (σ 0.3), seeded. */
    public static float[] randomEmbedding(SplittableRandom rnd) {
        float[] e = new float[Token.EMBEDDING_DIM];
        for (int d = 0; d < e.length; d++) {
            e[d] = (float) (rnd.nextGaussian() * 0.3);
        }
        return e;
    }

    /**
     * Makes {@code items} random items (all at once, into {@code items}) and gives each of {@code users} users
     * {@code eventsPerUser} random events (60% impressions, 25% clicks, 10% saves, 5% hides; one every 1–10 minutes
     * from {@link #START_MS}), handed to {@code events} in batches of {@value #BATCH}. With a store:
     * {@code generate(u, i, e, seed, store.catalog()::putAll, store::append)}.
     *
     * @return the time just after the newest event
     */
    public static long generate(int users, int items, int eventsPerUser, long seed, ItemSink itemSink, Consumer<List<Event>> events) {
        if (users < 1 || items < 1 || eventsPerUser < 0) {
            throw new IllegalArgumentException("need ≥ 1 user, ≥ 1 item and ≥ 0 events per user, got " + users + ", " + items + ", " + eventsPerUser);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] ids = new long[items];
        float[] flat = new float[items * Token.EMBEDDING_DIM];
        for (int i = 0; i < items; i++) {
            ids[i] = FIRST_ID + i;
            System.arraycopy(randomEmbedding(rnd), 0, flat, i * Token.EMBEDDING_DIM, Token.EMBEDDING_DIM);
        }
        itemSink.putAll(ids, flat);
        long newest = START_MS;
        List<Event> batch = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            long t = START_MS;
            for (int k = 0; k < eventsPerUser; k++) {
                t += 60_000L * (1 + rnd.nextInt(10));
                int roll = rnd.nextInt(100);
                int action = roll < 60 ? Actions.IMPRESSION : roll < 85 ? Actions.CLICK : roll < 95 ? Actions.SAVE : Actions.HIDE;
                batch.add(Event.of(FIRST_ID + u, FIRST_ID + rnd.nextInt(items), t, action, rnd.nextInt(4)));
                if (batch.size() == BATCH) {
                    events.accept(batch);
                    batch = new ArrayList<>();
                }
            }
            newest = Math.max(newest, t);
        }
        if (!batch.isEmpty()) {
            events.accept(batch);
        }
        return newest + 1;
    }
}
