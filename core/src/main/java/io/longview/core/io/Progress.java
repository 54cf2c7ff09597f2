package io.longview.core.io;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long work, written to a terminal (stderr by default), at most a few times per second:
 * {@code examples  [=========>          ] 48%  1,204,332/2,500,000  85,011/s  eta 15s}. With an unknown total it
 * shows the count and the rate. On a non-terminal it prints a line at most every 10 s, so logs stay readable.
 * {@link #close()} prints the final line. Thread-safe: {@link #advance} may be called from several threads.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 24;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private final long intervalNs;
    private long count;
    private long lastPrint;
    private boolean closed;

    /** A progress line on stderr; {@code total ≤ 0} means unknown. */
    public Progress(String label, long total) {
        this(label, total, System.err, System.console() != null);
    }

    public Progress(String label, long total, PrintStream out, boolean interactive) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.interactive = interactive;
        this.intervalNs = interactive ? 200_000_000L : 10_000_000_000L;
        this.lastPrint = start;
    }

    /** A progress line that prints nothing (for tests and library use). */
    public static Progress silent() {
        return new Progress("", 0, null, false);
    }

    public synchronized void advance(long n) {
        count += n;
        long now = System.nanoTime();
        if (out != null && now - lastPrint >= intervalNs) {
            lastPrint = now;
            print(now, false);
        }
    }

    public synchronized long count() {
        return count;
    }

    /** Seconds since this progress started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public synchronized void close() {
        if (!closed && out != null) {
            print(System.nanoTime(), true);
        }
        closed = true;
    }

    private void print(long now, boolean last) {
        double secs = Math.max((now - start) / 1e9, 1e-9);
        double rate = count / secs;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s ", label));
        if (total > 0) {
            double f = Math.min(1.0, (double) count / total);
            int filled = (int) (f * WIDTH);
            sb.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "").append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%%  %,d/%,d", (int) (f * 100), count, total));
        } else {
            sb.append(String.format(Locale.ROOT, "%,d", count));
        }
        sb.append(String.format(Locale.ROOT, "  %,.0f/s", rate));
        if (last) {
            sb.append(String.format(Locale.ROOT, "  %.1fs", secs));
        } else if (total > 0 && rate > 0) {
            sb.append(String.format(Locale.ROOT, "  eta %.0fs", Math.max(0, (total - count) / rate)));
        }
        if (interactive) {
            out.print("\r" + sb + "   " + (last ? "\n" : ""));
        } else {
            out.println(sb);
        }
        out.flush();
    }
}
