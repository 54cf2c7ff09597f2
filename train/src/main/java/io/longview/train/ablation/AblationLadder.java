package io.longview.train.ablation;

import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;
import io.longview.train.LossConfig;
import io.longview.train.ModelConfig;
import io.longview.train.NalMode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ablation ladder of DESIGN §5 as data, all rows sharing one base {@link ModelConfig} (sizes, heads):
 *
 * <table>
 *   <caption>rows</caption>
 *   <tr><th>name</th><th>sequence parts</th><th>NAL</th><th>S_LL selection</th></tr>
 *   <tr><td>{@code no-sequence}</td><td>none ({@code useSequence false})</td><td>off</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-only}</td><td>RT (TransAct V1 shape)</td><td>off</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-nal-inbatch}</td><td>RT</td><td>in-batch</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-nal-imp}</td><td>RT</td><td>impressions</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code v2}</td><td>LL + RT + imp (all of S_all)</td><td>impressions</td><td>nearest</td></tr>
 *   <tr><td>{@code ll-random}</td><td>all</td><td>impressions</td><td>random</td></tr>
 *   <tr><td>{@code ll-most-recent}</td><td>all</td><td>impressions</td><td>most recent</td></tr>
 * </table>
 *
 * <p>Choices the design leaves open: the V2 row keeps every part of S_all (DESIGN §2 selects S_imp tokens too); the
 * RT rows drop LL and imp tokens at batch time ({@link ModelConfig#parts}), so they read the same nearest-neighbour
 * example files as V2. The random/most-recent rows differ from V2 only in the example files (built with that
 * {@link SelectionRule}, same budgets).
 */
public final class AblationLadder {
    public static final String NO_SEQUENCE = "no-sequence";
    public static final String RT_ONLY = "rt-only";
    public static final String RT_NAL_IN_BATCH = "rt-nal-inbatch";
    public static final String RT_NAL_IMPRESSIONS = "rt-nal-imp";
    public static final String V2 = "v2";
    public static final String LL_RANDOM = "ll-random";
    public static final String LL_MOST_RECENT = "ll-most-recent";

    private AblationLadder() {
    }

    /** The seven rows of DESIGN §5 on {@link ModelConfig#DEFAULT}. */
    public static List<AblationRow> rows() {
        return rows(ModelConfig.DEFAULT);
    }

    /** The seven rows of DESIGN §5 on {@code base} (its sizes and heads; sequence settings are the row's). */
    public static List<AblationRow> rows(ModelConfig base) {
        Set<SequencePart> all = EnumSet.allOf(SequencePart.class);
        Set<SequencePart> rt = EnumSet.of(SequencePart.REALTIME);
        int h = base.heads().size();
        LossConfig off = loss(h, NalMode.OFF);
        LossConfig inBatch = loss(h, NalMode.IN_BATCH);
        LossConfig imp = loss(h, NalMode.IMPRESSIONS);
        List<AblationRow> rows = new ArrayList<>();
        rows.add(new AblationRow(NO_SEQUENCE, "no-sequence", base.withSequence(false, all), off, SelectionRule.NEAREST));
        rows.add(new AblationRow(RT_ONLY, "RT only (V1 shape)", base.withSequence(true, rt), off, SelectionRule.NEAREST));
        rows.add(new AblationRow(RT_NAL_IN_BATCH, "RT + NAL (in-batch)", base.withSequence(true, rt), inBatch, SelectionRule.NEAREST));
        rows.add(new AblationRow(RT_NAL_IMPRESSIONS, "RT + NAL (impressions)", base.withSequence(true, rt), imp, SelectionRule.NEAREST));
        rows.add(new AblationRow(V2, "RT + LL + NAL (impressions) = V2", base.withSequence(true, all), imp, SelectionRule.NEAREST));
        rows.add(new AblationRow(LL_RANDOM, "LL random selection", base.withSequence(true, all), imp, SelectionRule.RANDOM));
        rows.add(new AblationRow(LL_MOST_RECENT, "LL most-recent selection", base.withSequence(true, all), imp, SelectionRule.MOST_RECENT));
        return List.copyOf(rows);
    }

    /** The rows of {@link #rows(ModelConfig)} with these names, in ladder order. */
    public static List<AblationRow> select(ModelConfig base, String... names) {
        List<String> wanted = List.of(names);
        List<AblationRow> out = new ArrayList<>();
        for (AblationRow r : rows(base)) {
            if (wanted.contains(r.name())) {
                out.add(r);
            }
        }
        if (out.size() != wanted.size()) {
            throw new IllegalArgumentException("unknown ablation row in " + wanted + "; rows are " + rows(base).stream().map(AblationRow::name).toList());
        }
        return List.copyOf(out);
    }

    private static LossConfig loss(int heads, NalMode mode) {
        LossConfig d = LossConfig.defaults(heads);
        return new LossConfig(d.headWeights(), mode == NalMode.OFF ? 0 : d.nalWeight(), mode, d.maxNegatives());
    }
}
