package io.longview.train.ablation;

import io.longview.core.eval.HeadMetrics;

import java.util.List;
import java.util.Map;

/**
 * What an ablation run measured: per row and head the final evaluation metrics and the HIT@3 lift over the
 * no-sequence row (DESIGN §5), plus each row's training-loss curve and evaluation history for the reports.
 *
 * @param seed         the seed every row used (model initialization and example order)
 * @param snapshotId   the dataset snapshot id recorded in the example files
 * @param codeVersion  the code that ran (e.g. {@code git describe}), {@code unknown} if not given
 * @param settings     the budget and other settings, one line each, for the reports
 * @param heads        the heads, in model order
 * @param baselineRow  the row lifts are relative to ({@link AblationLadder#NO_SEQUENCE}), or null when not run
 * @param rows         one result per row, in ladder order
 */
public record AblationResult(long seed, String snapshotId, String codeVersion, List<String> settings, List<String> heads,
                             String baselineRow, List<RowResult> rows) {
    public AblationResult {
        settings = List.copyOf(settings);
        heads = List.copyOf(heads);
        rows = List.copyOf(rows);
    }

    /**
     * One row's outcome.
     *
     * @param name          the row's id
     * @param label         the row's title
     * @param selectionRule the S_LL rule of its example files
     * @param examplesDir   the example directory it trained and evaluated on
     * @param metrics       final evaluation metrics by head
     * @param hitAt3Lift    HIT@3 lift over the baseline row by head ({@code 0.1331} = +13.31%; NaN without baseline)
     * @param stepLoss      training loss of every optimizer step
     * @param history       evaluations during training
     * @param trainExamples examples in the training set (after the budget cap)
     * @param seconds       wall time of training plus evaluation
     * @param examplesPerSecond training throughput (examples over the training loop's wall time, evaluations included)
     * @param checkpoint    the row's serving checkpoint file ({@code last.lvck}, or {@code best.lvck} after early stopping)
     * @param blendedHitAt3 per head, HIT@3 of its labels when requests are ranked by the blended score
     *                      ({@link AblationRunner#BLEND_WEIGHTS}): the paper's reading of hide HIT@3 (hidden items in
     *                      the top 3 of the final ranking; lower is better)
     */
    public record RowResult(String name, String label, String selectionRule, String examplesDir, Map<String, HeadMetrics> metrics,
                            Map<String, Double> hitAt3Lift, List<Double> stepLoss, List<EvalPoint> history, long trainExamples,
                            double seconds, double examplesPerSecond, String checkpoint, Map<String, Double> blendedHitAt3) {
        public RowResult {
            blendedHitAt3 = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(blendedHitAt3));
            metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
            hitAt3Lift = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hitAt3Lift));
            stepLoss = List.copyOf(stepLoss);
            history = List.copyOf(history);
        }
    }

    /**
     * One evaluation during training.
     *
     * @param step    optimizer steps taken before it
     * @param metrics metrics by head
     */
    public record EvalPoint(int step, Map<String, HeadMetrics> metrics) {
        public EvalPoint {
            metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        }
    }
}
