package io.longview.train.ablation;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EventSource;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleSet;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the example files of an ablation run come from: example directories already built (each with
 * {@code train.lvx} and {@code eval.lvx}) per {@link SelectionRule}, and/or an event log plus item embeddings and a
 * builder configuration from which the missing ones are built with {@link ExampleBuilder}.
 *
 * @param prebuilt  example directories by the lifelong selection rule they were built with
 * @param events    opens the event log afresh for each build (null when every needed rule is prebuilt)
 * @param items     the item embeddings (null with {@code events})
 * @param builder   the builder settings (split time, snapshot id, budgets); its {@link SelectionRule} is replaced by
 *                  the rule being built
 */
public record AblationData(Map<SelectionRule, Path> prebuilt, Supplier<EventSource> events, ItemEmbeddings items,
                           ExampleBuilderConfig builder) {
    public AblationData {
        prebuilt = prebuilt.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(prebuilt));
        if ((events == null) != (items == null) || (events != null && builder == null)) {
            throw new IllegalArgumentException("an event log needs item embeddings and a builder config");
        }
    }

    /**
     * A dataset directory ({@link DatasetLayout}: {@code events.csv}, {@code items.csv}, {@code dataset.json}); the
     * builder settings are {@link ExampleBuilderConfig#fromManifest} (split time, snapshot id, label window). When
     * {@code datasetDir/examples} holds nearest-neighbour examples built with these same settings
     * ({@code longview examples} with its defaults), it is reused; the other rules' sets are built.
     */
    public static AblationData fromDataset(Path datasetDir) {
        return fromDataset(datasetDir, datasetDir.resolve("examples"));
    }

    /**
     * {@link #fromDataset(Path)} with the nearest-neighbour examples looked for in {@code examplesDir} (e.g. the output
     * of {@code longview examples --out DIR}: {@code train.lvx}/{@code eval.lvx}, or the Spark job's shard directories
     * {@code train/}/{@code eval/}, see {@link ExampleSet}); they are reused when built with the dataset's settings, else rebuilt.
     */
    public static AblationData fromDataset(Path datasetDir, Path examplesDir) {
        return fromDataset(datasetDir, examplesDir, io.longview.examples.ItemFeatures.NONE);
    }

    /**
     * {@link #fromDataset(Path, Path)} with examples that carry {@code itemFeatures} (prebuilt ones are reused only when
     * they have the same item features; every set built here gets them).
     */
    public static AblationData fromDataset(Path datasetDir, Path examplesDir, io.longview.examples.ItemFeatures itemFeatures) {
        DatasetLayout layout = new DatasetLayout(datasetDir);
        DatasetManifest manifest = layout.readManifest();
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(manifest)
                .withThreads(Math.max(1, Runtime.getRuntime().availableProcessors())).withItemFeatures(itemFeatures);
        Map<SelectionRule, Path> pre = new EnumMap<>(SelectionRule.class);
        Path ex = examplesDir;
        ExampleSet set = new ExampleSet(ex); // train.lvx/eval.lvx, or the shard directories train/ and eval/
        if (set.exists() && sameSettings(set.path(ExampleHeader.Side.TRAIN), config)
                && (io.longview.examples.ItemFeatureFile.beside(ex) != null) == (itemFeatures == io.longview.examples.ItemFeatures.STATS)) {
            pre.put(SelectionRule.NEAREST, ex);
        }
        return new AblationData(pre, layout::openEvents, layout.readItems(), config);
    }

    /**
     * Whether an example file was built with {@code config}'s settings and the nearest-neighbour rule (so that the
     * sets built here for the other rules hold the same requests, split and labels).
     */
    static boolean sameSettings(Path exampleFile, ExampleBuilderConfig config) {
        ExampleHeader h = ExampleSet.summary(exampleFile).header(); // a file, or a directory of shards
        SelectionConfig s = config.selection();
        return h.selection().equals(new SelectionConfig(s.kLifelong(), s.recent(), s.kRealtime(), s.kImpressions(),
                SelectionRule.NEAREST)) && h.splitTimeMs() == config.splitTimeMs()
                && h.labelWindowMs() == config.labelWindowMs() && h.limits().equals(config.limits())
                && h.quantizerClip() == config.quantizerClip() && h.maxNegatives() == config.maxNegatives();
    }

    /** An event log in memory or elsewhere; {@code events} must open the same log each time. */
    public static AblationData ofEvents(Supplier<EventSource> events, ItemEmbeddings items, ExampleBuilderConfig builder) {
        return new AblationData(Map.of(), events, items, builder);
    }

    /** Example directories already built, by selection rule; rows needing another rule fail. */
    public static AblationData ofExamples(Map<SelectionRule, Path> dirs) {
        return new AblationData(dirs, null, null, null);
    }

    /**
     * The example directory for {@code rule}: the prebuilt one, else {@code runDir/examples-<rule>} built now
     * (replacing what is there).
     *
     * @throws IllegalStateException when the rule is not prebuilt and there is no event log to build it from
     */
    Path examplesFor(SelectionRule rule, Path runDir, java.io.PrintStream progress) {
        Path dir = prebuilt.get(rule);
        if (dir != null) {
            return dir;
        }
        if (events == null) {
            throw new IllegalStateException("no example directory for selection rule " + rule + " and no event log to build one");
        }
        dir = runDir.resolve("examples-" + rule.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        SelectionConfig s = builder.selection();
        ExampleBuilderConfig c = builder.withSelection(new SelectionConfig(s.kLifelong(), s.recent(), s.kRealtime(),
                s.kImpressions(), rule));
        long t0 = System.nanoTime();
        var summary = new ExampleBuilder(c, items).build(events.get(), dir, true);
        progress.printf(Locale.ROOT, "[ablation] built %s examples in %s: %,d train, %,d eval examples (%.1f s)%n", rule, dir,
                summary.train().examples(), summary.eval().examples(), (System.nanoTime() - t0) / 1e9);
        return dir;
    }
}
