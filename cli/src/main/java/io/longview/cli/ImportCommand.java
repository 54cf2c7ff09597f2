package io.longview.cli;

import io.longview.data.io.EventLogDialect;
import io.longview.data.io.EventLogImporter;
import io.longview.data.io.FileFormat;
import io.longview.data.io.ImportResult;
import io.longview.data.io.RequestMode;
import io.longview.data.io.SessionRule;
import io.longview.data.movielens.MovieLensImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longview import movielens|csv|jsonl|parquet}: a dataset into a validated dataset directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert a dataset into a validated Longview dataset directory (events.csv, items.csv, dataset.json).",
        subcommands = {ImportCommand.MovieLens.class, ImportCommand.Csv.class, ImportCommand.JsonLines.class, ImportCommand.Parquet.class})
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
            description = {"Import a MovieLens download (ratings.csv + movies.csv, or ml-1m/ml-10m's ratings.dat + movies.dat):",
                    "ratings ≥ 4 → save, 3–3.5 → click, ≤ 2.5 → hide;",
                    "sessions become requests with sampled unseen movies as impressions; embeddings learned from the training period.",
                    "See data/README.md."})
    static final class MovieLens extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "the MovieLens directory (ml-latest-small, ml-latest, ml-25m, ml-1m, ml-10m …)")
        Path dir;

        @Option(names = "--negative-ratio", description = "sampled unseen movies per rated movie in a request (default ${DEFAULT-VALUE})", defaultValue = "1.0")
        double negativeRatio;

        @Override
        public Integer call() {
            Cli.refuseExisting(out, force);
            MovieLensImporter.Builder b = Cli.fromOptions(() -> {
                MovieLensImporter.Builder x = MovieLensImporter.builder(dir, out).seed(seed).negativeRatio(negativeRatio)
                        .overwrite(force).compressEvents(gzip).progress(true);
                if (splitTime != null) {
                    x.splitTimeMs(Cli.parseTime(splitTime));
                }
                return x;
            });
            print(b.run());
            return 0;
        }
    }

    /** Generic event logs: CSV, JSON Lines or Parquet. */
    abstract static class EventLog extends Common implements Callable<Integer> {
        @Option(names = "--events", required = true, paramLabel = "F|DIR",
                description = "the event log: user_id,item_id,timestamp_ms,action,surface (Parquet: a file or a directory of *.parquet parts)")
        Path events;

        @Option(names = "--items", description = "item embeddings (item_id,e0..e31 CSV or {item_id, embedding} JSON Lines); "
                + "omitted: learned from the training period")
        Path items;

        @Spec
        CommandSpec spec;

        @Option(names = "--requests", defaultValue = "impressions", paramLabel = "impressions|sessions",
                description = "where requests come from: the log's impression rows (default), or sessions of a log without impressions "
                        + "(each session's engaged items plus sampled never-touched items; see data/README.md)")
        String requests;

        @Option(names = "--columns", paramLabel = "FIELD=NAME,...",
                description = "the file's names of the event fields, e.g. user_id=user,item_id=item,timestamp_ms=timestamp,action=behaviour; "
                        + "unmapped columns are then ignored and surface is optional (0)")
        String columns;

        @Option(names = "--timestamp-unit", defaultValue = "ms", paramLabel = "ms|s", description = "unit of the timestamp column (default ms)")
        String timestampUnit;

        @Option(names = "--action-map", paramLabel = "NAME=ACTION,...",
                description = "other action names, e.g. pv=click,cart=save,fav=save,buy=save (ACTION: click|save|hide|impression|skip)")
        String actionMap;

        @Option(names = "--session-gap", defaultValue = "30m", description = "sessions: a longer gap starts a new session (default 30m)")
        String sessionGap;

        @Option(names = "--session-max-duration", defaultValue = "1h",
                description = "sessions: longest session from its first event, also the label window (default 1h)")
        String sessionMaxDuration;

        @Option(names = "--session-max-events", defaultValue = "20", description = "sessions: most events per session (default 20)")
        int sessionMaxEvents;

        @Option(names = "--negative-ratio", defaultValue = "1.0",
                description = "sessions: sampled never-touched items per engaged item of a request (default 1)")
        double negativeRatio;

        abstract FileFormat format();

        @Override
        public Integer call() {
            Cli.refuseExisting(out, force);
            EventLogImporter.Builder b = Cli.fromOptions(() -> {
                EventLogImporter.Builder x = EventLogImporter.builder(events, out).eventsFormat(format()).seed(seed)
                        .overwrite(force).compressEvents(gzip).progress(true);
                if (items != null) {
                    x.items(items);
                }
                if (splitTime != null) {
                    x.splitTimeMs(Cli.parseTime(splitTime));
                }
                return x;
            });
            try {
                b.dialect(EventLogDialect.parse(columns, timestampUnit, actionMap)).requests(RequestMode.parse(requests));
                long gap = Cli.parseDurationMs(sessionGap);
                long duration = Cli.parseDurationMs(sessionMaxDuration);
                if (gap <= 0 || duration <= 0 || sessionMaxEvents < 1) {
                    throw new IllegalArgumentException("--session-gap (" + sessionGap + "), --session-max-duration (" + sessionMaxDuration
                            + ") and --session-max-events (" + sessionMaxEvents + ") must be positive");
                }
                if (gap >= duration) {
                    throw new IllegalArgumentException("--session-gap " + sessionGap + " is not shorter than --session-max-duration "
                            + sessionMaxDuration + ": the gap would never cut a session");
                }
                b.sessions(new SessionRule(gap, sessionMaxEvents, duration)).negativeRatio(negativeRatio);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            ImportResult r = b.run();
            print(r);
            if (((Number) r.manifest().parameters().getOrDefault("impressionEvents", 0L)).longValue() == 0) {
                System.out.println("  note: the log has no impression rows, so it has no requests to train on; "
                        + "import it with --requests sessions to make them from sessions");
            }
            return 0;
        }
    }

    @Command(name = "csv", mixinStandardHelpOptions = true, description = {"Import a CSV event log (DESIGN §1 format, or a raw log through --columns,",
            "--timestamp-unit and --action-map) and its item file; --requests sessions for a log without impressions."})
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

    @Command(name = "parquet", mixinStandardHelpOptions = true, description = {"Import a Parquet event log (a file, or a directory of *.parquet parts such as",
            "Spark's output): columns by name, the same --columns, --timestamp-unit, --action-map and --requests as csv. See parquet/README.md."})
    static final class Parquet extends EventLog {
        @Override
        FileFormat format() {
            return FileFormat.PARQUET;
        }
    }
}
