package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.longview.store.StoreTesting.T0;
import static io.longview.store.StoreTesting.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of {@link RocksSequenceStore} with expected values written out by hand. */
class SequenceStoreTest {
    private static final SequenceLimits SMALL = new SequenceLimits(3, 5, 2, 1_000);

    @TempDir
    Path dir;

    private RocksSequenceStore open(StoreOptions options) {
        RocksSequenceStore store = RocksSequenceStore.open(dir, options);
        if (store.catalog().size() == 0 && !options.readOnly()) {
            StoreTesting.putItems(store.catalog(), 0, 500);
        }
        return store;
    }

    private static Event ev(long user, long item, long ts, int action) {
        return Event.of(user, item, ts, action, Surfaces.HOME);
    }

    private static Token token(long ts, int actions, int surface, long item) {
        return new Token(ts, (byte) actions, (byte) surface, item, Quantizer.DEFAULT.quantize(embedding(item)));
    }

    @Test
    void foldsEventsOfOneItemInOneWindowIntoOneToken() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            store.append(List.of(
                    Event.of(1, 10, T0 + 1_000, Actions.IMPRESSION, Surfaces.HOME),
                    Event.of(1, 10, T0 + 9_000, Actions.SAVE, Surfaces.RELATED),
                    Event.of(1, 10, T0 + 5_000, Actions.CLICK, Surfaces.SEARCH),      // older than the save: surface stays
                    Event.of(1, 11, T0 + 2_000, Actions.IMPRESSION, Surfaces.HOME),
                    Event.of(1, 10, T0 + 600_000, Actions.CLICK, Surfaces.OTHER)));   // next window: a new token
            UserSequences s = store.read(1);
            assertThat(s.realtime().toList()).containsExactly(
                    token(T0 + 600_000, Actions.CLICK, Surfaces.OTHER, 10),
                    token(T0 + 9_000, Actions.IMPRESSION | Actions.CLICK | Actions.SAVE, Surfaces.RELATED, 10));
            assertThat(s.lifelong().toList()).isEmpty();
            assertThat(s.impressions().toList()).containsExactly(token(T0 + 2_000, Actions.IMPRESSION, Surfaces.HOME, 11));
        }
    }

    @Test
    void eraseForgetsAUserEntirelyAndOnlyThatUser() {
        try (RocksSequenceStore store = open(StoreOptions.defaults().withLimits(SMALL).withChunkCapacity(2))) {
            List<Event> events = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                events.add(ev(1, 10 + i, T0 + i * 10_000L, i % 4 == 3 ? Actions.IMPRESSION : Actions.CLICK));
                events.add(ev(2, 10 + i, T0 + i * 10_000L, Actions.SAVE));
            }
            store.append(events);
            UserSequences before = store.read(1);
            UserSequences other = store.read(2);
            long chunksBefore = store.stats().chunks();

            EraseResult r = store.erase(1);

            assertThat(r.realtime()).isEqualTo(before.realtime().size());
            assertThat(r.lifelong()).isEqualTo(before.lifelong().size());
            assertThat(r.impressions()).isEqualTo(before.impressions().size());
            assertThat(r.erased()).isTrue();
            assertThat(store.read(1)).isEqualTo(UserSequences.empty(1));
            assertThat(store.contains(1)).isFalse();
            assertThat(store.read(2)).isEqualTo(other);
            assertThat(store.stats().users()).isEqualTo(1);
            assertThat(store.stats().chunks()).isLessThan(chunksBefore);
            // erasing again, or a user never seen, removes nothing and is not an error
            assertThat(store.erase(1).erased()).isFalse();
            assertThat(store.erase(999).tokens()).isZero();
            // a later event starts a new history from nothing
            store.append(List.of(ev(1, 10, T0 + 500_000, Actions.CLICK)));
            assertThat(store.read(1).realtime().toList()).containsExactly(token(T0 + 500_000, Actions.CLICK, Surfaces.HOME, 10));
        }
    }

    @Test
    void eraseLeavesNoChunkOfTheUser() throws Exception {
        try (RocksSequenceStore store = open(StoreOptions.defaults().withLimits(SMALL).withChunkCapacity(2))) {
            List<Event> events = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                events.add(ev(7, 10 + i, T0 + i * 10_000L, Actions.CLICK));
                events.add(ev(8, 10 + i, T0 + i * 10_000L, Actions.CLICK));
            }
            store.append(events);
            store.erase(7);
            assertThat(chunkKeysOf(store, 7)).isZero();
            assertThat(chunkKeysOf(store, 8)).isPositive();
        }
    }

    /** A clock tests move by hand. */
    static final class ManualClock extends java.time.Clock {
        final java.util.concurrent.atomic.AtomicLong millis;

        ManualClock(long millis) {
            this.millis = new java.util.concurrent.atomic.AtomicLong(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void retentionRefusesOldEventsAndAPassDropsTokensThatAgedOut() {
        long day = 86_400_000L;
        ManualClock clock = new ManualClock(T0 + 40 * day);
        StoreOptions options = StoreOptions.defaults().withChunkCapacity(2).withRetention(java.time.Duration.ofDays(30)).withClock(clock);
        try (RocksSequenceStore store = open(options)) {
            AppendResult old = store.append(List.of(ev(1, 10, T0, Actions.CLICK)));
            assertThat(old.applied()).isZero();
            assertThat(store.contains(1)).isFalse();

            List<Event> young = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                young.add(ev(1, 20 + i, T0 + 35 * day + i * 60_000L, Actions.CLICK));      // expire at day 65
                young.add(ev(1, 40 + i, T0 + 45 * day + i * 60_000L, Actions.SAVE));       // kept
            }
            young.add(Event.of(1, 60, T0 + 46 * day, Actions.IMPRESSION, Surfaces.SEARCH));
            young.add(Event.of(1, 60, T0 + 46 * day + 1000, Actions.CLICK, Surfaces.SEARCH)); // an engaged impression
            young.add(Event.of(1, 61, T0 + 46 * day, Actions.IMPRESSION, Surfaces.HOME));
            young.add(ev(2, 20, T0 + 35 * day, Actions.CLICK));                               // user 2: all expire
            store.append(young);
            assertThat(store.purgeExpired()).isZero(); // nothing has aged out yet

            clock.millis.set(T0 + 70 * day); // cutoff: day 40
            long dropped = store.purgeExpired();

            assertThat(dropped).isEqualTo(7);
            // the reference: the same store state as if only the kept events had ever been appended
            Map<Long, UserSequences> expected = StoreTesting.replay(young.stream().filter(e -> e.timestampMs() >= T0 + 40 * day).toList(),
                    SequenceLimits.DEFAULT, Quantizer.DEFAULT);
            assertThat(store.read(1)).isEqualTo(expected.get(1L));
            assertThat(store.read(2)).isEqualTo(UserSequences.empty(2));
            assertThat(store.contains(2)).isFalse();
            RocksSequenceStore.RetentionStatus status = store.retentionStatus();
            assertThat(status.droppedTokens()).isEqualTo(7);
            assertThat(status.expiredEventsSinceOpen()).isEqualTo(1);
            assertThat(status.lastPassMs()).isEqualTo(T0 + 70 * day);
        }
        try (RocksSequenceStore again = RocksSequenceStore.open(dir, StoreOptions.defaults().withReadOnly(true))) {
            assertThat(again.retentionStatus().droppedTokens()).isEqualTo(7); // persistent
            // the policy is recorded: a store opened without one keeps applying it
            assertThat(again.retentionStatus().retention()).isEqualTo(java.time.Duration.ofDays(30));
        }
        assertThatThrownBy(() -> StoreOptions.defaults().withRetention(java.time.Duration.ofDays(-1)))
                .hasMessageContaining("retention must be positive");
    }

    private static int chunkKeysOf(RocksSequenceStore store, long user) throws Exception {
        int n = 0;
        try (org.rocksdb.RocksIterator it = store.db().newIterator(store.chunksColumnFamily())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (StoreDescriptor.userIdOf(it.key()) == user) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void equalTimesOrderByItemAndTakeTheLargerSurface() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            store.append(List.of(
                    Event.of(1, 5, T0, Actions.CLICK, 2),
                    Event.of(1, 7, T0, Actions.CLICK, 1),
                    Event.of(1, 5, T0, Actions.SAVE, 9),
                    Event.of(1, 5, T0, Actions.HIDE, 4)));
            assertThat(store.read(1).realtime().toList()).containsExactly(
                    token(T0, Actions.CLICK, 1, 7),
                    token(T0, Actions.CLICK | Actions.SAVE | Actions.HIDE, 9, 5));
        }
    }

    @Test
    void theSameBatchTwiceIsStoredOnce() {
        List<Event> batch = StoreTesting.randomEvents(Seeds.random(11), new long[]{1, 2, 3}, 30, 400, 3_600_000);
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            AppendResult first = store.append(batch);
            Map<Long, UserSequences> before = Map.of(1L, store.read(1), 2L, store.read(2), 3L, store.read(3));
            StoreStats stats = store.stats();
            AppendResult second = store.append(batch);
            assertThat(first.events()).isEqualTo(400);
            assertThat(first.applied()).isPositive();
            assertThat(first.users()).isEqualTo(3);
            assertThat(second).isEqualTo(new AppendResult(400, 0, 400, 3));
            before.forEach((u, s) -> assertThat(store.read(u)).isEqualTo(s));
            assertThat(store.stats().tokens()).isEqualTo(stats.tokens());
            assertThat(store.stats().chunks()).isEqualTo(stats.chunks());
        }
    }

    @Test
    void outOfOrderEventsAreStoredNewestFirst() {
        try (RocksSequenceStore store = open(StoreOptions.defaults().withChunkCapacity(2))) {
            for (int i = 9; i >= 0; i--) {
                store.append(List.of(ev(1, i, T0 + i * 60_000L, Actions.CLICK)));
            }
            store.append(List.of(ev(1, 100, T0 + 4 * 60_000L + 1, Actions.SAVE))); // lands in the middle
            List<Long> items = store.read(1).realtime().toList().stream().map(Token::itemId).toList();
            assertThat(items).containsExactly(9L, 8L, 7L, 6L, 5L, 100L, 4L, 3L, 2L, 1L, 0L).hasSize(11);
        }
    }

    @Test
    void capsEvictTheOldestFirst() {
        try (RocksSequenceStore store = open(StoreOptions.defaults().withLimits(SMALL).withChunkCapacity(2))) {
            for (int i = 0; i < 20; i++) {
                store.append(List.of(ev(1, 100 + i, T0 + i * 10_000L, Actions.CLICK), ev(1, 200 + i, T0 + i * 10_000L + 1, Actions.IMPRESSION)));
            }
            UserSequences s = store.read(1);
            assertThat(s.realtime().toList().stream().map(Token::itemId)).containsExactly(119L, 118L, 117L);
            assertThat(s.lifelong().toList().stream().map(Token::itemId)).containsExactly(116L, 115L, 114L, 113L, 112L);
            assertThat(s.impressions().toList().stream().map(Token::itemId)).containsExactly(219L, 218L);
            // an event older than everything kept is evicted at once; one newer than the oldest kept evicts it
            assertThat(store.append(List.of(ev(1, 300, T0 - 50_000, Actions.CLICK))).applied()).isZero();
            assertThat(store.append(List.of(ev(1, 301, T0 + 12 * 10_000L + 5, Actions.CLICK))).applied()).isOne();
            assertThat(store.read(1).lifelong().toList().stream().map(Token::itemId)).containsExactly(116L, 115L, 114L, 113L, 301L);
            assertThat(store.stats()).extracting(StoreStats::explicitTokens, StoreStats::impressionTokens).containsExactly(8L, 2L);
        }
    }

    @Test
    void appendsSurviveCloseAndReopen() {
        List<Event> events = StoreTesting.randomEvents(Seeds.random(12), new long[]{5, 6}, 50, 500, 86_400_000);
        Map<Long, UserSequences> expected;
        try (RocksSequenceStore store = open(StoreOptions.defaults().withLimits(SMALL).withClip(0.5f))) {
            store.append(events);
            expected = StoreTesting.replay(events, SMALL, new Quantizer(0.5f));
        }
        try (RocksSequenceStore store = RocksSequenceStore.open(dir)) { // limits and clip come from the header
            assertThat(store.limits()).isEqualTo(SMALL);
            assertThat(store.quantizer().clip()).isEqualTo(0.5f);
            expected.forEach((u, s) -> assertThat(store.read(u)).isEqualTo(s));
            assertThat(store.catalog().size()).isEqualTo(500);
        }
    }

    @Test
    void anUnknownItemFailsTheWholeAppend() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            List<Event> batch = List.of(ev(1, 3, T0, Actions.CLICK), ev(2, 999_999, T0, Actions.CLICK), ev(3, 4, T0, Actions.SAVE));
            assertThatThrownBy(() -> store.append(batch))
                    .isInstanceOf(ItemEmbeddings.UnknownItemException.class)
                    .hasMessageContaining("999999");
            assertThat(store.contains(1)).isFalse();
            assertThat(store.contains(3)).isFalse();
            assertThat(store.stats().users()).isZero();
        }
    }

    @Test
    void unknownUsersAreEmptyAndUsersIterateInIdOrder() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            assertThat(store.read(77)).isEqualTo(UserSequences.empty(77));
            assertThat(store.contains(77)).isFalse();
            store.append(List.of(ev(5, 1, T0, Actions.CLICK), ev(-3, 1, T0, Actions.CLICK), ev(Long.MAX_VALUE, 1, T0, Actions.IMPRESSION),
                    ev(Long.MIN_VALUE, 2, T0, Actions.HIDE), ev(0, 2, T0, Actions.SAVE)));
            List<Long> users = new ArrayList<>();
            store.forEachUser(users::add);
            assertThat(users).containsExactly(Long.MIN_VALUE, -3L, 0L, 5L, Long.MAX_VALUE);
            StoreStats stats = store.stats();
            assertThat(stats.users()).isEqualTo(5);
            assertThat(stats.explicitTokens()).isEqualTo(4);
            assertThat(stats.impressionTokens()).isEqualTo(1);
            assertThat(stats.items()).isEqualTo(500);
            assertThat(stats.diskBytes()).isPositive();
        }
    }

    @Test
    void reopeningWithOtherLimitsOrClipNamesBothValues() {
        open(StoreOptions.defaults().withLimits(SMALL)).close();
        SequenceLimits other = new SequenceLimits(3, 5, 2, 2_000);
        assertThatThrownBy(() -> RocksSequenceStore.open(dir, StoreOptions.defaults().withLimits(other)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fold window 1000 ms")
                .hasMessageContaining("fold window 2000 ms");
        assertThatThrownBy(() -> RocksSequenceStore.open(dir, StoreOptions.defaults().withClip(0.8f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.65")
                .hasMessageContaining("0.8");
        // the same values are fine
        RocksSequenceStore.open(dir, StoreOptions.defaults().withLimits(SMALL).withClip(0.65f)).close();
    }

    @Test
    void aDirectoryThatIsNotAStoreIsRefused() throws Exception {
        Path notEmpty = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(notEmpty.resolve("cat.jpg"), "meow");
        assertThatThrownBy(() -> RocksSequenceStore.open(notEmpty))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a Longview store");
        assertThatThrownBy(() -> RocksSequenceStore.open(notEmpty.resolve("cat.jpg")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is a file");
        Path otherDb = dir.resolve("other-db");
        try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, otherDb.toString())) {
            db.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> RocksSequenceStore.open(otherDb))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("RocksDB database but not a Longview store");
        assertThatThrownBy(() -> RocksSequenceStore.open(dir.resolve("missing"), StoreOptions.defaults().withReadOnly(true)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no Longview store");
    }

    @Test
    void aStoreOfANewerFormatVersionIsRefused() throws Exception {
        open(StoreOptions.defaults()).close();
        byte[] header = StoreDescriptor.encodeHeader(0.65f, SequenceLimits.DEFAULT);
        header[4] = 2; // format version 2
        overwriteHeader(header);
        assertThatThrownBy(() -> RocksSequenceStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("format version 2")
                .hasMessageContaining("up to 1");
        header[0] = 'X';
        overwriteHeader(header);
        assertThatThrownBy(() -> RocksSequenceStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("magic");
    }

    private void overwriteHeader(byte[] header) throws Exception {
        List<ColumnFamilyDescriptor> cfs = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor(StoreDescriptor.USERS_CF.getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor(StoreDescriptor.CHUNKS_CF.getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor(StoreDescriptor.ITEMS_CF.getBytes(StandardCharsets.UTF_8)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.open(o, dir.toString(), cfs, handles)) {
            db.put(handles.get(0), StoreDescriptor.HEADER_KEY, header);
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    @Test
    void aStoreOpenTwiceIsReportedAsLocked() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            assertThatThrownBy(() -> RocksSequenceStore.open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("is locked by another process");
            // a read-only open takes no lock
            try (RocksSequenceStore reader = RocksSequenceStore.open(dir, StoreOptions.defaults().withReadOnly(true))) {
                assertThat(reader.catalog().size()).isEqualTo(500);
                assertThat(reader.limits()).isEqualTo(store.limits());
            }
        }
    }

    @Test
    void aReadOnlyStoreReadsAndRefusesWrites() {
        try (RocksSequenceStore store = open(StoreOptions.defaults())) {
            store.append(List.of(ev(1, 1, T0, Actions.CLICK)));
        }
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withReadOnly(true))) {
            assertThat(store.read(1).realtime().size()).isOne();
            assertThatThrownBy(() -> store.append(List.of(ev(1, 2, T0, Actions.CLICK)))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> store.catalog().put(9_999, new float[32])).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aClosedStoreRefusesCalls() {
        RocksSequenceStore store = open(StoreOptions.defaults());
        store.close();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.read(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.append(List.of(ev(1, 1, T0, Actions.CLICK)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.catalog().contains(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentAppendsToSharedUsersLoseNothing() throws Exception {
        long seed = Seeds.seed(13);
        SequenceLimits roomy = new SequenceLimits(10, 10_000, 10_000, 600_000); // no eviction: order does not matter
        long[] users = {1, 2, 3, 4, 5, 6};
        List<Event> events = StoreTesting.randomEvents(Seeds.random(seed), users, 200, 8_000, 30 * 86_400_000L);
        int threads = 4;
        try (RocksSequenceStore store = open(StoreOptions.defaults().withLimits(roomy).withSync(false).withChunkCapacity(16));
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Event> mine = new ArrayList<>();
                for (int i = t; i < events.size(); i += threads) {
                    mine.add(events.get(i));
                }
                SplittableRandom rng = Seeds.random(seed + t);
                done.add(pool.submit(() -> {
                    for (List<Event> batch : StoreTesting.randomBatches(rng, mine, 50)) {
                        store.append(batch);
                        store.read(batch.getFirst().userId());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            Map<Long, UserSequences> expected = StoreTesting.replay(events, roomy, store.quantizer());
            expected.forEach((u, s) -> assertThat(store.read(u)).as("seed %d user %d", seed, u).isEqualTo(s));
        }
    }
}
