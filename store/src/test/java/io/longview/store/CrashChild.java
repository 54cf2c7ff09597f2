package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashTest}: opens a store and appends batch after batch, printing {@code ACK <i>}
 * after append {@code i} returns, until it is killed. Usage: {@code CrashChild <dir> <seed> <sync> [erase]}. With
 * {@code erase} it appends {@link #ERASE_BATCHES} batches, then erases user 0, 1, … printing {@code ERASED <u>} after
 * each erase returns, then waits to be killed.
 */
public final class CrashChild {
    static final SequenceLimits LIMITS = new SequenceLimits(5, 40, 5, 60_000);
    static final int CHUNK_CAPACITY = 8;
    static final int USERS = 20;
    static final int ITEMS = 100;
    static final int ERASE_BATCHES = 50;

    private CrashChild() {
    }

    /** Batch {@code i} of the workload: a pure function of the seed and {@code i}. */
    static List<Event> batch(long seed, int i) {
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
        int[] actions = {Actions.CLICK, Actions.SAVE, Actions.HIDE, Actions.IMPRESSION, Actions.IMPRESSION};
        int n = 1 + rng.nextInt(40);
        List<Event> events = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            long ts = StoreTesting.T0 + i * 60_000L - rng.nextLong(3_600_000); // up to an hour out of order
            events.add(Event.of(rng.nextInt(USERS), rng.nextInt(ITEMS), ts, actions[rng.nextInt(actions.length)], rng.nextInt(4)));
        }
        return events;
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        boolean sync = Boolean.parseBoolean(args[2]);
        StoreOptions options = StoreOptions.defaults().withLimits(LIMITS).withSync(sync).withChunkCapacity(CHUNK_CAPACITY);
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, options)) {
            StoreTesting.putItems(store.catalog(), 0, ITEMS);
            System.out.println("READY");
            System.out.flush();
            if (args.length > 3 && args[3].equals("erase")) {
                for (int i = 0; i < ERASE_BATCHES; i++) {
                    store.append(batch(seed, i));
                }
                for (int u = 0; u < USERS; u++) {
                    store.erase(u);
                    System.out.println("ERASED " + u);
                    System.out.flush();
                }
                Thread.sleep(Long.MAX_VALUE);
            }
            for (int i = 0; i < 1_000_000; i++) {
                store.append(batch(seed, i));
                System.out.println("ACK " + i);
                System.out.flush();
            }
        }
    }
}
