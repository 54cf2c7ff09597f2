package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.core.io.Progress;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EventSources;
import io.longview.data.io.ItemFileReader;
import io.longview.examples.BuildSummary;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.StoreHistoryProvider;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longview examples}: point-in-time training examples from a dataset directory. */
@Command(name = "examples", mixinStandardHelpOptions = true,
        description = {"Build point-in-time training examples (request, candidate, labels, selected S_all tokens) from a dataset",
                "directory: train.lvx (requests before the split time), eval.lvx (from it on) and examples.json. See examples/README.md."})
final class ExamplesCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "the dataset directory")
    Path dataset;

    @Option(names = "--out", description = "output directory (default <dataset>/examples)")
    Path out;

    @Option(names = "--split-time", description = "train/eval split (epoch ms or ISO date; default: the manifest's)")
    String splitTime;

    @Option(names = "--label-window", description = "labels are the actions in [t, t + window) (default: the manifest's suggestion, else 10m)")
    String labelWindow;

    @Option(names = "--lifelong-rule", description = "how S_LL tokens are picked: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})", defaultValue = "NEAREST")
    SelectionRule rule;

    @Option(names = "--k-ll", description = "K_LL (default ${DEFAULT-VALUE}; 0 switches S_LL off)", defaultValue = "96")
    int kLifelong;

    @Option(names = "--recent", description = "r, the newest S_RT tokens always kept (default ${DEFAULT-VALUE})", defaultValue = "32")
    int recent;

    @Option(names = "--k-rt", description = "K_RT (default ${DEFAULT-VALUE})", defaultValue = "32")
    int kRealtime;

    @Option(names = "--k-imp", description = "K_imp (default ${DEFAULT-VALUE}; 0 switches S_imp off)", defaultValue = "32")
    int kImpressions;

    @Option(names = "--store", description = {"take the histories from this store (its current sequences cut at each request time)",
            "instead of replaying the event log; requests and labels still come from the log. See StoreHistoryProvider."})
    Path store;

    @Option(names = "--threads", description = "builder threads; output identical for any number (default: cores)")
    Integer threads;

    @Option(names = "--force", description = "replace the output directory if it exists")
    boolean force;

    @Option(names = "--engine", description = {"local (this process) or spark (the spark module's job in a child JVM; shards",
            "train/ and eval/ whose records in name order are local's, or with --merge byte-identical files; see spark/README.md)",
            "(default ${DEFAULT-VALUE})"}, defaultValue = "local")
    Engine engine;

    /** Where the examples are built. */
    enum Engine { local, spark }

    @Option(names = "--master", description = "the Spark master for --engine spark (default ${DEFAULT-VALUE})", defaultValue = "local[2]")
    String master;

    @Option(names = "--partitions", description = "user partitions (Spark tasks) for --engine spark (default: 2 x the master's parallelism)")
    Integer partitions;

    @Option(names = "--item-features", description = {"none, or stats: every candidate's point-in-time item statistics (decayed",
            "impression/click/save/hide counts at 1 h, 1 d, 30 d, rates, age; core ItemStatistics) into item-features.lvif,",
            "which the ranker then takes as dense features (default ${DEFAULT-VALUE})"}, defaultValue = "none")
    String itemFeatures;

    @Option(names = "--merge", description = "--engine spark: merge the partitions into one train.lvx and eval.lvx on the driver "
            + "(byte-identical to the local engine's) instead of writing shards train/part-NNNNN.lvx and eval/part-NNNNN.lvx")
    boolean merge;

    @Override
    public Integer call() {
        io.longview.examples.ItemFeatures itemFeatureChoice = switch (itemFeatures) {
            case "none" -> io.longview.examples.ItemFeatures.NONE;
            case "stats" -> io.longview.examples.ItemFeatures.STATS;
            default -> throw new InputException("--item-features " + itemFeatures + ": expected none or stats");
        };
        DatasetLayout layout = new DatasetLayout(dataset);
        DatasetManifest manifest = DatasetManifest.read(layout.manifest());
        ExampleBuilderConfig config = Cli.fromOptions(() -> {
            ExampleBuilderConfig c = ExampleBuilderConfig.fromManifest(manifest)
                    .withSelection(new SelectionConfig(kLifelong, recent, kRealtime, kImpressions, rule))
                    .withThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors())
                    .withItemFeatures(itemFeatureChoice);
            if (splitTime != null) {
                c = c.withSplitTimeMs(Cli.parseTime(splitTime));
            }
            if (labelWindow != null) {
                c = c.withLabelWindowMs(Cli.parseDurationMs(labelWindow));
            }
            return c;
        });
        InMemoryItemEmbeddings items = ItemFileReader.read(layout.items());
        Path dir = out != null ? out : dataset.resolve("examples");
        Cli.refuseExisting(dir, force);
        if (store != null && !Files.isDirectory(store)) {
            throw new InputException(Cli.abs(store), 0, "no store there");
        }
        BuildSummary s;
        try {
            if (engine == Engine.spark) {
                if (store != null) {
                    throw new InputException("--store works with --engine local only");
                }
                if (itemFeatureChoice != io.longview.examples.ItemFeatures.NONE) {
                    throw new InputException("--item-features stats works with --engine local only: the Spark job does not "
                            + "compute item statistics (they need a global pass over all users' events in time order)");
                }
                int rc = SparkEngine.run(dataset, dir, config, master, partitions, force, merge);
                if (rc != 0) {
                    return rc;
                }
                s = BuildSummary.read(dir.resolve(io.longview.examples.ExampleFormat.SUMMARY_FILE));
            } else if (store == null) {
                s = new ExampleBuilder(config, items).withProgress(Progress::new).build(EventSources.open(layout.events()), dir, force);
            } else {
                try (SequenceStore st = RocksSequenceStore.open(store, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
                    s = new ExampleBuilder(config.withLimits(st.limits()).withQuantizerClip(st.quantizer().clip()), items, new StoreHistoryProvider(st))
                            .withProgress(Progress::new).build(EventSources.open(layout.events()), dir, force);
                }
            }
        } catch (IllegalArgumentException e) {
            // the dataset's events name an item its items file lacks: the data's fault, not a bug
            if (e.getCause() instanceof io.longview.core.model.ItemEmbeddings.UnknownItemException) {
                throw new InputException(layout.items(), 0, e.getMessage());
            }
            throw e;
        }
        print(dir, s);
        return 0;
    }

    static void print(Path dir, BuildSummary s) {
        BuildSummary.Selection q = s.selection();
        String selection = "K_LL " + q.kLifelong() + " (" + q.lifelongRule() + "), r " + q.recent() + ", K_RT " + q.kRealtime() + ", K_imp " + q.kImpressions();
        System.out.printf(Locale.ROOT, "examples in %s (selection %s, split %s, label window %d ms)%n"
                        + "  train: %,d requests, %,d examples   eval: %,d requests, %,d examples%n"
                        + "  %,d events of %,d users in %.1f s: %,.0f examples/s, %,.0f events/s; %s on disk, %.0f bytes per example%n",
                dir, selection, Cli.time(s.splitTimeMs()), s.labelWindowMs(), s.train().requests(), s.train().examples(),
                s.eval().requests(), s.eval().examples(), s.events(), s.users(), s.seconds(), s.examplesPerSecond(), s.eventsPerSecond(),
                Cli.size(s.train().bytes() + s.eval().bytes()),
                s.examples() == 0 ? 0.0 : (double) (s.train().bytes() + s.eval().bytes()) / s.examples());
        if (!s.itemFeatures().isEmpty()) {
            System.out.printf(Locale.ROOT, "  item features: %d point-in-time item statistics per example in %s%n",
                    s.itemFeatures().size(), dir.resolve(io.longview.examples.ItemFeatureFile.FILE_NAME));
        }
    }
}
