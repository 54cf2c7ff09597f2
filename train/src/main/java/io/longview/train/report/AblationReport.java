package io.longview.train.report;

import io.longview.core.eval.HeadMetrics;
import io.longview.train.ablation.AblationResult;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reports of an {@link AblationResult}: {@code report.md} (the table, settings, provenance) and {@code report.html}
 * (self-contained: the same table and, per row, hand-written inline SVG line plots of the training loss per step and
 * of the evaluation history; no scripts, no external resources).
 *
 * <p>The table has one line per row and, per head, AUC, GAUC, HIT@3 and the HIT@3 lift over the no-sequence row
 * (DESIGN §5; "n/a" without that row). Undefined metrics print as "n/a".
 */
public final class AblationReport {
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";
    /** Longer loss curves are drawn as this many bucket means. */
    static final int MAX_PLOT_POINTS = 1000;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

    private AblationReport() {
    }

    /** Writes {@code report.md} and {@code report.html} into {@code runDir}, prints the table to {@code out}. */
    public static void write(AblationResult result, Path runDir, PrintStream out) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(MARKDOWN), markdown(result), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve(HTML), html(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.print(markdownTable(result));
        out.println("reports: " + runDir.resolve(MARKDOWN) + ", " + runDir.resolve(HTML));
    }

