package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.examples.ExampleReader;
import io.longview.store.EraseResult;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code longview erase}: forget users (a request to erase personal data). Each erase is one durable store write;
 * the output says what was removed per user. With {@code --list-examples DIR} it also lists the example files under
 * DIR that hold the users' requests (derived data to rebuild with {@code longview examples}).
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = {"Erase users from a store: their sequences and records go, durably, before the answer.",
                "An unknown user is not an error (nothing to erase). --list-examples also lists example files holding the users."})
final class EraseCommand implements Callable<Integer> {
    @Option(names = "--store", description = "store directory")
    Path store;

    @ArgGroup(multiplicity = "1")
    Users users;

    static final class Users {
        @Option(names = "--user", description = "a user id (repeatable)")
        List<String> ids;

        @Option(names = "--users-file", description = "a file of user ids, one per line ('#' comments and blank lines skipped)")
        Path file;
    }

    @Option(names = "--list-examples", paramLabel = "DIR", description = "list the example files (.lvx) under DIR that hold any of the users")
    Path examplesDir;

    @Option(names = "--no-fsync", description = "acknowledge erasures once written to the OS (survives a process crash, not a power loss)")
    boolean noFsync;

    @Override
    public Integer call() {
        Set<Long> ids = userIds();
        if (store == null && examplesDir == null) {
            throw new InputException("give --store S (to erase) and/or --list-examples DIR (to find example files holding the users)");
        }
        if (store != null) {
            if (!Files.isDirectory(store)) {
                throw new InputException(store, 0, "no store here");
            }
            try (SequenceStore s = RocksSequenceStore.open(store, StoreOptions.defaults().withSync(!noFsync).withCreateIfMissing(false))) {
                long tokens = 0;
                int erased = 0;
                for (long id : ids) {
                    EraseResult r = s.erase(id);
                    tokens += r.tokens();
                    erased += r.erased() ? 1 : 0;
                    System.out.printf(Locale.ROOT, "user %d: %s%n", id, r.erased()
                            ? String.format(Locale.ROOT, "erased S_RT %d, S_LL %d, S_imp %d tokens", r.realtime(), r.lifelong(), r.impressions())
                            : "nothing to erase");
                }
                System.out.printf(Locale.ROOT, "erased %d of %d users (%,d tokens) from %s%n", erased, ids.size(), tokens, Cli.abs(store));
            }
        }
        if (examplesDir != null) {
            List<Path> files = examplesHolding(examplesDir, ids);
            System.out.printf(Locale.ROOT, "%d example file(s) under %s hold these users%s%n", files.size(), Cli.abs(examplesDir),
                    files.isEmpty() ? "" : " (rebuild them with 'longview examples'):");
            files.forEach(f -> System.out.println("  " + f));
        }
        return 0;
    }

    private Set<Long> userIds() {
        Set<Long> out = new LinkedHashSet<>();
        if (users.ids != null) {
            for (String s : users.ids) {
                out.add(parseId(s, null, 0));
            }
        } else {
            List<String> lines;
            try {
                lines = Files.readAllLines(users.file);
            } catch (IOException e) {
                throw new InputException(users.file, 0, "cannot read: " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(parseId(l, users.file, i + 1));
                }
            }
            if (out.isEmpty()) {
                throw new InputException(users.file, 0, "no user ids in the file");
            }
        }
        return out;
    }

    private static long parseId(String s, Path file, int line) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new InputException(file, line, "user id '" + s + "' is not an integer (64-bit)");
        }
    }

    /** The {@code .lvx} files under {@code dir} with a request of any of {@code ids}, in path order. */
    static List<Path> examplesHolding(Path dir, Set<Long> ids) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir, 0, "no such directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".lvx")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            try (ExampleReader r = ExampleReader.open(f)) {
                while (r.hasNext()) {
                    if (ids.contains(r.next().userId())) {
                        out.add(f);
                        break;
                    }
                }
            }
        }
        return out;
    }
}
