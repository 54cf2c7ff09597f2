package io.longview.train.report;

import io.longview.core.eval.HeadMetrics;
import io.longview.train.ablation.AblationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendering of a synthetic ablation result: well-formed HTML with an SVG per plot, and the Markdown table. */
class AblationReportTest {
    @TempDir
    Path tmp;

    static AblationResult synthetic() {
        List<String> heads = List.of("click", "hide");
        List<AblationResult.RowResult> rows = new ArrayList<>();
        String[] names = {"no-sequence", "rt-only", "v2"};
        for (int r = 0; r < names.length; r++) {
            Map<String, HeadMetrics> m = new LinkedHashMap<>();
            m.put("click", new HeadMetrics(0.6 + 0.05 * r, 0.55 + 0.05 * r, 0.30 + 0.03 * r, 1000, 120, 200));
            m.put("hide", new HeadMetrics(r == 1 ? Double.NaN : 0.7, 0.6, 0.10 - 0.01 * r, 1000, 30, 200));
            Map<String, Double> lift = new LinkedHashMap<>();
            lift.put("click", (0.30 + 0.03 * r) / 0.30 - 1);
            lift.put("hide", Double.NaN);
            List<Double> loss = new ArrayList<>();
            for (int s = 0; s < 40; s++) {
                loss.add(r == 2 && s == 7 ? Double.NaN : 2.0 * Math.exp(-s / 15.0) + 0.3);
            }
            List<AblationResult.EvalPoint> history = List.of(new AblationResult.EvalPoint(20, m), new AblationResult.EvalPoint(40, m));
            rows.add(new AblationResult.RowResult(names[r], "label <" + r + "> & co", "NEAREST", "/x/examples", m, lift, loss,
                    history, 5000, 1.5, 3333.0, "/x/run/rows/" + names[r] + "/last.lvck", java.util.Map.of("click", 0.5, "hide", 0.25)));
        }
        return new AblationResult(7, "snap-123", "abc1234-dirty", List.of("budget: \"tiny\""), heads, "no-sequence", rows);
    }

    @Test
    void htmlIsWellFormedWithOneSvgPerPlot() throws Exception {
        AblationResult r = synthetic();
        String html = AblationReport.html(r);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(2 * r.rows().size());
        assertThat(doc.getElementsByTagName("tbody").item(0).getChildNodes().getLength()).isGreaterThanOrEqualTo(r.rows().size());
        int tableRows = 0;
        for (int i = 0; i < doc.getElementsByTagName("tr").getLength(); i++) {
            if (doc.getElementsByTagName("tr").item(i).getParentNode().getNodeName().equals("tbody")) {
                tableRows++;
            }
        }
        assertThat(tableRows).isEqualTo(3);
        assertThat(html).contains("<td>no-sequence</td>", "<td>rt-only</td>", "<td>v2</td>", "+20.00%", "snap-123",
                "abc1234-dirty", "label &lt;2&gt; &amp; co", "<polyline").doesNotContain("<script", "NaN");
    }

    @Test
    void markdownTableHasOneLinePerRow() {
        AblationResult r = synthetic();
        String table = AblationReport.markdownTable(r);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(2 + 3);
        assertThat(lines.get(0)).startsWith("| row | selection | click AUC | click GAUC | click HIT@3 | click HIT@3 lift | hide AUC");
        assertThat(lines.get(2)).startsWith("| no-sequence | nearest | 0.6000 | 0.5500 | 0.3000 | +0.00% | 0.7000");
        assertThat(lines.get(3)).contains("| n/a (").doesNotContain("NaN"); // an undefined metric says why
        assertThat(lines).allSatisfy(l -> assertThat(l.chars().filter(c -> c == '|').count()).isEqualTo(2 + 2 * 4 + 2 + 1));
        assertThat(lines.get(0)).endsWith("| click HIT@3 (blend) | hide HIT@3 (blend) |");
        assertThat(lines.get(2)).endsWith("| 0.5000 | 0.2500 |");
        String md = AblationReport.markdown(r);
        assertThat(md).contains("dataset snapshot: snap-123", "seed: 7", "code version: abc1234-dirty", "budget: \"tiny\"");
    }

    @Test
    void writesBothFilesAndPrintsTheTable() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AblationReport.write(synthetic(), tmp.resolve("run"), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(tmp.resolve("run/report.md")).isRegularFile();
        assertThat(Files.readString(tmp.resolve("run/report.html"))).contains("<svg");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| v2 | nearest |");
    }

