package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/**
 * The {@code longview} command. Every subcommand is a plain class; errors a user can act on (bad input, a missing
 * file, a wrong option) print one line {@code longview: <what is wrong>} and exit with status 2; anything else is a
 * bug and prints its stack trace with status 1.
 */
@Command(name = "longview", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Lifelong-sequence ranking (TransAct V2) on the JVM.",
        subcommands = {QuickstartCommand.class, GenerateCommand.class, ImportCommand.class, IngestCommand.class,
                InspectCommand.class, ExamplesCommand.class, AblateCommand.class, ExportCommand.class, ServeCommand.class, EraseCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit status for bad input or usage. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (isUserError(ex)) {
                cmd.getErr().println("longview: " + ex.getMessage());
                return BAD_INPUT;
            }
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * Whether a command's exception is the user's to fix (one line, exit 2) rather than a bug (stack trace, exit 1).
     * Decided where the error happens: commands throw {@link InputException} for bad input and option values (see
     * {@link Cli#fromOptions}); an {@link IllegalArgumentException} or {@link IllegalStateException} reaching here is a
     * bug. Picocli's own parameter errors (unknown option, bad number) are exit 2 before any command runs.
     */
    static boolean isUserError(Throwable ex) {
        // StoreException: not a store, locked by another process, newer format, corrupt: all things a user must fix;
        // an I/O failure (disk full, permission denied, missing file) is the environment's, not a bug in the code
        return ex instanceof InputException || ex instanceof StoreException || ex instanceof UncheckedIOException
                || ex instanceof java.nio.file.NoSuchFileException;
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"longview " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
