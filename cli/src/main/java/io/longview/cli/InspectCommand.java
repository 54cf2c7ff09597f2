package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.Surfaces;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longview inspect user ID}: a user's three sequences, readable. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Look into the store.",
        subcommands = {InspectCommand.User.class, InspectCommand.Item.class})
final class InspectCommand {

    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "Print a user's three sequences (S_RT, S_LL, S_imp), newest first.")
    static final class User implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "the user id")
        long userId;

        @Option(names = "--store", description = "store directory (default ${DEFAULT-VALUE})", defaultValue = "runs/store")
        Path store;

        @Option(names = "--limit", description = "tokens shown per sequence, newest first (default ${DEFAULT-VALUE}; 0 for all)", defaultValue = "10")
        int limit;

        @Override
        public Integer call() {
            if (!Files.isDirectory(store)) {
                throw new InputException(Cli.abs(store), 0, "no store there (create one with 'longview ingest')");
            }
            try (SequenceStore s = RocksSequenceStore.open(store, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
                long t0 = System.nanoTime();
                UserSequences u = s.read(userId);
                double ms = (System.nanoTime() - t0) / 1e6;
                print(System.out, u, limit, s.contains(userId), ms);
                if (s instanceof RocksSequenceStore rocks) {
                    RocksSequenceStore.RetentionStatus r = rocks.retentionStatus();
                    if (r.retention() != null || r.droppedTokens() > 0) {
                        System.out.printf(Locale.ROOT, "store retention: %s; %,d tokens dropped by passes%s%n",
                                r.retention() == null ? "none" : r.retention().toDays() + " days",
                                r.droppedTokens(), r.lastPassMs() > 0 ? ", the last at " + Cli.time(r.lastPassMs()) : "");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "item", mixinStandardHelpOptions = true,
            description = {"Print an item's point-in-time statistics as the store keeps them (decayed impression, click, save and",
                    "hide counts at half-lives 1 h, 1 d, 30 d; first seen) and the features a model that takes them sees",
                    "(core ItemStatistics) at a time (default: now)."})
    static final class Item implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "the item id")
        long itemId;

        @Option(names = "--store", description = "store directory (default ${DEFAULT-VALUE})", defaultValue = "runs/store")
        Path store;

        @Option(names = "--at", description = "the time of the features (epoch ms or ISO date; default: now)")
        String at;

        @Override
        public Integer call() {
            if (!Files.isDirectory(store)) {
                throw new InputException(Cli.abs(store), 0, "no store there (create one with 'longview ingest')");
            }
            long t = at == null ? System.currentTimeMillis() : Cli.parseTime(at);
            try (SequenceStore s = RocksSequenceStore.open(store, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
                printItem(System.out, itemId, s.catalog().contains(itemId), s.itemStatistics(new long[]{itemId})[0], t);
            }
            return 0;
        }
    }

    static void printItem(PrintStream out, long itemId, boolean inCatalog, ItemStatistics st, long t) {
        out.printf(Locale.ROOT, "item %d%s: %s%n", itemId, inCatalog ? "" : " (not in the catalog)", st.seen()
                ? "first seen " + Instant.ofEpochMilli(st.firstSeenMs()) + ", last counted action " + Instant.ofEpochMilli(st.referenceMs())
                : "never seen (no counted action)");
        out.printf(Locale.ROOT, "%nstatistics at %s (age %.1f h)%n", Instant.ofEpochMilli(t), st.ageMs(t) / 3_600_000.0);
        out.printf(Locale.ROOT, "  %-12s %12s %12s %12s%n", "decayed", "half-life 1h", "1d", "30d");
        String[] kinds = {"impressions", "clicks", "saves", "hides"};
        for (int k = 0; k < ItemStatistics.KINDS; k++) {
            out.printf(Locale.ROOT, "  %-12s %12.3f %12.3f %12.3f%n", kinds[k], st.count(k, 0, t), st.count(k, 1, t), st.count(k, 2, t));
        }
        float[] f = new float[ItemStatistics.DIM];
        st.writeFeatures(t, f, 0);
        out.printf(Locale.ROOT, "%nmodel features (dense, core ItemStatistics)%n");
        for (int i = 0; i < f.length; i++) {
            out.printf(Locale.ROOT, "  %-26s %.6f%n", ItemStatistics.FEATURE_NAMES.get(i), f[i]);
        }
    }

    static void print(PrintStream out, UserSequences u, int limit, boolean known, double readMs) {
        out.printf(Locale.ROOT, "user %d%s: S_RT %d, S_LL %d, S_imp %d tokens (read in %.2f ms)%n", u.userId(),
                known ? "" : " (unknown: empty history)", u.realtime().size(), u.lifelong().size(), u.impressions().size(), readMs);
        section(out, "S_RT  realtime (newest explicit actions)", u.realtime(), limit);
        section(out, "S_LL  lifelong (older explicit actions)", u.lifelong(), limit);
        section(out, "S_imp impressions (shown, not engaged)", u.impressions(), limit);
    }

    private static void section(PrintStream out, String title, TokenSequence s, int limit) {
        out.println();
        out.println(title + ": " + s.size() + (s.isEmpty() ? "" : ", " + Instant.ofEpochMilli(s.timestamp(s.size() - 1)) + " .. " + Instant.ofEpochMilli(s.timestamp(0))));
        if (s.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "  %6s  %-24s  %-22s  %-8s  %12s  %s%n", "#", "time (UTC)", "actions", "surface", "item", "embedding (int8, first 6 of 32)");
        int n = limit <= 0 ? s.size() : Math.min(limit, s.size());
        for (int i = 0; i < n; i++) {
            StringBuilder e = new StringBuilder();
            for (int d = 0; d < 6; d++) {
                e.append(String.format(Locale.ROOT, "%5d", s.embedding(i, d)));
            }
            out.printf(Locale.ROOT, "  %6d  %-24s  %-22s  %-8s  %12d  %s …%n", i, Instant.ofEpochMilli(s.timestamp(i)), Actions.format(s.actions(i)),
                    Surfaces.name(s.surface(i)), s.itemId(i), e);
        }
        if (n < s.size()) {
            out.printf(Locale.ROOT, "  … %,d older tokens (--limit 0 shows all)%n", s.size() - n);
        }
    }
}