    /** The Markdown table: a header line, a separator line, one line per row. */
    public static String markdownTable(AblationResult r) {
        StringBuilder sb = new StringBuilder();
        List<String> header = header(r);
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append('\n');
        for (List<String> cells : cells(r)) {
            sb.append("| ").append(String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
        }
        return sb.toString();
    }

    /** The whole {@code report.md}. */
    public static String markdown(AblationResult r) {
        StringBuilder sb = new StringBuilder("# Ablation ladder\n\n");
        sb.append("Lifts: HIT@3 relative to ").append(r.baselineRow() == null ? "no baseline (no-sequence row not run)" : "`" + r.baselineRow() + "`")
                .append(" (DESIGN §5). All rows: identical data and seed. `HIT@3`: each request ranked by that head's own ")
                .append("score. `HIT@3 (blend)`: each request ranked by one final score, click + 2·save − 3·hide (the serving ")
                .append("default): the paper's reading of hide HIT@3, hidden items in the top 3 of the ranking, lower is better.\n\n");
        sb.append(markdownTable(r)).append('\n');
        sb.append("## Rows\n\n");
        for (AblationResult.RowResult row : r.rows()) {
            sb.append(String.format(Locale.ROOT, "- `%s`: %s; selection %s; %,d train examples, %d steps, final loss %s, %.1f s, "
                            + "%,.0f training examples/s; examples %s; checkpoint %s%n",
                    row.name(), row.label(), row.selectionRule(), row.trainExamples(), row.stepLoss().size(),
                    row.stepLoss().isEmpty() ? "n/a" : num(row.stepLoss().get(row.stepLoss().size() - 1)), row.seconds(),
                    row.examplesPerSecond(), row.examplesDir(), row.checkpoint()));
        }
        sb.append("\n## Settings\n\n");
        for (String s : r.settings()) {
            sb.append("- ").append(s).append('\n');
        }
        sb.append("\n## Provenance\n\n");
        for (String[] p : provenance(r)) {
            sb.append("- ").append(p[0]).append(": ").append(p[1]).append('\n');
        }
        return sb.toString();
    }

    /** The whole {@code report.html}: one {@code <svg>} per plot (two per row: training loss, evaluation history). */
    public static String html(AblationResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Ablation ladder</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append("th{background:#eee}.plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:90%}\n")
                .append("</style>\n</head>\n<body>\n<h1>Ablation ladder</h1>\n");
        sb.append("<p>HIT@3 lift relative to ").append(esc(r.baselineRow() == null ? "no baseline (no-sequence row not run)" : r.baselineRow()))
                .append(" (DESIGN §5). All rows: identical data and seed.</p>\n<table>\n<thead><tr>");
        for (String h : header(r)) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> cells : cells(r)) {
            sb.append("<tr>");
            for (String c : cells) {
                sb.append("<td>").append(esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n<h2>Training and evaluation</h2>\n");
        for (AblationResult.RowResult row : r.rows()) {
            sb.append("<h3>").append(esc(row.name())).append(": ").append(esc(row.label())).append("</h3>\n<div class=\"plots\">\n");
            List<double[]> loss = bucketMeans(row.stepLoss(), MAX_PLOT_POINTS);
            sb.append(figure(row.stepLoss().size() > MAX_PLOT_POINTS ? "training loss (mean per bucket of steps)"
                    : "training loss per step", svg("step", "loss", List.of("loss"), loss)));
            List<String> names = new ArrayList<>();
            List<double[]> series = new ArrayList<>();
            double[] steps = row.history().stream().mapToDouble(AblationResult.EvalPoint::step).toArray();
            for (String h : r.heads()) {
                for (String metric : List.of("AUC", "HIT@3")) {
                    names.add(h + " " + metric);
                    series.add(steps);
                    series.add(row.history().stream().mapToDouble(p -> {
                        HeadMetrics m = p.metrics().get(h);
                        return m == null ? Double.NaN : metric.equals("AUC") ? m.auc() : m.hitAt3();
                    }).toArray());
                }
            }
            sb.append(figure("evaluation history (eval.lvx)", svg("step", "metric", names, series)));
            sb.append("</div>\n");
        }
        sb.append("<h2>Settings</h2>\n<ul>\n");
        for (String s : r.settings()) {
            sb.append("<li>").append(esc(s)).append("</li>\n");
        }
        sb.append("</ul>\n<h2>Provenance</h2>\n<ul>\n");
        for (String[] p : provenance(r)) {
            sb.append("<li>").append(esc(p[0])).append(": ").append(esc(p[1])).append("</li>\n");
        }
        sb.append("</ul>\n</body>\n</html>\n");
        return sb.toString();
    }

    /**
     * The reports of one ladder run with several seeds ({@link io.longview.train.ablation.AblationRunner#runSeeds}):
     * each seed's own reports go into {@code seedDirs}, and {@code runDir} gets the combined {@code report.md} and
     * {@code report.html}, whose table gives every metric as mean ± sample standard deviation over the seeds; the
     * combined table is printed to {@code out}. One result is {@link #write(AblationResult, Path, PrintStream)}.
     *
     * @throws IllegalArgumentException when the results do not have the same rows and heads
     */
    public static void write(List<AblationResult> results, List<Path> seedDirs, Path runDir, PrintStream out) {
        if (results.size() == 1) {
            write(results.get(0), runDir, out);
            return;
        }
        checkSameLadder(results);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        for (int i = 0; i < results.size(); i++) {
            write(results.get(i), seedDirs.get(i), quiet);
        }
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(MARKDOWN), markdown(results, seedDirs, runDir), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve(HTML), html(results, seedDirs, runDir), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.print(markdownTable(results));
        out.println("reports: " + runDir.resolve(MARKDOWN) + ", " + runDir.resolve(HTML));
    }

    /**
     * The Markdown table over seeds: the header of the one-seed table and, per row, each metric as
     * {@code mean ± std} over the seeds where it is defined (sample standard deviation; {@code (k of n seeds)} when
     * some seed left it undefined; {@code n/a (reason)} when none defined it).
     */
    public static String markdownTable(List<AblationResult> results) {
        if (results.size() == 1) {
            return markdownTable(results.get(0));
        }
        checkSameLadder(results);
        StringBuilder sb = new StringBuilder();
        List<String> header = header(results.get(0));
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append('\n');
        for (List<String> cells : seedCells(results)) {
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }

    static String markdown(List<AblationResult> results, List<Path> seedDirs, Path runDir) {
        AblationResult first = results.get(0);
        StringBuilder sb = new StringBuilder("# Ablation ladder, ").append(results.size()).append(" seeds\n\n");
        sb.append("Every cell: mean ± sample standard deviation over the seeds ").append(seedList(results))
                .append(" (each seed: initial weights and example order; the same examples for every seed and row). ")
                .append("Lifts: HIT@3 relative to ")
                .append(first.baselineRow() == null ? "no baseline (no-sequence row not run)" : "`" + first.baselineRow() + "`")
                .append(", per seed, then averaged. `HIT@3 (blend)`: each request ranked by click + 2·save − 3·hide; lower is ")
                .append("better for hide.\n\n");
        sb.append(markdownTable(results)).append('\n');
        sb.append("## Rows\n\n");
        for (int r = 0; r < first.rows().size(); r++) {
            int row = r;
            double[] eps = results.stream().mapToDouble(x -> x.rows().get(row).examplesPerSecond()).toArray();
            double[] secs = results.stream().mapToDouble(x -> x.rows().get(row).seconds()).toArray();
            AblationResult.RowResult one = first.rows().get(r);
            sb.append(String.format(Locale.ROOT, "- `%s`: %s; selection %s; %,d train examples; %s training examples/s; %s s per seed%n",
                    one.name(), one.label(), one.selectionRule(), one.trainExamples(), meanStd(eps, "%,.0f", "n/a"),
                    meanStd(secs, "%.1f", "n/a")));
        }
        sb.append("\n## Seeds\n\n");
        for (int i = 0; i < results.size(); i++) {
            sb.append("- seed ").append(results.get(i).seed()).append(": ").append(relative(runDir, seedDirs.get(i).resolve(MARKDOWN)))
                    .append('\n');
        }
        sb.append("\n## Settings\n\n");
        for (String s : first.settings()) {
            sb.append("- ").append(s).append('\n');
        }
        sb.append("\n## Provenance\n\n");
        sb.append("- dataset snapshot: ").append(first.snapshotId()).append('\n');
        sb.append("- seeds: ").append(seedList(results)).append('\n');
        sb.append("- code version: ").append(first.codeVersion()).append('\n');
        sb.append("- heads: ").append(String.join(", ", first.heads())).append('\n');
        return sb.toString();
    }

    static String html(List<AblationResult> results, List<Path> seedDirs, Path runDir) {
        AblationResult first = results.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Ablation ladder</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append("th{background:#eee}.plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:90%}\n")
                .append("</style>\n</head>\n<body>\n<h1>Ablation ladder, ").append(results.size()).append(" seeds</h1>\n");
        sb.append("<p>Every cell: mean ± sample standard deviation over the seeds ").append(esc(seedList(results)))
                .append(". HIT@3 lift relative to ")
                .append(esc(first.baselineRow() == null ? "no baseline (no-sequence row not run)" : first.baselineRow()))
                .append(".</p>\n<table>\n<thead><tr>");
        for (String h : header(first)) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> cells : seedCells(results)) {
            sb.append("<tr>");
            for (String c : cells) {
                sb.append("<td>").append(esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n<h2>Training loss, one line per seed</h2>\n<div class=\"plots\">\n");
        for (int r = 0; r < first.rows().size(); r++) {
            List<String> names = new ArrayList<>();
            List<double[]> series = new ArrayList<>();
            for (AblationResult res : results) {
                names.add("seed " + res.seed());
                series.addAll(bucketMeans(res.rows().get(r).stepLoss(), MAX_PLOT_POINTS));
            }
            sb.append(figure(first.rows().get(r).name() + ": training loss", svg("step", "loss", names, series)));
        }
        sb.append("</div>\n<h2>Seeds</h2>\n<ul>\n");
        for (int i = 0; i < results.size(); i++) {
            String link = relative(runDir, seedDirs.get(i).resolve(HTML));
            sb.append("<li>seed ").append(results.get(i).seed()).append(": <a href=\"").append(esc(link)).append("\">")
                    .append(esc(link)).append("</a></li>\n");
        }
        sb.append("</ul>\n<h2>Settings</h2>\n<ul>\n");
        for (String s : first.settings()) {
            sb.append("<li>").append(esc(s)).append("</li>\n");
        }
        sb.append("</ul>\n</body>\n</html>\n");
        return sb.toString();
    }

    /** Per row, the cells of {@link #header} as mean ± std over the results (same rows and heads in each). */
    private static List<List<String>> seedCells(List<AblationResult> results) {
        AblationResult first = results.get(0);
        String noBaseline = "n/a (" + (first.baselineRow() == null ? "no-sequence row not run" : "baseline HIT@3 undefined or 0") + ")";
        List<List<String>> out = new ArrayList<>();
        for (int r = 0; r < first.rows().size(); r++) {
            int row = r;
            AblationResult.RowResult one = first.rows().get(r);
            List<String> c = new ArrayList<>(List.of(one.name(), one.selectionRule().toLowerCase(Locale.ROOT)));
            for (String head : first.heads()) {
                c.add(meanStd(values(results, row, x -> metric(x, head, HeadMetrics::auc)), "%.4f", "n/a (undefined in every seed)"));
                c.add(meanStd(values(results, row, x -> metric(x, head, HeadMetrics::gauc)), "%.4f", "n/a (undefined in every seed)"));
                c.add(meanStd(values(results, row, x -> metric(x, head, HeadMetrics::hitAt3)), "%.4f", "n/a (undefined in every seed)"));
                c.add(meanStd(values(results, row, x -> 100 * x.hitAt3Lift().getOrDefault(head, Double.NaN)), "%+.2f%%", noBaseline));
            }
            for (String head : first.heads()) {
                c.add(meanStd(values(results, row, x -> x.blendedHitAt3().getOrDefault(head, Double.NaN)), "%.4f",
                        "n/a (no request with a positive)"));
            }
            out.add(c);
        }
        return out;
    }

    private static double metric(AblationResult.RowResult row, String head, java.util.function.ToDoubleFunction<HeadMetrics> f) {
        HeadMetrics m = row.metrics().get(head);
        return m == null ? Double.NaN : f.applyAsDouble(m);
    }

    private static double[] values(List<AblationResult> results, int row,
                                   java.util.function.ToDoubleFunction<AblationResult.RowResult> f) {
        return results.stream().mapToDouble(x -> f.applyAsDouble(x.rows().get(row))).toArray();
    }

    /**
     * {@code mean ± std} of the finite values in {@code format} (sample standard deviation, n − 1), with
     * {@code (k of n seeds)} when only k of them are finite, the mean alone when one is, {@code undefined} when none.
     */
    static String meanStd(double[] values, String format, String undefined) {
        int k = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                k++;
            }
        }
        if (k == 0) {
            return undefined;
        }
        double mean = sum / k;
        String text = String.format(Locale.ROOT, format, mean);
        if (k > 1) {
            double ss = 0;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    ss += (v - mean) * (v - mean);
                }
            }
            String sd = String.format(Locale.ROOT, format, Math.sqrt(ss / (k - 1))).replace("+", "");
            text += " ± " + sd;
        }
        return k < values.length ? text + " (" + k + " of " + values.length + " seeds)" : text;
    }

    private static void checkSameLadder(List<AblationResult> results) {
        AblationResult first = results.get(0);
        for (AblationResult r : results) {
            if (!r.heads().equals(first.heads()) || !r.rows().stream().map(AblationResult.RowResult::name).toList()
                    .equals(first.rows().stream().map(AblationResult.RowResult::name).toList())) {
                throw new IllegalArgumentException("seed " + r.seed() + " ran other rows or heads than seed " + first.seed());
            }
        }
    }

    private static String seedList(List<AblationResult> results) {
        return String.join(", ", results.stream().map(r -> Long.toString(r.seed())).toList());
    }

    private static String relative(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return to.toString();
        }
    }

