package io.longview.examples;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-user half of {@link ExampleBuilder} for an engine that partitions and orders users itself (the Spark job):
 * replays users one at a time through the same {@link RequestMaker} and {@link ReplayHistoryProvider} and appends
 * their records to a train and an eval chunk file (records back to back, no header). The caller feeds users in
 * output order (ascending unsigned {@link #userHash}); chunks of consecutive hash ranges, appended in range order with
 * {@link ExampleBuilder#appendChunk}, give exactly the single-process builder's files.
 */
public final class ChunkReplayer implements AutoCloseable {
    private final ItemEmbeddings items;
    private final RequestMaker maker;
    private final Path[] files;
    private final OutputStream[] out = new OutputStream[2];
    private long users;
    private long events;

    /**
     * @param trainChunk created (or replaced); receives the records of requests before the split time
     * @param evalChunk  likewise for the rest
     */
    public ChunkReplayer(ExampleBuilderConfig config, ItemEmbeddings items, Path trainChunk, Path evalChunk) {
        this.items = items;
        this.maker = new RequestMaker(config, items,
                new ReplayHistoryProvider(config.limits(), items, new Quantizer(config.quantizerClip())));
        this.files = new Path[]{trainChunk, evalChunk};
        try {
            out[0] = new BufferedOutputStream(Files.newOutputStream(trainChunk), 1 << 16);
            out[1] = new BufferedOutputStream(Files.newOutputStream(evalChunk), 1 << 16);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write " + trainChunk + ": " + e.getMessage(), e);
        }
    }

    /** The builder's output order of users: ascending unsigned value of this. */
    public static long userHash(long userId) {
        return EventShards.userHash(userId);
    }

    /**
     * Emits the records of every request of one user.
     *
     * @throws IllegalArgumentException naming the first item without an embedding
     */
    public void user(UserEvents ev) {
        for (int i = 0; i < ev.size(); i++) {
            if (!items.contains(ev.itemId(i))) {
                throw new IllegalArgumentException("item " + ev.itemId(i) + " has no embedding in the catalog (first met in "
                        + ev.event(i) + "); every item of the event log needs one", new ItemEmbeddings.UnknownItemException(ev.itemId(i)));
            }
        }
        maker.user(ev, (side, b, len) -> {
            int k = side == ExampleHeader.Side.TRAIN ? 0 : 1;
            try {
                out[k].write(b, 0, len);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + files[k] + ": " + e.getMessage(), e);
            }
        });
        users++;
        events += ev.size();
    }

    public long users() {
        return users;
    }

    public long events() {
        return events;
    }

    /** Flushes and closes both chunk files. */
    @Override
    public void close() {
        IOException failure = null;
        for (int k = 0; k < 2; k++) {
            if (out[k] != null) {
                try {
                    out[k].close();
                } catch (IOException e) {
                    failure = e;
                }
                out[k] = null;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("cannot write a chunk: " + failure.getMessage(), failure);
        }
    }
}
