package io.longview.cli;

import io.longview.core.model.UserSequences;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code longview quickstart}: the whole pipeline on a small synthetic world, with nothing to configure: generate →
 * ingest → inspect the most active user → build point-in-time examples → train and evaluate the RT-only and the V2
 * rows of the ablation ladder → print the comparison and where the report and the checkpoints are. Each step is the
 * same command a user would type, so the printed commands can be re-run one by one. About 4–6 minutes on 2 cores.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Run the pipeline on a small synthetic world: generate, ingest into the store, inspect a user, build examples,",
                "train and evaluate the RT-only and the V2 ranker, print the comparison.",
                "Everything goes under --workdir (default runs/quickstart), replaced on every run."})
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--workdir", description = "where everything goes (default ${DEFAULT-VALUE})", defaultValue = "runs/quickstart")
    Path workdir;

    @Option(names = "--users", description = "users in the world (default ${DEFAULT-VALUE})", defaultValue = "300")
    int users;

    @Option(names = "--seed", description = "world seed (default ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--train-examples", description = "training examples per ranker: the first whole requests up to this many (default ${DEFAULT-VALUE}: all of them)", defaultValue = "0")
    int trainExamples;

    @Option(names = "--engine", description = "training engine: java (fused Vector API) or djl (DJL/PyTorch) (default ${DEFAULT-VALUE})", defaultValue = "java")
    String engine;

    @Option(names = "--no-train", description = "stop after building the examples")
    boolean noTrain;

    @Override
    public Integer call() throws Exception {
        Path world = workdir.resolve("world");
        Path store = workdir.resolve("store");
        Path examples = workdir.resolve("examples");
        io.longview.core.io.AtomicFiles.deleteRecursively(store); // a fresh store each run
        String[][] steps = {
                {"generate", "--users", Integer.toString(users), "--seed", Long.toString(seed), "--out", world.toString(), "--force"},
                {"ingest", "--dataset", world.toString(), "--store", store.toString(), "--no-fsync"},
                {"examples", "--dataset", world.toString(), "--out", examples.toString(), "--force"},
        };
        for (String[] step : steps) {
            System.out.println("\n$ longview " + String.join(" ", step));
            int rc = Main.run(step);
            if (rc != 0) {
                return rc;
            }
        }
        long user = mostActiveUser(store);
        String[] inspect = {"inspect", "user", Long.toString(user), "--store", store.toString(), "--limit", "5"};
        System.out.println("\n$ longview " + String.join(" ", inspect));
        int rc = Main.run(inspect);
        if (rc != 0 || noTrain) {
            System.out.println("\nquickstart done: dataset " + world + ", store " + store + ", examples " + examples);
            return rc;
        }
        Path run = workdir.resolve("ablate");
        io.longview.core.io.AtomicFiles.deleteRecursively(run);
        String[] ablate = {"ablate", "--dataset", world.toString(), "--examples", examples.toString(), "--run", run.toString(),
                "--rows", "rt-only,v2", "--max-train-examples", Integer.toString(trainExamples), "--lr", "2e-3", "--warmup", "50",
                "--log-every", "100", "--engine", engine};
        System.out.println("\n$ longview " + String.join(" ", ablate));
        rc = Main.run(ablate);
        System.out.println("\nquickstart done: dataset " + world + ", store " + store + ", examples " + examples
                + ", rankers and report " + run + " (V2 checkpoint: " + run.resolve("rows/v2/last.lvck") + ")");
        System.out.println("serve the V2 ranker over HTTP: longview serve --store " + store + " --checkpoint "
                + run.resolve("rows/v2/last.lvck"));
        return rc;
    }

    private static long mostActiveUser(Path store) {
        long[] best = {-1, -1};
        try (SequenceStore s = RocksSequenceStore.open(store, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
            s.forEachUser(u -> {
                UserSequences q = s.read(u);
                int n = q.realtime().size() + q.lifelong().size();
                if (n > best[1]) {
                    best[0] = u;
                    best[1] = n;
                }
            });
        }
        return best[0];
    }
}
