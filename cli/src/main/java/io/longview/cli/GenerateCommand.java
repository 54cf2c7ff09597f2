package io.longview.cli;

import io.longview.core.io.Progress;
import io.longview.data.io.FileFormat;
import io.longview.synth.GenerationSummary;
import io.longview.synth.WorldConfig;
import io.longview.synth.WorldGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code longview generate}: the synthetic lifelong world, written as a dataset directory. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate the synthetic lifelong world (deterministic from a seed) as a dataset directory:",
                "events.csv (or events.parquet), items.csv, dataset.json. See synth/README.md for the model."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--users", description = "number of users (default ${DEFAULT-VALUE})", defaultValue = "" + WorldConfig.DEFAULT_USERS)
    int users;

    @Option(names = "--seed", description = "world seed (default ${DEFAULT-VALUE})", defaultValue = "" + WorldConfig.DEFAULT_SEED)
    long seed;

    @Option(names = "--out", description = "output dataset directory (default runs/synthetic-<users>)")
    Path out;

    @Option(names = "--gzip", description = "write events.csv.gz instead of events.csv")
    boolean gzip;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|parquet",
            description = "the event log's format: events.csv (default) or events.parquet (one Parquet file, same rows; see parquet/README.md)")
    String format;

    @Option(names = "--threads", description = "generator threads; the output is identical for any number (default: cores)")
    Integer threads;

    @Option(names = "--force", description = "replace the output directory if it exists")
    boolean force;

    @Override
    public Integer call() {
        WorldConfig config = Cli.fromOptions(() -> WorldConfig.defaults().withUsers(users).withSeed(seed).withGzipEvents(gzip));
        FileFormat eventsFormat = Cli.fromOptions(() -> {
            FileFormat f = FileFormat.parse(format);
            if (f == FileFormat.JSONL || (f == FileFormat.PARQUET && gzip)) {
                throw new IllegalArgumentException("--format " + format + (gzip ? " --gzip" : "") + ": the generator writes csv (optionally --gzip) or parquet");
            }
            return f;
        });
        Path dir = out != null ? out : Path.of("runs", "synthetic-" + users);
        Cli.refuseExisting(dir, force);
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        GenerationSummary s;
        try (Progress p = Cli.progress("users", users)) {
            s = WorldGenerator.generate(config, dir, force, t, p, eventsFormat);
        }
        System.out.println(s.format());
        return 0;
    }
}
