package io.longview.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.model.UserSequences;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation pipeline as a user types it: {@code generate → ingest → inspect user → examples} (from the log and
 * from the store), on a 30-user world. Counts are checked against the files themselves, read here independently.
 */
class PipelineTest {
    @TempDir
    Path tmp;

    @Test
    void generateIngestInspectExamples() throws IOException {
        Path world = tmp.resolve("world");
        Path store = tmp.resolve("store");
        Path examples = tmp.resolve("examples");
        Path fromStore = tmp.resolve("examples-from-store");

        // generate
        CliRun.of("generate", "--users", "30", "--seed", "7", "--out", world.toString(), "--threads", "2").ok();
        assertThat(world.resolve("events.csv")).isRegularFile();
        assertThat(world.resolve("items.csv")).isRegularFile();
        assertThat(world.resolve("dataset.json")).isRegularFile();
        JsonNode manifest = new ObjectMapper().readTree(world.resolve("dataset.json").toFile());
        assertThat(manifest.get("users").asLong()).isEqualTo(30);
        LogCounts log = LogCounts.read(world.resolve("events.csv"), manifest.get("splitTimeMs").asLong());
        assertThat(manifest.get("events").asLong()).isEqualTo(log.events);

        // ingest
        CliRun ingest = CliRun.of("ingest", "--dataset", world.toString(), "--store", store.toString(), "--no-fsync").ok();
        assertThat(ingest.out()).contains(String.format(java.util.Locale.ROOT, "ingested %,d events", log.events));

        // inspect: the first user of the log, whose sequences the store holds
        UserSequences expected;
        try (SequenceStore s = RocksSequenceStore.open(store, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
            assertThat(s.stats().users()).isEqualTo(30);
            assertThat(s.contains(log.firstUser)).isTrue();
            expected = s.read(log.firstUser);
        }
        CliRun inspect = CliRun.of("inspect", "user", Long.toString(log.firstUser), "--store", store.toString()).ok();
        assertThat(inspect.out())
                .contains("user " + log.firstUser + ": S_RT " + expected.realtime().size() + ", S_LL " + expected.lifelong().size()
                        + ", S_imp " + expected.impressions().size() + " tokens")
                .doesNotContain("unknown")
                .contains("S_RT  realtime", "S_LL  lifelong", "S_imp impressions");
        assertThat(expected.realtime().size() + expected.impressions().size()).isPositive();

        // examples, replaying the log
        CliRun ex = CliRun.of("examples", "--dataset", world.toString(), "--out", examples.toString(), "--threads", "2").ok();
        assertThat(ex.out()).contains("examples in " + examples);
        for (String f : new String[]{"train.lvx", "eval.lvx", "examples.json"}) {
            assertThat(examples.resolve(f)).isRegularFile();
        }
        log.assertMatches(new ObjectMapper().readTree(examples.resolve("examples.json").toFile()));

        // examples, histories from the store: the same requests and candidates
        CliRun.of("examples", "--dataset", world.toString(), "--out", fromStore.toString(), "--store", store.toString(),
                "--threads", "2").ok();
        for (String f : new String[]{"train.lvx", "eval.lvx", "examples.json"}) {
            assertThat(fromStore.resolve(f)).isRegularFile();
        }
        log.assertMatches(new ObjectMapper().readTree(fromStore.resolve("examples.json").toFile()));
    }

    /**
     * Requests (impressions of one user at one timestamp) and candidates (their distinct items), counted from the
     * CSV text, split at the manifest's split time: the reference for {@code examples.json}.
     */
    static final class LogCounts {
        long events;
        long firstUser = -1;
        final Map<String, Set<Long>> trainRequests = new HashMap<>();
        final Map<String, Set<Long>> evalRequests = new HashMap<>();

        static LogCounts read(Path csv, long splitTimeMs) throws IOException {
            LogCounts c = new LogCounts();
            try (BufferedReader r = Files.newBufferedReader(csv)) {
                assertThat(r.readLine()).isEqualTo(TinyInputs.EVENTS_HEADER);
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.split(",");
                    c.events++;
                    long user = Long.parseLong(f[0]);
                    if (c.firstUser < 0) {
                        c.firstUser = user;
                    }
                    if (f[3].equals("impression")) {
                        long t = Long.parseLong(f[2]);
                        (t < splitTimeMs ? c.trainRequests : c.evalRequests)
                                .computeIfAbsent(user + "@" + t, k -> new HashSet<>()).add(Long.parseLong(f[1]));
                    }
                }
            }
            return c;
        }

        void assertMatches(JsonNode summary) {
            assertThat(summary.get("events").asLong()).isEqualTo(events);
            assertThat(summary.get("users").asLong()).isEqualTo(30);
            assertThat(trainRequests).isNotEmpty();
            assertThat(evalRequests).isNotEmpty();
            assertThat(summary.at("/train/requests").asLong()).isEqualTo(trainRequests.size());
            assertThat(summary.at("/eval/requests").asLong()).isEqualTo(evalRequests.size());
            assertThat(summary.at("/train/examples").asLong()).isEqualTo(trainRequests.values().stream().mapToLong(Set::size).sum());
            assertThat(summary.at("/eval/examples").asLong()).isEqualTo(evalRequests.values().stream().mapToLong(Set::size).sum());
        }
    }
}
