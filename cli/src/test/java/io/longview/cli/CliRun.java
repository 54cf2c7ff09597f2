package io.longview.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@link Main#run} call with stdout and stderr captured (the commands print to {@code System.out}, picocli and
 * the progress lines to {@code System.err}). Tests run one at a time, so swapping the global streams is safe.
 *
 * @param args   the command line, for failure messages
 * @param status the exit status
 * @param out    everything printed on stdout
 * @param err    everything printed on stderr
 */
record CliRun(List<String> args, int status, String out, String err) {

    /** Runs {@code longview ARGS} in this JVM and restores the streams afterwards. */
    static CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            status = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new CliRun(List.of(args), status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Asserts exit status 0 and returns this run. */
    CliRun ok() {
        assertThat(status).as("longview %s\nstdout:\n%s\nstderr:\n%s", String.join(" ", args), out, err).isZero();
        return this;
    }

    /**
     * Asserts a user error: exit status 2, exactly one {@code longview: …} line on stderr, no stack trace, and returns
     * that line without the prefix.
     */
    String userError() {
        String context = String.format("longview %s\nstdout:\n%s\nstderr:\n%s", String.join(" ", args), out, err);
        assertThat(status).as("%s", context).isEqualTo(Main.BAD_INPUT);
        List<String> lines = err.lines().filter(l -> l.startsWith("longview: ")).toList();
        assertThat(lines).as("%s", context).hasSize(1);
        assertThat(err).as("%s", context).doesNotContain("\tat ");
        return lines.getFirst().substring("longview: ".length());
    }

    /** Asserts that {@code dir} does not exist and that no hidden {@code .NAME.partial-*} (or other) sibling is left. */
    static void assertNoOutput(Path dir) throws IOException {
        assertThat(dir).doesNotExist();
        String hidden = "." + dir.getFileName() + ".";
        try (Stream<Path> s = Files.list(dir.toAbsolutePath().getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(hidden));
        }
    }

    /** The command line, for assertion messages. */
    @Override
    public String toString() {
        return "longview " + String.join(" ", args) + " → " + status;
    }
}
