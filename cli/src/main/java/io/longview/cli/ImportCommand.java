package io.longview.cli;

import io.longview.data.io.EventLogImporter;
import io.longview.data.io.FileFormat;
import io.longview.data.io.ImportResult;
import io.longview.data.movielens.MovieLensImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longview import movielens|csv|jsonl}: a dataset into a validated dataset directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert a dataset into a validated Longview dataset directory (events.csv, items.csv, dataset.json).",
        subcommands = {ImportCommand.MovieLens.class, ImportCommand.Csv.class, ImportCommand.JsonLines.class})
final class ImportCommand {

    /** Options every import shares. */
    static class Common {
        @Option(names = "--out", required = true, description = "output dataset directory")
        Path out;

        @Option(names = "--split-time", description = "train/eval split time (epoch ms or ISO date); default: the 80%% time quantile of events")
        String splitTime;

        @Option(names = "--seed", description = "seed for sampling and embedding learning (default ${DEFAULT-VALUE})", defaultValue = "42")
        long seed;

        @Option(names = "--gzip", description = "write events.csv.gz")
        boolean gzip;

        @Option(names = "--force", description = "replace the output directory if it exists")
        boolean force;

        static void print(ImportResult r) {
            var m = r.manifest();
            System.out.printf(Locale.ROOT, "imported %s into %s in %.1f s%n  users %,d  items %,d  events %,d  %s .. %s%n  split %s  embeddings: %s  snapshot %s%n",
                    m.name(), r.dir(), r.seconds(), m.users(), m.items(), m.events(), Cli.time(m.firstTimestampMs()),
                    Cli.time(m.lastTimestampMs()), Cli.time(m.splitTimeMs()), m.embeddings(), m.snapshotId());
        }
    }

    @Command(name = "movielens", mixinStandardHelpOptions = true,
            description = {"Import a MovieLens download (ratings.csv + movies.csv): ratings ≥ 4 → save, 3–3.5 → click, ≤ 2.5 → hide;",
                    "sessions become requests with sampled unseen movies as impressions; embeddings learned from the training period.",
                    "See data/README.md."})
    static final class MovieLens extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "the MovieLens directory (e.g. ../shared/data/movielens-small)")
        Path dir;

        @Option(names = "--negative-ratio", description = "sampled unseen movies per rated movie in a request (default ${DEFAULT-VALUE})", defaultValue = "1.0")
        double negativeRatio;

        @Override
        public Integer call() {
            MovieLensImporter.Builder b = MovieLensImporter.builder(dir, out).seed(seed).negativeRatio(negativeRatio)
                    .overwrite(force).compressEvents(gzip).progress(true);
            if (splitTime != null) {
                b.splitTimeMs(Cli.parseTime(splitTime));
            }
            print(b.run());
            return 0;
        }
    }

    /** Generic event logs: CSV or JSON Lines. */
    abstract static class EventLog extends Common implements Callable<Integer> {
        @Option(names = "--events", required = true, description = "the event log: user_id,item_id,timestamp_ms,action,surface")
        Path events;

        @Option(names = "--items", description = "item embeddings (item_id,e0..e31 CSV or {item_id, embedding} JSON Lines); "
                + "omitted: learned from the training period")
        Path items;

        abstract FileFormat format();

        @Override
        public Integer call() {
            EventLogImporter.Builder b = EventLogImporter.builder(events, out).eventsFormat(format()).seed(seed)
                    .overwrite(force).compressEvents(gzip).progress(true);
            if (items != null) {
                b.items(items);
            }
            if (splitTime != null) {
                b.splitTimeMs(Cli.parseTime(splitTime));
            }
            print(b.run());
            return 0;
        }
    }

    @Command(name = "csv", mixinStandardHelpOptions = true, description = "Import a CSV event log (DESIGN §1 format) and its item file.")
    static final class Csv extends EventLog {
        @Override
        FileFormat format() {
            return FileFormat.CSV;
        }
    }

    @Command(name = "jsonl", mixinStandardHelpOptions = true, description = "Import a JSON Lines event log and its item file.")
    static final class JsonLines extends EventLog {
        @Override
        FileFormat format() {
            return FileFormat.JSONL;
        }
    }
}