    /**
     * Steps {@code 1..n} and their losses, or, beyond {@code max} points, the means of {@code max} equal buckets of
     * steps at each bucket's middle step (non-finite losses are left out of a mean; an all-non-finite bucket is NaN).
     */
    static List<double[]> bucketMeans(List<Double> values, int max) {
        int n = values.size();
        int m = Math.min(n, max);
        double[] xs = new double[m];
        double[] ys = new double[m];
        for (int b = 0; b < m; b++) {
            int from = (int) ((long) b * n / m);
            int to = (int) ((long) (b + 1) * n / m);
            double sum = 0;
            int k = 0;
            for (int i = from; i < to; i++) {
                double v = values.get(i);
                if (Double.isFinite(v)) {
                    sum += v;
                    k++;
                }
            }
            xs[b] = (from + 1 + to) / 2.0;
            ys[b] = k == 0 ? Double.NaN : sum / k;
        }
        return List.of(xs, ys);
    }

    private static List<String[]> provenance(AblationResult r) {
        return List.of(new String[]{"dataset snapshot", r.snapshotId()}, new String[]{"seed", Long.toString(r.seed())},
                new String[]{"code version", r.codeVersion()}, new String[]{"heads", String.join(", ", r.heads())});
    }

    private static List<String> header(AblationResult r) {
        List<String> h = new ArrayList<>(List.of("row", "selection"));
        for (String head : r.heads()) {
            h.add(head + " AUC");
            h.add(head + " GAUC");
            h.add(head + " HIT@3");
            h.add(head + " HIT@3 lift");
        }
        for (String head : r.heads()) {
            h.add(head + " HIT@3 (blend)");
        }
        return h;
    }

