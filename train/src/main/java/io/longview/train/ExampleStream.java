package io.longview.train;

import io.longview.core.io.InputException;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.ExampleSet;
import io.longview.examples.RequestRecord;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Training examples streamed from an example file, or from a directory of shard files ({@code *.lvx}, in name
 * order), in a seeded order per epoch, in memory independent of the files' size.
 *
 * <p>Each {@link #epoch(int)} re-reads the files from the start on a prefetch thread (a daemon, at most
 * {@link #PREFETCH_REQUESTS} decoded requests ahead) and shuffles them through a bounded buffer of
 * {@code bufferRequests} whole requests: the buffer is filled, then a uniformly drawn request leaves it (all its
 * candidates, consecutively, in file order: a request's examples share its impression negatives) and the next request
 * of the files takes its place. The draws come from {@code SplittableRandom(seed, epoch)}: the same seed, buffer and
 * files give the same order, and each epoch another one. With a buffer at least as large as the file's request count
 * it is a uniform shuffle of the requests; smaller, a request moves at most about a buffer's worth of requests
 * away from its place in the file (the builder writes users in hash order, so nearby requests are of one user).
 *
 * <p>Memory: {@code bufferRequests + PREFETCH_REQUESTS} requests (about {@code 4 KB × candidates} each in the
 * reader's record layout) plus one reader's block, whatever the files' size.
 *
 * <p>Errors: a truncated or corrupt file stops the epoch with the reader's {@link InputException} (file and byte
 * offset), rethrown on the consuming thread by {@link Epoch#next()}/{@link Epoch#hasNext()}.
 */
public final class ExampleStream {
    /** Requests the prefetch thread decodes ahead of the consumer. */
    public static final int PREFETCH_REQUESTS = 256;
    /** The default shuffle buffer, in requests. */
    public static final int DEFAULT_BUFFER_REQUESTS = 4096;

    private final List<Path> files;
    private final ExampleHeader header;
    private final long examples;
    private final long requests;
    private final int bufferRequests;
    private final long seed;

    /** One example: candidate {@code candidate} of {@code record}. */
    public record Example(RequestRecord record, int candidate) {
    }

    private ExampleStream(List<Path> files, int bufferRequests, long seed) {
        if (bufferRequests < 1) {
            throw new IllegalArgumentException("shuffle buffer of " + bufferRequests + " requests, expected at least 1");
        }
        this.files = List.copyOf(files);
        this.bufferRequests = bufferRequests;
        this.seed = seed;
        ExampleHeader first = null;
        long ex = 0;
        long rq = 0;
        for (Path f : files) {
            ExampleReader.Summary s = ExampleReader.summary(f);
            if (first == null) {
                first = s.header();
            } else if (!s.header().selection().equals(first.selection()) || !s.header().heads().equals(first.heads())
                    || s.header().quantizerClip() != first.quantizerClip() || s.header().side() != first.side()) {
                throw new InputException(f, 0, "shard header differs from " + files.getFirst().getFileName()
                        + "'s (side, selection, heads or quantizer clip): shards of one example set must agree");
            }
            ex += s.footer().candidates();
            rq += s.footer().requests();
        }
        this.header = first;
        this.examples = ex;
        this.requests = rq;
    }

    /**
     * Opens an example file, or a directory of shard files ({@code *.lvx}, read in name order), reading each file's
     * header and footer (not its records).
     *
     * @throws InputException if a file is missing, not a complete example file, or the directory holds none
     */
    public static ExampleStream open(Path fileOrDir, int bufferRequests, long seed) {
        return new ExampleStream(ExampleSet.files(fileOrDir), bufferRequests, seed);
    }

    /** The first file's header (all shards agree on the shapes that matter to training). */
    public ExampleHeader header() {
        return header;
    }

    /** Examples (candidates) of one epoch, from the footers. */
    public long examples() {
        return examples;
    }

    /** Requests of one epoch, from the footers. */
    public long requests() {
        return requests;
    }

    public List<Path> files() {
        return files;
    }

    /** Starts reading epoch {@code epoch} (0-based); close it to stop its prefetch thread early. */
    public Epoch epoch(int epoch) {
        return new Epoch(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1)));
    }

    /** One pass over the files in a seeded order. Not thread-safe (one consumer). */
    public final class Epoch implements Iterator<Example>, AutoCloseable {
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH_REQUESTS);
        private final Thread prefetch;
        private final SplittableRandom rng;
        private final RequestRecord[] buffer = new RequestRecord[bufferRequests];
        private int size;
        private boolean drained;
        private RequestRecord current;
        private int candidate;
        private volatile boolean closed;

        private Epoch(SplittableRandom rng) {
            this.rng = rng;
            prefetch = Thread.ofPlatform().daemon().name("lvx-prefetch").start(this::readAll);
        }

        private void readAll() {
            try {
                for (Path f : files) {
                    try (ExampleReader r = ExampleReader.open(f)) {
                        while (!closed && r.hasNext()) {
                            queue.put(r.next());
                        }
                    }
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                try {
                    queue.put(e);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The next request from the prefetch thread, or null at the end. */
        private RequestRecord take() {
            if (drained) {
                return null;
            }
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading examples", e);
            }
            if (o == END) {
                drained = true;
                return null;
            }
            if (o instanceof RuntimeException e) {
                drained = true;
                throw e;
            }
            if (o instanceof Error e) {
                drained = true;
                throw e;
            }
            return (RequestRecord) o;
        }

        @Override
        public boolean hasNext() {
            while (current == null || candidate >= current.candidateCount()) {
                while (size < buffer.length) {
                    RequestRecord r = take();
                    if (r == null) {
                        break;
                    }
                    buffer[size++] = r;
                }
                if (size == 0) {
                    return false;
                }
                int i = rng.nextInt(size);
                current = buffer[i];
                buffer[i] = buffer[--size];
                buffer[size] = null;
                candidate = 0;
            }
            return true;
        }

        @Override
        public Example next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the epoch's examples are all read");
            }
            return new Example(current, candidate++);
        }

        /** Stops the prefetch thread (an epoch left early, e.g. at a step limit). */
        @Override
        public void close() {
            closed = true;
            prefetch.interrupt();
            queue.clear();
        }
    }
}
