package io.longview.store;

import io.longview.core.io.LittleEndian;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.store.StoreDescriptor.ChunkEntry;
import io.longview.store.StoreDescriptor.Header;
import io.longview.store.StoreDescriptor.UserRecord;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The default {@link SequenceStore}: an embedded RocksDB database in one directory, laid out as
 * {@link StoreDescriptor} documents: per user one record holding the newest tokens (the heads) and the index of
 * older, sealed columnar chunks of a few hundred tokens, so that an append of new events reads and writes one record
 * per user, and reading a 16,000-token user is one point lookup and one multi-get of ~63 values.
 *
 * <pre>{@code
 * try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults())) {
 *     store.catalog().put(42L, embedding);
 *     store.append(List.of(Event.of(7, 42, ts, Actions.CLICK, Surfaces.HOME)));
 *     UserSequences s = store.read(7);
 * }
 * }</pre>
 *
 * <h2>Concurrency</h2>
 * An append groups its events by user, takes the locks of the users' stripes (64 striped locks, in ascending
 * order), reads each user's record and the sealed chunks its events touch, applies the events ({@link UserState}), and
 * writes every changed record in one {@code WriteBatch} before releasing the locks. Reads use a RocksDB snapshot
 * and take no lock. RocksDB groups concurrent WAL writes, so parallel appends with sync on share fsyncs.
 *
 * <h2>RocksDB settings</h2>
 * One LRU block cache for all column families ({@link StoreOptions#blockCacheBytes()}); bloom filters (10 bits/key)
 * on users and items, whose lookups may miss; none on chunks, whose lookups always hit; LZ4 compression; 16 KiB
 * blocks for chunks; the write-ahead log is always on.
 */
public final class RocksSequenceStore implements SequenceStore {
    static {
        RocksDB.loadLibrary();
    }

    private static final int STRIPES = 64; // power of two
    private static final List<String> COLUMN_FAMILIES = List.of(StoreDescriptor.USERS_CF, StoreDescriptor.CHUNKS_CF, StoreDescriptor.ITEMS_CF);

    private final Path dir;
    private final StoreOptions options;
    private final SequenceLimits limits;
    private final Quantizer quantizer;
    private final List<AbstractNativeReference> natives; // closed in reverse order
    private final RocksDB db;
    private final ColumnFamilyHandle defaultCf;
    private final ColumnFamilyHandle usersCf;
    private final ColumnFamilyHandle chunksCf;
    private final ColumnFamilyHandle itemsCf;
    private final WriteOptions writeOptions;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final ReentrantLock[] itemStripes = new ReentrantLock[STRIPES]; // item statistics, taken after user stripes
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final RocksItemCatalog catalog;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong expiredOnAppend = new java.util.concurrent.atomic.AtomicLong();
    private final Object retentionPass = new Object();
    private final java.util.concurrent.ScheduledExecutorService retentionScheduler;
    private final java.time.Duration retention; // the options' retention, else the one the store recorded, else null

    /** How often an open read-write store with a retention runs {@link #purgeExpired()}. */
    public static final java.time.Duration RETENTION_PASS_EVERY = java.time.Duration.ofHours(1);

    private RocksSequenceStore(Path dir, StoreOptions options, List<AbstractNativeReference> natives, RocksDB db,
                               List<ColumnFamilyHandle> handles, Header header) {
        this.dir = dir;
        this.options = options;
        this.natives = natives;
        this.db = db;
        this.defaultCf = handles.get(0);
        this.usersCf = handles.get(1);
        this.chunksCf = handles.get(2);
        this.itemsCf = handles.get(3);
        this.limits = header.limits();
        this.quantizer = new Quantizer(header.clip());
        this.writeOptions = new WriteOptions().setSync(options.sync());
        natives.add(writeOptions);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
            itemStripes[i] = new ReentrantLock();
        }
        this.catalog = new RocksItemCatalog(this);
        this.retention = retentionPolicy(options);
        if (retention != null && !options.readOnly()) {
            retentionScheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "longview-retention " + dir.getFileName());
                t.setDaemon(true);
                return t;
            });
            long every = RETENTION_PASS_EVERY.toMillis();
            retentionScheduler.scheduleWithFixedDelay(this::purgeQuietly, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            retentionScheduler = null;
        }
    }

    private void purgeQuietly() {
        try {
            purgeExpired();
        } catch (IllegalStateException closedMeanwhile) {
            // the store closed between passes
        } catch (RuntimeException e) {
            System.getLogger(RocksSequenceStore.class.getName()).log(System.Logger.Level.ERROR, "retention pass failed on " + dir, e);
        }
    }

    /** Opens (or creates) the store in {@code dir} with the default options. */
    public static RocksSequenceStore open(Path dir) {
        return open(dir, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code dir}, creating it when the directory does not exist or is empty (unless
     * {@link StoreOptions#createIfMissing()} is false or the store is opened read-only).
     *
     * @throws IllegalArgumentException if the options require limits or a clip other than the store's header holds
     *                                  (naming both)
     * @throws StoreException           if {@code dir} is not a Longview store, is locked by another process, was
     *                                  written by a newer format version, or cannot be opened
     */
    public static RocksSequenceStore open(Path dir, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        Path abs = dir.toAbsolutePath().normalize();
        boolean existing = checkDirectory(abs, options);
        List<AbstractNativeReference> natives = new ArrayList<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            Cache cache = add(natives, new LRUCache(Math.max(options.blockCacheBytes(), 1L << 20)));
            BloomFilter bloom = add(natives, new BloomFilter(10));
            DBOptions dbOptions = add(natives, new DBOptions()
                    .setCreateIfMissing(!existing)
                    .setCreateMissingColumnFamilies(!existing)
                    .setMaxBackgroundJobs(2)
                    .setBytesPerSync(1L << 20)
                    .setMaxTotalWalSize(256L << 20)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(3)
                    .setMaxLogFileSize(8L << 20));
            List<ColumnFamilyDescriptor> descriptors = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, add(natives, columnFamilyOptions(cache, null, 4 << 10))),
                    new ColumnFamilyDescriptor(bytes(StoreDescriptor.USERS_CF), add(natives, columnFamilyOptions(cache, bloom, 4 << 10))),
                    new ColumnFamilyDescriptor(bytes(StoreDescriptor.CHUNKS_CF), add(natives, columnFamilyOptions(cache, null, 16 << 10))),
                    new ColumnFamilyDescriptor(bytes(StoreDescriptor.ITEMS_CF), add(natives, columnFamilyOptions(cache, bloom, 4 << 10))));
            db = options.readOnly()
                    ? RocksDB.openReadOnly(dbOptions, abs.toString(), descriptors, handles)
                    : RocksDB.open(dbOptions, abs.toString(), descriptors, handles);
            Header header = readOrWriteHeader(db, handles, abs, existing, options);
            // the handles and the db are closed by the store, after everything that uses them
            natives.add(db);
            natives.addAll(handles);
            return new RocksSequenceStore(abs, options, natives, db, handles, header);
        } catch (RocksDBException e) {
            closeAll(handles, db, natives);
            throw translate(e, abs, "opening");
        } catch (RuntimeException | Error e) {
            closeAll(handles, db, natives);
            throw e;
        }
    }

    /** @return true when {@code dir} holds a RocksDB database (false: a new store is to be created) */
    private static boolean checkDirectory(Path dir, StoreOptions options) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StoreException(dir + " is a file, not a Longview store directory");
        }
        if (Files.isRegularFile(dir.resolve("CURRENT"))) {
            List<byte[]> families;
            try (Options o = new Options()) {
                families = RocksDB.listColumnFamilies(o, dir.toString());
            } catch (RocksDBException e) {
                throw translate(e, dir, "opening");
            }
            List<String> names = families.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            if (!names.containsAll(COLUMN_FAMILIES)) {
                throw new StoreException(dir + " is a RocksDB database but not a Longview store: its column families are "
                        + names + ", a store has " + COLUMN_FAMILIES + " too");
            }
            return true;
        }
        boolean empty;
        try (Stream<Path> entries = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            empty = entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (!empty) {
            throw new StoreException(dir + " is not a Longview store: the directory is not empty and holds no RocksDB "
                    + "database (no CURRENT file); give an empty or new directory to create a store");
        }
        if (options.readOnly() || !options.createIfMissing()) {
            throw new StoreException("there is no Longview store at " + dir
                    + (options.readOnly() ? " (a read-only open does not create one)" : " (and createIfMissing is off)"));
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + dir + ": " + e, e);
        }
        return false;
    }

    private static Header readOrWriteHeader(RocksDB db, List<ColumnFamilyHandle> handles, Path dir, boolean existing,
                                            StoreOptions options) throws RocksDBException {
        byte[] stored = db.get(handles.get(0), StoreDescriptor.HEADER_KEY);
        if (stored != null) {
            Header header = StoreDescriptor.decodeHeader(stored, "store " + dir);
            if (options.limits() != null && !options.limits().equals(header.limits())) {
                throw new IllegalArgumentException("store " + dir + " was created with sequence limits " + describe(header.limits())
                        + ", but " + describe(options.limits()) + " were asked for; open it without limits to use the store's,"
                        + " or use another directory");
            }
            if (options.clip() != null && Float.compare(options.clip(), header.clip()) != 0) {
                throw new IllegalArgumentException("store " + dir + " was created with quantization clip " + header.clip()
                        + ", but clip " + options.clip() + " was asked for; open it without a clip to use the store's,"
                        + " or use another directory");
            }
            return header;
        }
        // no header: a new store, or one whose creation stopped before the header was written (then it is empty)
        if (existing && !allEmpty(db, handles)) {
            throw new StoreException(dir + " is not a Longview store: it has the column families of one but no header");
        }
        if (options.readOnly()) {
            throw new StoreException("the store at " + dir + " was never initialised (no header); open it once read-write");
        }
        SequenceLimits limits = options.limits() != null ? options.limits() : SequenceLimits.DEFAULT;
        float clip = options.clip() != null ? options.clip() : Quantizer.DEFAULT_CLIP;
        byte[] header = StoreDescriptor.encodeHeader(clip, limits);
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            db.put(handles.get(0), sync, StoreDescriptor.HEADER_KEY, header);
        }
        return StoreDescriptor.decodeHeader(header, "store " + dir);
    }

    private static boolean allEmpty(RocksDB db, List<ColumnFamilyHandle> handles) {
        for (ColumnFamilyHandle h : handles) {
            try (RocksIterator it = db.newIterator(h)) {
                it.seekToFirst();
                if (it.isValid()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static ColumnFamilyOptions columnFamilyOptions(Cache cache, BloomFilter bloom, long blockSize) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setBlockSize(blockSize)
                .setFormatVersion(5);
        if (bloom != null) {
            table.setFilterPolicy(bloom).setWholeKeyFiltering(true);
        }
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true);
    }

    private static <T extends AbstractNativeReference> T add(List<AbstractNativeReference> natives, T r) {
        natives.add(r);
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(SequenceLimits l) {
        return String.format(Locale.ROOT, "(realtime %d, lifelong %d, impressions %d, fold window %d ms)",
                l.realtime(), l.lifelong(), l.impressions(), l.foldWindowMs());
    }

    private static void closeAll(List<ColumnFamilyHandle> handles, RocksDB db, List<AbstractNativeReference> natives) {
        handles.forEach(AbstractNativeReference::close);
        if (db != null) {
            db.close();
        }
        for (int i = natives.size() - 1; i >= 0; i--) {
            natives.get(i).close();
        }
    }

    /**
     * A RocksDB failure as a {@link StoreException} a user can act on.
     *
     * @param doing what the store was doing, e.g. "opening", "reading"
     */
    static StoreException translate(RocksDBException e, Path dir, String doing) {
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        if (code == Status.Code.Corruption) {
            return new StoreException("store " + dir + " is corrupt (" + msg + "): restore it from a backup or rebuild it from the event log", e);
        }
        // "While lock file: <dir>/LOCK: Resource temporarily unavailable", "lock hold by current process ... <dir>/LOCK"
        if (msg.contains("/LOCK") || lower.contains("lock file") || lower.contains("lock hold by")) {
            return new StoreException("store " + dir + " is locked by another process (or already open in this one): "
                    + "close the other user of the store, or open it read-only (" + msg + ")", e);
        }
        if (lower.contains("no space left")) {
            return new StoreException("disk full while " + doing + " store " + dir + ": free some space and retry (" + msg + ")", e);
        }
        if (code == Status.Code.IOError) {
            return new StoreException("I/O error while " + doing + " store " + dir + ": " + msg, e);
        }
        return new StoreException("RocksDB failed while " + doing + " store " + dir + ": " + msg, e);
    }

    // --------------------------------------------------------------------------------------------------- writes

    @Override
    public AppendResult append(List<Event> events) {
        Objects.requireNonNull(events, "events");
        enter();
        try {
            ensureWritable();
            if (events.isEmpty()) {
                return AppendResult.EMPTY;
            }
            Map<Long, List<Event>> byUser = new LinkedHashMap<>();
            Set<Long> items = new LinkedHashSet<>(); // in event order: an unknown item error names the first
            long cutoff = retentionCutoff();
            int expired = 0;
            for (Event e : events) {
                Objects.requireNonNull(e, "event");
                if (e.timestampMs() < cutoff) {
                    expired++; // older than the retention: never stored (counted as unchanged)
                    continue;
                }
                byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
                items.add(e.itemId());
            }
            if (expired > 0) {
                expiredOnAppend.addAndGet(expired);
                if (byUser.isEmpty()) {
                    return new AppendResult(events.size(), 0, events.size(), 0);
                }
            }
            Map<Long, byte[]> quantized = catalog.quantized(items, quantizer); // throws UnknownItemException: nothing applied
            int[] locked = stripesOf(byUser.keySet());
            for (int s : locked) {
                stripes[s].lock();
            }
            try {
                return applyLocked(events.size(), byUser, quantized);
            } finally {
                for (int i = locked.length - 1; i >= 0; i--) {
                    stripes[locked[i]].unlock();
                }
            }
        } catch (RocksDBException e) {
            throw translate(e, dir, "appending to");
        } finally {
            exit();
        }
    }

    /**
     * The retention in force: the one the options give (recorded in the store when it is writable, so that a later
     * open without one keeps it), else the one the store recorded, else none.
     */
    private java.time.Duration retentionPolicy(StoreOptions o) {
        try {
            if (o.retention() != null) {
                if (!o.readOnly()) {
                    byte[] v = new byte[8];
                    LittleEndian.putLong(v, 0, o.retention().toMillis());
                    db.put(defaultCf, writeOptions, StoreDescriptor.RETENTION_POLICY_KEY, v);
                }
                return o.retention();
            }
            byte[] v = db.get(defaultCf, StoreDescriptor.RETENTION_POLICY_KEY);
            if (v == null) {
                return null;
            }
            if (v.length != 8) {
                throw new StoreException("corrupt store " + dir + ": retention policy of " + v.length + " bytes, expected 8");
            }
            return java.time.Duration.ofMillis(LittleEndian.getLong(v, 0));
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading the retention policy of");
        }
    }

    /** {@code now - retention} in epoch ms, or {@link Long#MIN_VALUE} without a retention. */
    long retentionCutoff() {
        return retention == null ? Long.MIN_VALUE : options.clock().millis() - retention.toMillis();
    }

    /**
     * What retention did: the policy, tokens dropped by passes (persistent, over the store's life), events refused by
     * appends since this store was opened, and when the last pass ran (0: never).
     */
    public record RetentionStatus(java.time.Duration retention, long droppedTokens, long expiredEventsSinceOpen, long lastPassMs) {
    }

    /** The retention policy and what it dropped so far. */
    public RetentionStatus retentionStatus() {
        enter();
        try {
            long[] c = retentionCounters();
            return new RetentionStatus(retention, c[0], expiredOnAppend.get(), c[1]);
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading");
        } finally {
            exit();
        }
    }

    private long[] retentionCounters() throws RocksDBException {
        byte[] v = db.get(defaultCf, StoreDescriptor.RETENTION_KEY);
        if (v == null) {
            return new long[2];
        }
        if (v.length != 16) {
            throw new StoreException("corrupt store " + dir + ": retention counters of " + v.length + " bytes, expected 16");
        }
        return new long[]{LittleEndian.getLong(v, 0), LittleEndian.getLong(v, 8)};
    }

    /**
     * One retention pass: every user whose oldest token is older than {@code now - retention} is rewritten without
     * the expired tokens (the kept ones are re-applied, oldest first, with the embeddings they have, into a fresh
     * state: the same tokens, minus the expired). Users are rewritten one at a time under their own lock, each in one
     * atomic write; reads never block (they read snapshots) and appends wait only for the user being rewritten.
     * Passes are serialized. Without a retention it does nothing.
     *
     * @return tokens dropped by this pass
     */
    public long purgeExpired() {
        if (retention == null) {
            return 0;
        }
        enter();
        try {
            ensureWritable();
            synchronized (retentionPass) {
                long cutoff = retentionCutoff();
                List<Long> users = new ArrayList<>();
                forEachUser(users::add);
                long dropped = 0;
                for (long u : users) {
                    dropped += purgeUser(u, cutoff);
                }
                long[] c = retentionCounters();
                byte[] v = new byte[16];
                LittleEndian.putLong(v, 0, c[0] + dropped);
                LittleEndian.putLong(v, 8, options.clock().millis());
                db.put(defaultCf, writeOptions, StoreDescriptor.RETENTION_KEY, v);
                return dropped;
            }
        } catch (RocksDBException e) {
            throw translate(e, dir, "purging expired tokens of");
        } finally {
            exit();
        }
    }

    private int purgeUser(long userId, long cutoff) throws RocksDBException {
        ReentrantLock lock = stripes[stripe(userId)];
        lock.lock();
        try {
            UserSequences s;
            try (ReadOptions ro = new ReadOptions()) {
                s = read(userId, ro);
            }
            io.longview.core.model.TokenSequence[] parts = {s.realtime(), s.lifelong(), s.impressions()};
            List<io.longview.core.model.Token> kept = new ArrayList<>();
            int expired = 0;
            for (io.longview.core.model.TokenSequence part : parts) {
                for (int i = 0; i < part.size(); i++) {
                    if (part.timestamp(i) < cutoff) {
                        expired++;
                    } else {
                        kept.add(part.token(i));
                    }
                }
            }
            if (expired == 0) {
                return 0;
            }
            kept.sort(java.util.Comparator.comparingLong(io.longview.core.model.Token::timestampMs)
                    .thenComparingLong(io.longview.core.model.Token::itemId));
            UserState fresh = new UserState(userId, null, limits, options.chunkCapacity(), this::loadChunk);
            for (io.longview.core.model.Token t : kept) {
                // a token is its actions as events at its time: impression first, so that an engaged impression folds
                // into the explicit token it was
                for (int bit : new int[]{Actions.IMPRESSION, Actions.CLICK, Actions.SAVE, Actions.HIDE}) {
                    if ((t.actions() & bit) != 0) {
                        fresh.apply(new Event(userId, t.itemId(), t.timestampMs(), (byte) bit, t.surface()), t.embedding());
                    }
                }
            }
            try (WriteBatch batch = new WriteBatch()) {
                deleteUser(batch, userId);
                BatchWrites writes = new BatchWrites(batch);
                fresh.writeTo(writes);
                writes.rethrow();
                db.write(writeOptions, batch);
            }
            return expired;
        } finally {
            lock.unlock();
        }
    }

    /** Adds the deletion of the user's record and of every chunk of it to a batch. */
    private void deleteUser(WriteBatch batch, long userId) throws RocksDBException {
        batch.delete(usersCf, StoreDescriptor.userKey(userId));
        // every chunk of the user, whatever the record lists: chunk ids are ≥ 0, and id -1 (0xFFFFFFFF) sorts last
        batch.deleteRange(chunksCf, StoreDescriptor.chunkKey(userId, 0), StoreDescriptor.chunkKey(userId, -1));
    }

    @Override
    public EraseResult erase(long userId) {
        enter();
        ReentrantLock lock = stripes[stripe(userId)];
        lock.lock();
        try {
            ensureWritable();
            byte[] key = StoreDescriptor.userKey(userId);
            byte[] record = db.get(usersCf, key);
            if (record == null) {
                return new EraseResult(userId, 0, 0, 0);
            }
            try (WriteBatch batch = new WriteBatch()) {
                deleteUser(batch, userId);
                db.write(writeOptions, batch);
            }
            return EraseResult.of(StoreDescriptor.decodeUserRecord(userId, record), userId, limits);
        } catch (RocksDBException e) {
            throw translate(e, dir, "erasing from");
        } finally {
            lock.unlock();
            exit();
        }
    }

    private AppendResult applyLocked(int eventCount, Map<Long, List<Event>> byUser, Map<Long, byte[]> quantized) throws RocksDBException {
        List<Long> users = new ArrayList<>(byUser.keySet());
        List<byte[]> keys = new ArrayList<>(users.size());
        for (long u : users) {
            keys.add(StoreDescriptor.userKey(u));
        }
        List<byte[]> records = db.multiGetAsList(Collections.nCopies(keys.size(), usersCf), keys);
        int applied = 0;
        Map<Long, List<Event>> counted = new LinkedHashMap<>(); // per item, the events its statistics count
        try (WriteBatch batch = new WriteBatch()) {
            BatchWrites writes = new BatchWrites(batch);
            for (int k = 0; k < users.size(); k++) {
                long user = users.get(k);
                UserState state = new UserState(user, records.get(k), limits, options.chunkCapacity(), this::loadChunk);
                for (Event e : byUser.get(user)) {
                    if (state.apply(e, quantized.get(e.itemId()))) {
                        applied++;
                    }
                    if (state.counted()) {
                        counted.computeIfAbsent(e.itemId(), i -> new ArrayList<>()).add(e);
                    }
                }
                state.writeTo(writes);
            }
            writes.rethrow();
            if (counted.isEmpty()) {
                if (batch.count() > 0) {
                    db.write(writeOptions, batch);
                }
            } else {
                countAndWrite(batch, counted);
            }
        }
        return new AppendResult(eventCount, applied, eventCount - applied, users.size());
    }

    /**
     * Adds the counted events to their items' statistics and writes {@code batch} with them: the item records are
     * read, updated and put under the items' stripe locks (taken after the users', always in that order), so that
     * concurrent appends touching one item do not lose counts, and tokens and counters change in one atomic write.
     */
    private void countAndWrite(WriteBatch batch, Map<Long, List<Event>> counted) throws RocksDBException {
        List<Long> items = new ArrayList<>(counted.keySet());
        boolean[] used = new boolean[STRIPES];
        for (long i : items) {
            used[stripe(i)] = true;
        }
        int[] locked = java.util.stream.IntStream.range(0, STRIPES).filter(s -> used[s]).toArray();
        for (int s : locked) {
            itemStripes[s].lock();
        }
        try {
            List<byte[]> keys = new ArrayList<>(items.size());
            for (long i : items) {
                keys.add(StoreDescriptor.itemStatsKey(i));
            }
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), defaultCf), keys);
            for (int k = 0; k < items.size(); k++) {
                io.longview.core.model.ItemStatistics st = StoreDescriptor.decodeItemStatistics(values.get(k));
                for (Event e : counted.get(items.get(k))) {
                    st.add(e.action(), e.timestampMs());
                }
                batch.put(defaultCf, keys.get(k), StoreDescriptor.encodeItemStatistics(st));
            }
            db.write(writeOptions, batch);
        } finally {
            for (int i = locked.length - 1; i >= 0; i--) {
                itemStripes[locked[i]].unlock();
            }
        }
    }

    @Override
    public boolean keepsItemStatistics() {
        return true;
    }

    /**
     * The statistics kept for each item (core {@code ItemStatistics}; counted on {@link #append}: a new action bit of
     * a (user, item, fold window) token that the store kept), from one multi-get. They are item aggregates over all
     * users, not personal data: {@link #erase} and retention leave them (they fade with their half-lives); a user
     * erased and then replayed counts again.
     */
    @Override
    public io.longview.core.model.ItemStatistics[] itemStatistics(long[] itemIds) {
        enter();
        try {
            List<byte[]> keys = new ArrayList<>(itemIds.length);
            for (long i : itemIds) {
                keys.add(StoreDescriptor.itemStatsKey(i));
            }
            List<byte[]> values = db.multiGetAsList(Collections.nCopies(keys.size(), defaultCf), keys);
            io.longview.core.model.ItemStatistics[] out = new io.longview.core.model.ItemStatistics[itemIds.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = StoreDescriptor.decodeItemStatistics(values.get(k));
            }
            return out;
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading item statistics from");
        } finally {
            exit();
        }
    }

    private byte[] loadChunk(long userId, int chunkId) {
        try {
            return db.get(chunksCf, StoreDescriptor.chunkKey(userId, chunkId));
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading");
        }
    }

    private int[] stripesOf(Set<Long> users) {
        boolean[] used = new boolean[STRIPES];
        int n = 0;
        for (long u : users) {
            int s = stripe(u);
            if (!used[s]) {
                used[s] = true;
                n++;
            }
        }
        int[] out = new int[n];
        for (int s = 0, k = 0; s < STRIPES; s++) {
            if (used[s]) {
                out[k++] = s;
            }
        }
        return out;
    }

    private static int stripe(long userId) {
        long h = userId * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 58) & (STRIPES - 1);
    }

    /** Collects a user's changed records into the write batch. */
    private final class BatchWrites implements UserState.Writes {
        private final WriteBatch batch;
        private RocksDBException failure;

        BatchWrites(WriteBatch batch) {
            this.batch = batch;
        }

        private void run(RocksAction a) {
            if (failure == null) {
                try {
                    a.run();
                } catch (RocksDBException e) {
                    failure = e;
                }
            }
        }

        void rethrow() throws RocksDBException {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void putChunk(long userId, int chunkId, byte[] value) {
            run(() -> batch.put(chunksCf, StoreDescriptor.chunkKey(userId, chunkId), value));
        }

        @Override
        public void deleteChunk(long userId, int chunkId) {
            run(() -> batch.delete(chunksCf, StoreDescriptor.chunkKey(userId, chunkId)));
        }

        @Override
        public void putUser(long userId, byte[] value) {
            run(() -> batch.put(usersCf, StoreDescriptor.userKey(userId), value));
        }

        @Override
        public void deleteUser(long userId) {
            run(() -> batch.delete(usersCf, StoreDescriptor.userKey(userId)));
        }
    }

    @FunctionalInterface
    private interface RocksAction {
        void run() throws RocksDBException;
    }

    // ---------------------------------------------------------------------------------------------------- reads

    @Override
    public UserSequences read(long userId) {
        enter();
        try (ReadOptions ro = new ReadOptions()) {
            Snapshot snapshot = db.getSnapshot();
            try {
                ro.setSnapshot(snapshot);
                return read(userId, ro);
            } finally {
                db.releaseSnapshot(snapshot);
            }
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading");
        } finally {
            exit();
        }
    }

    private UserSequences read(long userId, ReadOptions ro) throws RocksDBException {
        byte[] record = db.get(usersCf, ro, StoreDescriptor.userKey(userId));
        if (record == null) {
            return UserSequences.empty(userId);
        }
        UserRecord r = StoreDescriptor.decodeUserRecord(userId, record);
        int sealed = r.explicit().length + r.impressions().length;
        List<byte[]> chunks = List.of();
        if (sealed > 0) {
            List<byte[]> keys = new ArrayList<>(sealed);
            for (ChunkEntry c : r.explicit()) {
                keys.add(StoreDescriptor.chunkKey(userId, c.chunkId()));
            }
            for (ChunkEntry c : r.impressions()) {
                keys.add(StoreDescriptor.chunkKey(userId, c.chunkId()));
            }
            chunks = db.multiGetAsList(ro, Collections.nCopies(sealed, chunksCf), keys);
        }
        return toSequences(userId, record, r, chunks, limits);
    }

    /**
     * A user's sequences from its record and its sealed chunks' values (explicit chunks, then impression chunks,
     * each newest first; null for a missing one).
     */
    static UserSequences toSequences(long userId, byte[] record, UserRecord r, List<byte[]> sealed, SequenceLimits limits) {
        TokenSequence all = assemble(userId, record, r.explicitHeadOffset(), r.explicitHeadCount(), r.explicit(), sealed, 0,
                limits.explicitCapacity());
        TokenSequence imp = assemble(userId, record, r.impressionHeadOffset(), r.impressionHeadCount(), r.impressions(), sealed,
                r.explicit().length, limits.impressions());
        int rt = Math.min(limits.realtime(), all.size());
        return new UserSequences(userId, all.slice(0, rt), all.slice(rt, all.size()), imp);
    }

    /** Concatenates a tier's head and the live tokens of its sealed chunks (newest first) into one sequence. */
    private static TokenSequence assemble(long userId, byte[] record, int headOffset, int headCount, ChunkEntry[] entries,
                                          List<byte[]> sealed, int from, int cap) {
        long total = headCount;
        for (ChunkEntry c : entries) {
            total += c.liveCount();
        }
        if (total > cap) {
            throw new StoreException("corrupt store: user " + userId + " has " + total + " tokens in a tier capped at " + cap);
        }
        int n = (int) total;
        long[] timestamps = new long[n];
        long[] itemIds = new long[n];
        byte[] actions = new byte[n];
        byte[] surfaces = new byte[n];
        byte[] embeddings = new byte[n * Token.EMBEDDING_DIM];
        StoreDescriptor.readBlock(record, headOffset, headCount, headCount, timestamps, itemIds, actions, surfaces, embeddings, 0);
        int at = headCount;
        for (int k = 0; k < entries.length; k++) {
            ChunkEntry c = entries[k];
            byte[] v = sealed.get(from + k);
            if (v == null) {
                throw new StoreException("corrupt store: user " + userId + ": chunk " + c.chunkId() + " is in the user record but missing");
            }
            int count = StoreDescriptor.chunkCount(userId, c.chunkId(), v, c.liveCount());
            StoreDescriptor.decodeChunk(v, count, c.liveCount(), timestamps, itemIds, actions, surfaces, embeddings, at);
            if (timestamps[at] != c.newestTs() || itemIds[at] != c.newestItem()) {
                throw new StoreException("corrupt store: user " + userId + ": chunk " + c.chunkId() + " does not start with the token its entry names");
            }
            at += c.liveCount();
        }
        try {
            return TokenSequence.wrap(timestamps, actions, surfaces, itemIds, embeddings);
        } catch (IllegalArgumentException e) {
            throw new StoreException("corrupt store: user " + userId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(long userId) {
        enter();
        try {
            return db.get(usersCf, StoreDescriptor.userKey(userId)) != null;
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading");
        } finally {
            exit();
        }
    }

    @Override
    public void forEachUser(LongConsumer action) {
        Objects.requireNonNull(action, "action");
        enter();
        try (RocksIterator it = db.newIterator(usersCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(StoreDescriptor.userIdOf(it.key()));
            }
            status(it);
        } finally {
            exit();
        }
    }

    @Override
    public StoreStats stats() {
        enter();
        try (RocksIterator it = db.newIterator(usersCf)) {
            long users = 0;
            long explicit = 0;
            long impressions = 0;
            long chunks = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                UserRecord d = StoreDescriptor.decodeUserRecord(StoreDescriptor.userIdOf(it.key()), it.value());
                users++;
                explicit += d.explicitCount();
                impressions += d.impressionCount();
                chunks += d.explicit().length + d.impressions().length
                        + (d.explicitHeadCount() > 0 ? 1 : 0) + (d.impressionHeadCount() > 0 ? 1 : 0);
            }
            status(it);
            return new StoreStats(users, explicit, impressions, chunks, catalog.size(), diskBytes());
        } finally {
            exit();
        }
    }

    private void status(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw translate(e, dir, "reading");
        }
    }

    private long diskBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file removed by a compaction meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes every memtable to SST files and waits (the write-ahead log already makes appends durable; this is for
     * benchmarks and before copying a store).
     */
    public void flush() {
        enter();
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            ensureWritable();
            db.flush(fo, Arrays.asList(defaultCf, usersCf, chunksCf, itemsCf));
        } catch (RocksDBException e) {
            throw translate(e, dir, "flushing");
        } finally {
            exit();
        }
    }

    /**
     * Compacts the whole store (every column family) and waits: drops overwritten chunk versions and deleted records.
     * Optional (RocksDB compacts in the background); useful after a bulk import and before a benchmark.
     */
    public void compact() {
        enter();
        try {
            ensureWritable();
            for (ColumnFamilyHandle cf : Arrays.asList(defaultCf, usersCf, chunksCf, itemsCf)) {
                db.compactRange(cf);
            }
        } catch (RocksDBException e) {
            throw translate(e, dir, "compacting");
        } finally {
            exit();
        }
    }

    @Override
    public ItemCatalog catalog() {
        return catalog;
    }

    @Override
    public SequenceLimits limits() {
        return limits;
    }

    @Override
    public Quantizer quantizer() {
        return quantizer;
    }

    /** The store's directory (absolute). */
    public Path directory() {
        return dir;
    }

    /** The options this store was opened with. */
    public StoreOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (retentionScheduler != null) {
            retentionScheduler.shutdownNow();
        }
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = natives.size() - 1; i >= 0; i--) {
                natives.get(i).close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksSequenceStore[" + dir + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------ for RocksItemCatalog

    void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new IllegalStateException("store " + dir + " is closed");
        }
    }

    void exit() {
        lifecycle.readLock().unlock();
    }

    void ensureWritable() {
        if (options.readOnly()) {
            throw new IllegalStateException("store " + dir + " is open read-only");
        }
    }

    /** The column family of the sequence chunks (tests look inside). */
    ColumnFamilyHandle chunksColumnFamily() {
        return chunksCf;
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle defaultCf() {
        return defaultCf;
    }

    ColumnFamilyHandle itemsCf() {
        return itemsCf;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    Path dir() {
        return dir;
    }
}
