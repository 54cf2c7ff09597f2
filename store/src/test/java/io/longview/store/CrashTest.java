package io.longview.store;

import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Durability under kill -9: a child JVM appends batches and acknowledges each one on stdout; the parent kills it
 * (SIGKILL) mid-stream, reopens the store and checks that it holds every acknowledged batch, and of the one in
 * flight all or nothing: the state equals the reference replay of batches {@code 0..A-1} or of {@code 0..A}.
 */
// a child that never acknowledges must not hang the build: the test fails after 2 minutes, and the child is killed
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashTest {
    private static final int ACKS_BEFORE_KILL = 60;

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "sync {0}")
    @ValueSource(booleans = {true, false})
    void everyAcknowledgedAppendSurvivesKill9(boolean sync) throws Exception {
        long seed = Seeds.seed(sync ? 31 : 32);
        Path store = dir.resolve("store");
        Path stderr = dir.resolve("child.err");
        child = startChild(store, seed, sync, stderr);
        int acked = -1;
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4));
                    if (acked + 1 == ACKS_BEFORE_KILL) {
                        // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe,
                        // and the acks the child printed meanwhile must still be read below
                        child.toHandle().destroyForcibly();
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String context = "seed " + seed + ", sync " + sync + ", " + (acked + 1) + " acks, child stderr: " + Files.readString(stderr);
        assertThat(acked + 1).as(context).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        assertThat(child.exitValue()).as(context).isNotZero();

        List<Event> acknowledged = new ArrayList<>();
        for (int i = 0; i <= acked; i++) {
            acknowledged.addAll(CrashChild.batch(seed, i));
        }
        List<Event> withInFlight = new ArrayList<>(acknowledged);
        withInFlight.addAll(CrashChild.batch(seed, acked + 1));
        Map<Long, UserSequences> without = StoreTesting.replay(acknowledged, CrashChild.LIMITS, Quantizer.DEFAULT);
        Map<Long, UserSequences> with = StoreTesting.replay(withInFlight, CrashChild.LIMITS, Quantizer.DEFAULT);

        try (RocksSequenceStore reopened = RocksSequenceStore.open(store)) {
            Map<Long, UserSequences> expected = matches(reopened, without) ? without : with;
            for (long u = 0; u < CrashChild.USERS; u++) {
                assertThat(reopened.read(u)).as("%s: user %d", context, u).isEqualTo(expected.getOrDefault(u, UserSequences.empty(u)));
            }
        }
    }

    /** An erase acknowledged just before a kill -9 is on disk: the user is gone after a restart. */
    @Test
    void anAcknowledgedEraseSurvivesKill9() throws Exception {
        long seed = Seeds.seed(33);
        Path store = dir.resolve("store");
        Path stderr = dir.resolve("child.err");
        child = startChild(store, seed, true, stderr, "erase");
        int erased = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ERASED ")) {
                    erased = Integer.parseInt(line.substring(7));
                    if (erased == 2) {
                        child.toHandle().destroyForcibly(); // right after the answer
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String context = "seed " + seed + ", erased up to " + erased + ", child stderr: " + Files.readString(stderr);
        assertThat(erased).as(context).isGreaterThanOrEqualTo(2);
        List<Event> appended = new ArrayList<>();
        for (int i = 0; i < CrashChild.ERASE_BATCHES; i++) {
            appended.addAll(CrashChild.batch(seed, i));
        }
        Map<Long, UserSequences> replay = StoreTesting.replay(appended, CrashChild.LIMITS, Quantizer.DEFAULT);
        try (RocksSequenceStore reopened = RocksSequenceStore.open(store)) {
            for (long u = 0; u < CrashChild.USERS; u++) {
                UserSequences got = reopened.read(u);
                if (u <= erased) {
                    assertThat(got).as("%s: acknowledged erase of user %d", context, u).isEqualTo(UserSequences.empty(u));
                    assertThat(reopened.contains(u)).isFalse();
                } else {
                    // an erase in flight is all or nothing
                    assertThat(got).as("%s: user %d", context, u).isIn(UserSequences.empty(u), replay.getOrDefault(u, UserSequences.empty(u)));
                }
            }
        }
    }

    @Test
    void aStoreOpenInAnotherProcessIsReportedAsLocked() throws Exception {
        Path store = dir.resolve("store");
        child = startChild(store, 1, false, dir.resolve("child.err"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("child stderr: %s", Files.readString(dir.resolve("child.err"))).isEqualTo("READY");
            assertThatThrownBy(() -> RocksSequenceStore.open(store))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("store " + store.toAbsolutePath().normalize() + " is locked by another process");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts {@link CrashChild} on the classpath of this test run. */
    private static Process startChild(Path store, long seed, boolean sync, Path stderr, String... mode) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), store.toString(), Long.toString(seed), Boolean.toString(sync)));
        cmd.addAll(List.of(mode));
        return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    }

    private static boolean matches(SequenceStore store, Map<Long, UserSequences> expected) {
        for (long u = 0; u < CrashChild.USERS; u++) {
            if (!store.read(u).equals(expected.getOrDefault(u, UserSequences.empty(u)))) {
                return false;
            }
        }
        return true;
    }
}