    @Test
    void longLossCurvesAreBucketed() {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            v.add((double) (i % 5));
        }
        List<double[]> b = AblationReport.bucketMeans(v, 1000);
        assertThat(b.get(0)).hasSize(1000);
        assertThat(b.get(1)[0]).isEqualTo(0.5);                 // steps 1, 2 hold 0, 1
        assertThat(AblationReport.bucketMeans(List.of(1.0, 2.0), 1000).get(0)).containsExactly(1.0, 2.0);
    }

    @Test
    void emptySeriesSaysNoData() {
        String svg = AblationReport.svg("step", "loss", List.of("loss"), List.of(new double[0], new double[0]));
        assertThat(svg).contains("no data").startsWith("<svg");
    }

    /** {@link #synthetic()} with the click metrics of every row shifted by {@code shift} and another seed. */
    static AblationResult syntheticSeed(long seed, double shift, boolean hideAucDefined) {
        AblationResult base = synthetic();
        List<AblationResult.RowResult> rows = new ArrayList<>();
        for (AblationResult.RowResult row : base.rows()) {
            Map<String, HeadMetrics> m = new LinkedHashMap<>(row.metrics());
            HeadMetrics c = m.get("click");
            m.put("click", new HeadMetrics(c.auc() + shift, c.gauc(), c.hitAt3(), c.examples(), c.positives(), c.requests()));
            HeadMetrics h = m.get("hide");
            m.put("hide", new HeadMetrics(hideAucDefined ? h.auc() : Double.NaN, h.gauc(), h.hitAt3(), h.examples(), h.positives(), h.requests()));
            rows.add(new AblationResult.RowResult(row.name(), row.label(), row.selectionRule(), row.examplesDir(), m, row.hitAt3Lift(),
                    row.stepLoss(), row.history(), row.trainExamples(), row.seconds(), row.examplesPerSecond(), row.checkpoint(),
                    row.blendedHitAt3()));
        }
        return new AblationResult(seed, base.snapshotId(), base.codeVersion(), base.settings(), base.heads(), base.baselineRow(), rows);
    }

    @Test
    void meanAndSampleStdOverSeeds() {
        assertThat(AblationReport.meanStd(new double[]{0.6, 0.7}, "%.4f", "n/a")).isEqualTo("0.6500 ± 0.0707");
        assertThat(AblationReport.meanStd(new double[]{0.6, 0.6, 0.6}, "%.4f", "n/a")).isEqualTo("0.6000 ± 0.0000");
        assertThat(AblationReport.meanStd(new double[]{0.6, Double.NaN, 0.8}, "%.4f", "n/a")).isEqualTo("0.7000 ± 0.1414 (2 of 3 seeds)");
        assertThat(AblationReport.meanStd(new double[]{Double.NaN, 0.5}, "%.4f", "n/a")).isEqualTo("0.5000 (1 of 2 seeds)");
        assertThat(AblationReport.meanStd(new double[]{Double.NaN, Double.NaN}, "%.4f", "n/a (x)")).isEqualTo("n/a (x)");
        assertThat(AblationReport.meanStd(new double[]{10, 20}, "%+.2f%%", "n/a")).isEqualTo("+15.00% ± 7.07%");
    }

    @Test
    void seedsReportGivesMeanAndStdPerCellAndLinksEachSeed() throws Exception {
        List<AblationResult> results = List.of(syntheticSeed(1, 0.0, true), syntheticSeed(2, 0.1, false), syntheticSeed(3, 0.2, true));
        Path run = tmp.resolve("run");
        List<Path> seedDirs = List.of(run.resolve("seed-1"), run.resolve("seed-2"), run.resolve("seed-3"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AblationReport.write(results, seedDirs, run, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = AblationReport.markdownTable(results);
        // click AUC of no-sequence: 0.6, 0.7, 0.8 → 0.7000 ± 0.1000; hide AUC of rt-only undefined in every seed
        assertThat(table).contains("| no-sequence | nearest | 0.7000 ± 0.1000 |");
        assertThat(table).contains("n/a (undefined in every seed)");
        assertThat(table).contains("0.7000 ± 0.0000 (2 of 3 seeds)");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(table);
        String md = Files.readString(run.resolve("report.md"));
        assertThat(md).contains("3 seeds", "seed-2/report.md", "seeds: 1, 2, 3");
        for (Path d : seedDirs) {
            assertThat(d.resolve("report.md")).isRegularFile();
            assertThat(d.resolve("report.html")).isRegularFile();
        }
        String html = Files.readString(run.resolve("report.html"));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(results.get(0).rows().size());
        assertThat(html).contains("0.7000 ± 0.1000", "seed-3/report.html");
    }
}
