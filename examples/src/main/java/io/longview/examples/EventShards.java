package io.longview.examples;

import io.longview.core.io.LittleEndian;
import io.longview.core.io.Progress;
import io.longview.core.model.Event;
import io.longview.core.io.InputException;
import io.longview.core.model.ItemEmbeddings;
import io.longview.data.io.EventSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The builder's first pass: events in any order are partitioned by a hash of their user into temporary shard files,
 * each small enough to be loaded, sorted and replayed in memory. Shards cover contiguous ranges of the hash, so the
 * order "by user hash, then user, then time" that the output follows is the same however many shards there are.
 *
 * <h2>Shard file</h2> (temporary, never read by anyone else; little-endian, no header)
 * <pre>
 * event := 0 i64 userId | 8 i64 itemId | 16 i64 timestampMs | 24 u8 action | 25 u8 surface     ({@link #EVENT_BYTES} = 26)
 * </pre>
 *
 * <h2>Ranges</h2> A shard at {@code depth} d with {@code prefix} p holds the users whose 64-bit
 * {@link #userHash} has p as its top d bits. A shard over the budget is split into 2^k children by the next k bits
 * (in place of it, so the list stays in hash order), unless it holds a single user, which cannot be split.
 */
final class EventShards {
    static final int EVENT_BYTES = 26;
    static final int E_USER = 0;
    static final int E_ITEM = 8;
    static final int E_TIME = 16;
    static final int E_ACTION = 24;
    static final int E_SURFACE = 25;
    /** Write buffers of all open shard files together stay below this. */
    private static final int WRITE_BUFFERS_BYTES = 16 << 20;
    private static final int READ_CHUNK_EVENTS = 1 << 15;

    private EventShards() {
    }

    /**
     * One shard file.
     *
     * @param file    its path
     * @param depth   how many top bits of the user hash its prefix fixes
     * @param prefix  those bits
     * @param events  events in it
     * @param minHash the smallest user hash in it (unsigned)
     * @param maxHash the largest
     */
    record Shard(Path file, int depth, long prefix, long events, long minHash, long maxHash) {
        boolean singleUser() {
            return minHash == maxHash;
        }
    }

    /**
     * The user's position in the output order: a fixed bijective 64-bit mix (the SplitMix64 finalizer) of the id,
     * compared unsigned. A bijection, so distinct users never tie; a mix, so shards are balanced whatever the ids.
     */
    static long userHash(long userId) {
        long z = userId + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Pass 1: reads every event, checks that its item has an embedding, and writes it to shard {@code hash >>> (64 -
     * depth)} of {@code 2^depth}.
     *
     * @return the non-empty shards, in hash order
     * @throws IllegalArgumentException naming the first item without an embedding
     */
    static List<Shard> partition(Iterator<Event> events, ItemEmbeddings items, Path dir, int depth, Progress progress) {
        byte[] rec = new byte[EVENT_BYTES];
        try (ShardSet out = new ShardSet(dir, 0, 0, depth)) {
            long n = 0;
            while (events.hasNext()) {
                Event e = events.next();
                if (!items.contains(e.itemId())) {
                    String reason = "item " + e.itemId() + " has no embedding in the catalog (first met in " + e
                            + "); every item of the event log needs one";
                    if (events instanceof EventSource src && src.file() != null) {
                        throw new InputException(src.file(), src.line(), reason, new ItemEmbeddings.UnknownItemException(e.itemId()));
                    }
                    throw new IllegalArgumentException(reason, new ItemEmbeddings.UnknownItemException(e.itemId()));
                }
                LittleEndian.putLong(rec, E_USER, e.userId());
                LittleEndian.putLong(rec, E_ITEM, e.itemId());
                LittleEndian.putLong(rec, E_TIME, e.timestampMs());
                rec[E_ACTION] = e.action();
                rec[E_SURFACE] = e.surface();
                out.add(rec, 0, userHash(e.userId()));
                if (++n % 65_536 == 0) {
                    progress.advance(65_536);
                }
            }
            progress.advance(n % 65_536);
            return out.finish();
        }
    }

    /**
     * Splits every shard over {@code maxEvents} (that holds more than one user) until none is, keeping hash order.
     * Split shard files are deleted.
     */
    static List<Shard> plan(List<Shard> shards, long maxEvents, Path dir) {
        List<Shard> out = new ArrayList<>();
        for (Shard s : shards) {
            if (s.events() <= maxEvents || s.singleUser() || s.depth() >= 64) {
                out.add(s);
                continue;
            }
            // enough children that the average one is half the budget
            int k = 1;
            while (k < 16 && (s.events() >> k) > maxEvents / 2) {
                k++;
            }
            k = Math.min(k, 64 - s.depth());
            out.addAll(plan(split(s, k, dir), maxEvents, dir));
        }
        return out;
    }

    /** Splits one shard into up to {@code 2^k} children by the next {@code k} bits of the user hash. */
    private static List<Shard> split(Shard s, int k, Path dir) {
        byte[] buf = new byte[READ_CHUNK_EVENTS * EVENT_BYTES];
        try (ShardSet out = new ShardSet(dir, s.depth(), s.prefix(), k); InputStream in = Files.newInputStream(s.file())) {
            int got;
            while ((got = in.readNBytes(buf, 0, buf.length)) > 0) {
                checkWhole(s, got);
                for (int off = 0; off < got; off += EVENT_BYTES) {
                    out.add(buf, off, userHash(LittleEndian.getLong(buf, off + E_USER)));
                }
            }
            List<Shard> children = out.finish();
            Files.delete(s.file());
            return children;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot split shard " + s.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads one shard and sorts its events by (user hash, time, item, action, surface): each user's events become one
     * contiguous, time-ordered run, identical whatever order the events arrived in.
     */
    static SortedEvents load(Shard s) {
        long bytes;
        try {
            bytes = Files.size(s.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + s.file() + ": " + e.getMessage(), e);
        }
        if (bytes != s.events() * EVENT_BYTES) {
            throw new IllegalStateException("shard " + s.file() + " has " + bytes + " bytes, expected " + s.events() + " events of " + EVENT_BYTES);
        }
        if (s.events() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("one user has " + s.events() + " events, more than one shard can hold ("
                    + (Integer.MAX_VALUE - 8) + "); drop or sample that user's events");
        }
        int n = (int) s.events();
        long[] users = new long[n];
        long[] items = new long[n];
        long[] times = new long[n];
        byte[] actions = new byte[n];
        byte[] surfaces = new byte[n];
        byte[] buf = new byte[READ_CHUNK_EVENTS * EVENT_BYTES];
        try (InputStream in = Files.newInputStream(s.file())) {
            int i = 0;
            int got;
            while ((got = in.readNBytes(buf, 0, buf.length)) > 0) {
                checkWhole(s, got);
                for (int off = 0; off < got; off += EVENT_BYTES, i++) {
                    users[i] = LittleEndian.getLong(buf, off + E_USER);
                    items[i] = LittleEndian.getLong(buf, off + E_ITEM);
                    times[i] = LittleEndian.getLong(buf, off + E_TIME);
                    actions[i] = buf[off + E_ACTION];
                    surfaces[i] = buf[off + E_SURFACE];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + s.file() + ": " + e.getMessage(), e);
        }
        long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = userHash(users[i]) ^ Long.MIN_VALUE; // signed order of this = unsigned order of the hash
        }
        int[] order = EventOrder.sort(hashes, times, items, actions, surfaces);
        hashes = null;
        return new SortedEvents(EventOrder.gather(users, order), EventOrder.gather(items, order), EventOrder.gather(times, order),
                EventOrder.gather(actions, order), EventOrder.gather(surfaces, order));
    }

    private static void checkWhole(Shard s, int got) {
        if (got % EVENT_BYTES != 0) {
            throw new IllegalStateException("shard " + s.file() + " ends inside an event");
        }
    }

    /** A shard's events sorted into per-user runs: columns of equal length. */
    record SortedEvents(long[] users, long[] items, long[] times, byte[] actions, byte[] surfaces) {
        int size() {
            return users.length;
        }

        /** The end of the run of {@code users[from]}'s events. */
        int userEnd(int from) {
            long u = users[from];
            int i = from + 1;
            while (i < users.length && users[i] == u) {
                i++;
            }
            return i;
        }
    }

    /** The open files of the children of one range: {@code 2^bits} shards under ({@code depth}, {@code prefix}). */
    private static final class ShardSet implements AutoCloseable {
        private final Path dir;
        private final int depth;
        private final long prefix;
        private final int bits;
        private final OutputStream[] files;
        private final byte[][] buffers;
        private final int[] used;
        private final long[] counts;
        private final long[] min;
        private final long[] max;
        private final int bufferBytes;

        ShardSet(Path dir, int depth, long prefix, int bits) {
            this.dir = dir;
            this.depth = depth;
            this.prefix = prefix;
            this.bits = bits;
            int n = 1 << bits;
            files = new OutputStream[n];
            buffers = new byte[n][];
            used = new int[n];
            counts = new long[n];
            min = new long[n];
            max = new long[n];
            int b = Math.clamp(WRITE_BUFFERS_BYTES / n, 4096, 1 << 16);
            bufferBytes = b - b % EVENT_BYTES;
        }

        void add(byte[] rec, int off, long hash) {
            int i = bits == 0 ? 0 : (int) ((hash << depth) >>> (64 - bits));
            if (buffers[i] == null) {
                buffers[i] = new byte[bufferBytes];
                min[i] = hash;
                max[i] = hash;
                try {
                    files[i] = Files.newOutputStream(path(i));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write shard " + path(i) + ": " + e.getMessage(), e);
                }
            }
            if (used[i] == bufferBytes) {
                flush(i);
            }
            System.arraycopy(rec, off, buffers[i], used[i], EVENT_BYTES);
            used[i] += EVENT_BYTES;
            counts[i]++;
            if (Long.compareUnsigned(hash, min[i]) < 0) {
                min[i] = hash;
            }
            if (Long.compareUnsigned(hash, max[i]) > 0) {
                max[i] = hash;
            }
        }

        /** Flushes and closes every file; returns the non-empty shards in hash order. */
        List<Shard> finish() {
            List<Shard> out = new ArrayList<>();
            for (int i = 0; i < files.length; i++) {
                if (files[i] != null) {
                    flush(i);
                    out.add(new Shard(path(i), depth + bits, childPrefix(i), counts[i], min[i], max[i]));
                }
            }
            close();
            return out;
        }

        private long childPrefix(int i) {
            return bits == 0 ? prefix : prefix << bits | i;
        }

        private Path path(int i) {
            return dir.resolve("shard-" + (depth + bits) + "-" + Long.toHexString(childPrefix(i)) + ".bin");
        }

        private void flush(int i) {
            try {
                files[i].write(buffers[i], 0, used[i]);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write shard " + path(i) + ": " + e.getMessage(), e);
            }
            used[i] = 0;
        }

        @Override
        public void close() {
            for (int i = 0; i < files.length; i++) {
                if (files[i] != null) {
                    try {
                        files[i].close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write shard " + path(i) + ": " + e.getMessage(), e);
                    }
                    files[i] = null;
                    buffers[i] = null;
                }
            }
        }
    }
}
