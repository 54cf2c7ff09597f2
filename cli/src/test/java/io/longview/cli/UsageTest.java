package io.longview.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Help, version and usage errors of every command. */
class UsageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "longview {0} --help")
    @ValueSource(strings = {"", "quickstart", "generate", "import", "import movielens", "import csv", "import jsonl",
            "ingest", "inspect", "inspect user", "examples", "ablate", "export", "export onnx", "serve", "erase", "bench", "bench store",
            "bench rank", "bench serve"})
    void helpOfEveryCommand(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");

        CliRun r = CliRun.of(args.toArray(String[]::new)).ok();

        assertThat(r.out()).startsWith("Usage: longview" + (command.isEmpty() ? "" : " " + command) + " ");
        // picocli writes "[picocli WARN] Could not format …" for an unescaped '%' in a description
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everySubcommandIsCoveredByTheHelpTest() {
        assertThat(new CommandLine(new Main()).getSubcommands().keySet())
                .containsExactlyInAnyOrder("quickstart", "generate", "import", "ingest", "inspect", "examples", "ablate", "export",
                        "serve", "erase", "bench", "help");
    }

    @Test
    void version() {
        assertThat(CliRun.of("--version").ok().out()).startsWith("longview ");
    }

    @Test
    void unknownCommand() {
        CliRun r = CliRun.of("frobnicate");

        assertThat(r.status()).isEqualTo(CommandLine.ExitCode.USAGE).isNotZero();
        assertThat(r.err()).contains("Unmatched argument", "'frobnicate'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingRequiredOption() {
        CliRun r = CliRun.of("import", "csv", "--events", "e.csv");

        assertThat(r.status()).isEqualTo(CommandLine.ExitCode.USAGE).isNotZero();
        assertThat(r.err()).contains("Missing required option: '--out=<out>'", "Usage: longview import csv");
    }

    @Test
    void ingestNeedsAnInput() {
        CliRun r = CliRun.of("ingest", "--store", tmp.resolve("s").toString());

        assertThat(r.status()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--dataset", "--events", "Usage: longview ingest");
        assertThat(tmp.resolve("s")).doesNotExist();
    }

    @Test
    void badOptionValue() {
        CliRun r = CliRun.of("generate", "--users", "many");

        assertThat(r.status()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--users", "'many'");
    }

    @Test
    void inspectWithoutStore() {
        CliRun r = CliRun.of("inspect", "user", "1", "--store", "/nonexistent");

        assertThat(r.userError()).contains("no store", "/nonexistent");
    }

    @Test
    void inspectOfADirectoryThatIsNotAStore() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliRun r = CliRun.of("inspect", "user", "1", "--store", empty.toString());

        assertThat(r.userError()).contains("no Longview store", empty.toString());
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void inspectOfAnUnknownUser() {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), TinyInputs.ITEMS);
        Path store = tmp.resolve("store");
        CliRun.of("ingest", "--events", events.toString(), "--items", items.toString(), "--store", store.toString(), "--no-fsync").ok();

        assertThat(CliRun.of("inspect", "user", "42", "--store", store.toString()).ok().out())
                .contains("user 42 (unknown: empty history): S_RT 0, S_LL 0, S_imp 0 tokens");
        assertThat(CliRun.of("inspect", "user", "1", "--store", store.toString()).ok().out())
                .contains("user 1: S_RT 1, S_LL 0, S_imp 1 tokens");
    }

    @Test
    void badTimeAndDuration() throws IOException {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), TinyInputs.ITEMS);
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ds");

        CliRun r = CliRun.of("import", "csv", "--events", events.toString(), "--items", items.toString(), "--out", out.toString(),
                "--split-time", "yesterday");

        assertThat(r.userError()).contains("'yesterday'");
        CliRun.assertNoOutput(out);
        assertThat(Cli.parseTime("2024-10-01")).isEqualTo(1_727_740_800_000L);
        assertThat(Cli.parseTime("1727740800000")).isEqualTo(1_727_740_800_000L);
        assertThat(Cli.parseDurationMs("2h")).isEqualTo(7_200_000L);
        assertThat(Cli.parseDurationMs("500ms")).isEqualTo(500L);
    }
}
