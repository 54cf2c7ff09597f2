package io.longview.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.longview.cli.TinyInputs.ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code longview erase}: users go from the store, unknown ones are not errors, bad input changes nothing. */
class EraseCommandTest {
    @TempDir
    Path tmp;

    Path store() {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path store = tmp.resolve("store");
        CliRun.of("ingest", "--events", events.toString(), "--items", items.toString(), "--store", store.toString(), "--no-fsync").ok();
        return store;
    }

    @Test
    void erasesUsersAndSaysWhatWentAway() throws IOException {
        Path store = store();
        assertThat(CliRun.of("inspect", "user", "1", "--store", store.toString()).ok().out()).doesNotContain("unknown");
        Path ids = Files.writeString(tmp.resolve("ids.txt"), "# to forget\n1\n\n77\n");

        CliRun r = CliRun.of("erase", "--store", store.toString(), "--users-file", ids.toString()).ok();

        assertThat(r.out()).containsPattern("user 1: erased S_RT [0-9]+, S_LL 0, S_imp [0-9]+ tokens")
                .contains("user 77: nothing to erase", "erased 1 of 2 users");
        assertThat(CliRun.of("inspect", "user", "1", "--store", store.toString()).ok().out()).contains("unknown: empty history");
        assertThat(CliRun.of("inspect", "user", "2", "--store", store.toString()).ok().out()).doesNotContain("unknown");
    }

    @Test
    void badIdsAreRefusedAndChangeNothing() throws IOException {
        Path store = store();
        Path ids = Files.writeString(tmp.resolve("ids.txt"), "1\nnot-a-user\n");

        CliRun bad = CliRun.of("erase", "--store", store.toString(), "--users-file", ids.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("ids.txt:2: ", "'not-a-user'");
        CliRun badId = CliRun.of("erase", "--store", store.toString(), "--user", "1x");
        assertThat(badId.status()).isEqualTo(2);
        assertThat(CliRun.of("inspect", "user", "1", "--store", store.toString()).ok().out()).doesNotContain("unknown");
        assertThat(CliRun.of("erase", "--store", store.toString()).status()).isEqualTo(2); // no user given
    }

    @Test
    void listsTheExampleFilesHoldingAUser() throws IOException {
        Path world = tmp.resolve("world");
        CliRun.of("generate", "--users", "20", "--seed", "3", "--out", world.toString(), "--threads", "2").ok();
        CliRun.of("examples", "--dataset", world.toString(), "--threads", "2").ok();

        CliRun some = CliRun.of("erase", "--list-examples", world.toString(), "--user", "1").ok();
        assertThat(some.out()).contains("hold these users", "train.lvx");
        CliRun none = CliRun.of("erase", "--list-examples", world.toString(), "--user", "987654").ok();
        assertThat(none.out()).contains("0 example file(s)");
        // the build records the time range of its data
        assertThat(Files.readString(world.resolve("examples/examples.json"))).contains("\"firstEventMs\"", "\"lastEventMs\"");
    }
}
