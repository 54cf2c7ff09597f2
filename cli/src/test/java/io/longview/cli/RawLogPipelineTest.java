package io.longview.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw e-commerce log (user, item, category, behaviour, timestamp in seconds; pv/cart/fav/buy; no impressions, no
 * hides) goes from the raw file to a trained ladder with the documented commands and no script; and the empty cases
 * stop with a message that names the fix instead of training on nothing.
 */
class RawLogPipelineTest {
    @TempDir
    Path tmp;

    /** The synthetic world's clicks and saves as a retail log: click → pv, save → cart|fav|buy, hides and impressions dropped. */
    Path retailLog() throws IOException {
        Path world = tmp.resolve("world");
        CliRun.of("generate", "--users", "30", "--seed", "7", "--out", world.toString(), "--threads", "2").ok();
        List<String> out = new ArrayList<>(List.of("user,item,category,behaviour,timestamp"));
        String[] saves = {"cart", "fav", "buy"};
        int n = 0;
        List<String> lines = Files.readAllLines(world.resolve("events.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String behaviour = switch (f[3]) {
                case "click" -> "pv";
                case "save" -> saves[n++ % 3];
                default -> null;
            };
            if (behaviour != null) {
                out.add(f[0] + "," + f[1] + "," + Long.parseLong(f[1]) % 7 + "," + behaviour + "," + Long.parseLong(f[2]) / 1000);
            }
        }
        return Files.write(tmp.resolve("retail.csv"), out);
    }

    @Test
    void aRetailLogTrainsWithoutAScript() throws IOException {
        Path log = retailLog();
        Path ds = tmp.resolve("retail");

        CliRun imported = CliRun.of("import", "csv", "--events", log.toString(), "--out", ds.toString(), "--requests", "sessions",
                "--timestamp-unit", "s", "--columns", "user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour",
                "--action-map", "pv=click,cart=save,fav=save,buy=save").ok();
        assertThat(imported.out()).contains("users 30").doesNotContain("no impression rows");

        CliRun examples = CliRun.of("examples", "--dataset", ds.toString(), "--threads", "2").ok();
        assertThat(examples.out()).containsPattern("train: [1-9][0-9,]* requests");

        // the log has no hides: the hide head cannot be learned, and the message says how to drop it
        CliRun withHide = CliRun.of("ablate", "--dataset", ds.toString(), "--run", tmp.resolve("run1").toString(), "--rows", "no-sequence");
        assertThat(withHide.status()).isEqualTo(2);
        assertThat(withHide.err()).contains("head 'hide' has no positive example in the training split", "--heads click,save");

        CliRun ladder = CliRun.of("ablate", "--dataset", ds.toString(), "--run", tmp.resolve("run2").toString(), "--rows", "no-sequence,rt-only",
                "--heads", "click,save", "--max-train-examples", "300", "--batch-size", "64", "--warmup", "2", "--log-every", "0").ok();
        assertThat(ladder.out()).contains("| rt-only |").doesNotContain("NaN");
    }

    @Test
    void aLogWithoutImpressionsSaysHowToMakeRequests() throws IOException {
        Path log = retailLog();
        Path ds = tmp.resolve("plain");
        CliRun imported = CliRun.of("import", "csv", "--events", log.toString(), "--out", ds.toString(), "--timestamp-unit", "s",
                "--columns", "user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour", "--action-map", "pv=click,cart=save,fav=save,buy=save").ok();
        assertThat(imported.out()).contains("no impression rows", "--requests sessions");

        CliRun examples = CliRun.of("examples", "--dataset", ds.toString(), "--threads", "2");

        assertThat(examples.status()).isEqualTo(2);
        assertThat(examples.err()).contains("0 requests", "--requests sessions");
        assertThat(ds.resolve("examples")).doesNotExist();
    }

    @Test
    void badRawOptionsAreUserErrors() throws IOException {
        Path log = retailLog();
        CliRun unmapped = CliRun.of("import", "csv", "--events", log.toString(), "--out", tmp.resolve("x").toString(), "--timestamp-unit", "s",
                "--columns", "user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour");
        assertThat(unmapped.status()).isEqualTo(2);
        assertThat(unmapped.err()).contains("retail.csv:2: ", "'pv'", "--action-map");
        assertThat(tmp.resolve("x")).doesNotExist();

        CliRun badGap = CliRun.of("import", "csv", "--events", log.toString(), "--out", tmp.resolve("y").toString(), "--requests", "sessions",
                "--session-max-events", "0");
        assertThat(badGap.status()).isEqualTo(2);
        assertThat(badGap.err()).contains("--session-max-events (0)");
        assertThat(tmp.resolve("y")).doesNotExist();
        CliRun gapTooLong = CliRun.of("import", "csv", "--events", log.toString(), "--out", tmp.resolve("z").toString(), "--requests", "sessions",
                "--session-gap", "2h", "--session-max-duration", "1h");
        assertThat(gapTooLong.status()).isEqualTo(2);
        assertThat(gapTooLong.err()).contains("--session-gap 2h is not shorter than --session-max-duration 1h");
        CliRun badHeads = CliRun.of("ablate", "--dataset", tmp.resolve("none").toString(), "--heads", "click,like");
        assertThat(badHeads.status()).isEqualTo(2);
        CliRun badRetention = CliRun.of("ingest", "--events", log.toString(), "--items", tmp.resolve("items.csv").toString(),
                "--store", tmp.resolve("s").toString(), "--retention-days", "-3");
        assertThat(badRetention.status()).isEqualTo(2);
        assertThat(badRetention.err()).contains("--retention-days must be a positive number of days").doesNotContain("\tat ");
        assertThat(tmp.resolve("s")).doesNotExist();
    }
}
