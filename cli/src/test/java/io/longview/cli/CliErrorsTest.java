package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Errors are classified where they happen: user mistakes exit 2 in one line, bugs exit 1 with their stack trace. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void onlyInputAndEnvironmentErrorsAreTheUsers() {
        assertThat(Main.isUserError(new InputException("bad"))).isTrue();
        assertThat(Main.isUserError(new StoreException("locked"))).isTrue();
        assertThat(Main.isUserError(new IllegalArgumentException("a bug's precondition"))).isFalse();
        assertThat(Main.isUserError(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void aBadDurationOrAMissingCheckpointIsOneLineWithStatus2() throws Exception {
        Path ck = Files.writeString(tmp.resolve("c.lvck"), "x");
        CliRun bad = CliRun.of("serve", "--store", tmp.toString(), "--checkpoint", ck.toString(), "--warmup", "soon");
        assertThat(bad.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("cannot read duration 'soon'").doesNotContain("\tat ");

        CliRun missing = CliRun.of("serve", "--store", tmp.toString(), "--checkpoint", tmp.resolve("none.lvck").toString());
        assertThat(missing.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("none.lvck", "no checkpoint file").doesNotContain("\tat ");
    }

    @Test
    void aConfigCheckOnAnOptionValueIsTheUsersAndServeRefusesAnOpenNetworkWithoutAToken() throws Exception {
        Path ck = Files.writeString(tmp.resolve("c.lvck"), "x");
        CliRun r = CliRun.of("serve", "--store", tmp.toString(), "--checkpoint", ck.toString(), "--deadline-ms", "0");
        assertThat(r.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("deadline ms must be ≥ 1").doesNotContain("\tat ");

        CliRun open = CliRun.of("serve", "--store", tmp.toString(), "--checkpoint", ck.toString(), "--host", "0.0.0.0");
        assertThat(open.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(open.err()).contains("refusing to bind 0.0.0.0 without a token").doesNotContain("\tat ");
    }
}
