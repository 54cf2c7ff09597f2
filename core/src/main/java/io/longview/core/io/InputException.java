package io.longview.core.io;

import java.nio.file.Path;

/**
 * Bad input in a file, with the place it was found: {@code events.csv:17: unknown action 'like', expected …}.
 * Every reader of user files throws this (never a bare parse exception), so that the CLI can print one clear line.
 */
public class InputException extends RuntimeException {
    private final Path file;
    private final long line;

    /**
     * @param file   the file (may be null for a stream without a name)
     * @param line   1-based line number, or 0 when the problem is not tied to one line
     * @param reason what is wrong, naming the offending value and what was expected
     */
    public InputException(Path file, long line, String reason) {
        this(file, line, reason, null);
    }

    /** Bad input not tied to a file, e.g. a command-line option value: the message is {@code reason} alone. */
    public InputException(String reason) {
        super(reason);
        this.file = null;
        this.line = 0;
    }

    public InputException(Path file, long line, String reason, Throwable cause) {
        super((file == null ? "<input>" : file.toString()) + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }
}