    private static List<List<String>> cells(AblationResult r) {
        List<List<String>> out = new ArrayList<>();
        for (AblationResult.RowResult row : r.rows()) {
            List<String> c = new ArrayList<>(List.of(row.name(), row.selectionRule().toLowerCase(Locale.ROOT)));
            for (String head : r.heads()) {
                HeadMetrics m = row.metrics().get(head);
                c.add(m == null ? "n/a (not evaluated)" : m.aucText());
                c.add(m == null ? "n/a (not evaluated)" : m.gaucText());
                c.add(m == null ? "n/a (not evaluated)" : m.hitAt3Text());
                Double lift = row.hitAt3Lift().get(head);
                c.add(lift == null || !Double.isFinite(lift) ? "n/a (" + (r.baselineRow() == null ? "no-sequence row not run" : "baseline HIT@3 undefined or 0") + ")"
                        : String.format(Locale.ROOT, "%+.2f%%", 100 * lift));
            }
            for (String head : r.heads()) {
                Double b = row.blendedHitAt3().get(head);
                c.add(b == null ? "n/a (not evaluated)" : io.longview.core.eval.HeadMetrics.text(b, "no request with a positive"));
            }
            out.add(c);
        }
        return out;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static String figure(String caption, String svg) {
        return "<figure>\n" + svg + "<figcaption>" + esc(caption) + "</figcaption>\n</figure>\n";
    }

    /**
     * An SVG line plot: {@code series} holds x then y arrays, one pair per name; non-finite points are skipped
     * (a series breaks there). A plot without finite points shows "no data".
     */
    static String svg(String xLabel, String yLabel, List<String> names, List<double[]> series) {
        int w = 460;
        int h = 260;
        int left = 56;
        int right = 130;
        int top = 12;
        int bottom = 36;
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < names.size(); s++) {
            double[] xs = series.get(2 * s);
            double[] ys = series.get(2 * s + 1);
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    x0 = Math.min(x0, xs[i]);
                    x1 = Math.max(x1, xs[i]);
                    y0 = Math.min(y0, ys[i]);
                    y1 = Math.max(y1, ys[i]);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                w, h, w, h));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
        int pw = w - left - right;
        int ph = h - top - bottom;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                left, top, pw, ph));
        if (!(x0 <= x1)) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">no data</text>%n",
                    left + pw / 2, top + ph / 2));
        } else {
            if (x1 == x0) {
                x0 -= 0.5;
                x1 += 0.5;
            }
            if (y1 == y0) {
                y0 -= 0.5;
                y1 += 0.5;
            }
            double pad = (y1 - y0) * 0.05;
            y0 -= pad;
            y1 += pad;
            for (int t = 0; t <= 4; t++) {                 // y ticks
                double v = y0 + (y1 - y0) * t / 4;
                double py = top + ph - (v - y0) / (y1 - y0) * ph;
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%s</text>%n",
                        left, py, left + pw, py, left - 4, py + 3, tick(v)));
            }
            for (int t = 0; t <= 4; t++) {                 // x ticks
                double v = x0 + (x1 - x0) * t / 4;
                double px = left + (v - x0) / (x1 - x0) * pw;
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        px, top + ph + 13, tick(v)));
            }
            for (int s = 0; s < names.size(); s++) {
                double[] xs = series.get(2 * s);
                double[] ys = series.get(2 * s + 1);
                String color = COLORS[s % COLORS.length];
                StringBuilder pts = new StringBuilder();
                int count = 0;
                for (int i = 0; i <= xs.length; i++) {
                    boolean ok = i < xs.length && Double.isFinite(xs[i]) && Double.isFinite(ys[i]);
                    if (ok) {
                        double px = left + (xs[i] - x0) / (x1 - x0) * pw;
                        double py = top + ph - (ys[i] - y0) / (y1 - y0) * ph;
                        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                        count++;
                    }
                    if (!ok && count > 0) {
                        if (count == 1) {
                            String[] p = pts.toString().trim().split(",");
                            sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>%n", p[0], p[1], color));
                        } else {
                            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                                    color, pts.toString().trim()));
                        }
                        pts.setLength(0);
                        count = 0;
                    }
                }
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                                + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                        left + pw + 8, top + 8 + 15 * s, left + pw + 22, top + 8 + 15 * s, color, left + pw + 26, top + 12 + 15 * s,
                        esc(names.get(s))));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n",
                left + pw / 2, h - 6, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>%n",
                top + ph / 2, top + ph / 2, esc(yLabel)));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        return a != 0 && (a >= 1e4 || a < 1e-2) ? String.format(Locale.ROOT, "%.2g", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** Escapes text for HTML/SVG content and attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
