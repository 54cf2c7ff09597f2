package io.longview.cli;

import io.longview.core.model.UserSequences;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.longview.cli.TinyInputs.ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code longview ingest}: the whole input is checked before the store is touched, so a bad row on line N gives
 * status 2 naming {@code FILE:N} and leaves the store exactly as it was (or absent, if it was).
 */
class IngestCommandTest {
    @TempDir
    Path tmp;

    /**
     * Bad rows, each after good rows that a store-first ingest would already have appended: a new user 3, and new
     * events of users 1 and 2.
     */
    static List<String> badLog(String badRow) {
        return List.of(
                "3,100,1700000010000,impression,0",
                "1,102,1700000011000,save,0",
                "2,101,1700000012000,click,1",
                badRow,
                "3,101,1700000014000,click,0");
    }

    static final String[] BAD_ROWS = {"1,103,1700000013000,like,0", "1,999,1700000013000,click,0", "1,103,1700000013000,click,0,7"};

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void badRowLeavesNewStoreAbsent(int which) {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/bad.csv"), badLog(BAD_ROWS[which]));
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path store = tmp.resolve("store");

        CliRun r = CliRun.of("ingest", "--events", events.toString(), "--items", items.toString(), "--store", store.toString(), "--no-fsync");

        assertThat(r.userError()).startsWith(events + ":5: ");
        assertThat(store).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void badRowLeavesExistingStoreUnchanged(int which) {
        Path good = TinyInputs.writeEventsCsv(tmp.resolve("in/good.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path store = tmp.resolve("store");
        CliRun.of("ingest", "--events", good.toString(), "--items", items.toString(), "--store", store.toString(), "--no-fsync").ok();
        StoreContent before = StoreContent.read(store);
        assertThat(before.users()).containsOnlyKeys(1L, 2L);

        // one event per append and a new item 104: an ingest that wrote before checking would change the store
        Path bad = TinyInputs.writeEventsCsv(tmp.resolve("in/bad.csv"), badLog(BAD_ROWS[which]));
        Path moreItems = TinyInputs.writeItemsCsv(tmp.resolve("in/more-items.csv"), 100, 101, 102, 103, 104);
        CliRun r = CliRun.of("ingest", "--events", bad.toString(), "--items", moreItems.toString(), "--store", store.toString(),
                "--no-fsync", "--batch", "1");

        String message = r.userError();
        assertThat(message).startsWith(bad + ":5: ");
        switch (which) {
            case 0 -> assertThat(message).contains("'like'");
            case 1 -> assertThat(message).contains("item 999", "more-items.csv");
            default -> assertThat(message).contains("6 columns");
        }
        assertThat(StoreContent.read(store)).isEqualTo(before);
    }

    @Test
    void badItemFileLeavesNewStoreAbsent() {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/good.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"),
                List.of(TinyInputs.itemRow(100, 32), TinyInputs.itemRow(101, 32), TinyInputs.itemRow(100, 32)));
        Path store = tmp.resolve("store");

        CliRun r = CliRun.of("ingest", "--events", events.toString(), "--items", items.toString(), "--store", store.toString());

        assertThat(r.userError()).startsWith(items + ":4: ").contains("duplicate item_id 100");
        assertThat(store).doesNotExist();
    }

    @Test
    void reingestIsIdempotent() {
        Path good = TinyInputs.writeEventsCsv(tmp.resolve("in/good.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path store = tmp.resolve("store");
        String[] args = {"ingest", "--events", good.toString(), "--items", items.toString(), "--store", store.toString(), "--no-fsync"};
        assertThat(CliRun.of(args).ok().out()).contains("ingested 5 events (5 changed the store, 0 already there) and 4 items");
        StoreContent first = StoreContent.read(store);

        assertThat(CliRun.of(args).ok().out()).contains("ingested 5 events (0 changed the store, 5 already there)");
        assertThat(StoreContent.read(store)).isEqualTo(first);
    }

    @Test
    void directoryThatIsNotAStoreIsAUserError() throws IOException {
        Path good = TinyInputs.writeEventsCsv(tmp.resolve("in/good.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path notAStore = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(notAStore.resolve("cat.jpg"), "meow");

        CliRun r = CliRun.of("ingest", "--events", good.toString(), "--items", items.toString(), "--store", notAStore.toString());

        assertThat(r.userError()).contains("not a Longview store");
        try (var s = Files.list(notAStore)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("cat.jpg");
        }
    }

    /** Everything a store holds, read through the public API: every user's sequences, the catalog, the counts. */
    record StoreContent(Map<Long, UserSequences> users, Map<Long, String> catalog, String stats) {
        static StoreContent read(Path dir) {
            try (SequenceStore s = RocksSequenceStore.open(dir, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
                Map<Long, UserSequences> users = new TreeMap<>();
                s.forEachUser(u -> users.put(u, s.read(u)));
                Map<Long, String> catalog = new TreeMap<>();
                s.catalog().forEachItem((id, e) -> catalog.put(id, Arrays.toString(e)));
                var st = s.stats();
                // disk bytes may move with compaction; the logical counts may not
                return new StoreContent(users, catalog, st.users() + " " + st.explicitTokens() + " " + st.impressionTokens()
                        + " " + st.chunks() + " " + st.items());
            }
        }
    }
}
