package io.longview.train.ablation;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.NalConfig;
import io.longview.core.checkpoint.NalNegatives;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;

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
 *   <tr><td>{@code no-sequence}</td><td>none ({@code sequence false})</td><td>off</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-only}</td><td>RT (TransAct V1 shape)</td><td>off</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-nal-inbatch}</td><td>RT</td><td>in-batch</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code rt-nal-imp}</td><td>RT</td><td>impressions</td><td>nearest (unused)</td></tr>
 *   <tr><td>{@code v2}</td><td>LL + RT + imp (all of S_all)</td><td>impressions</td><td>nearest</td></tr>
 *   <tr><td>{@code ll-random}</td><td>all</td><td>impressions</td><td>random</td></tr>
 *   <tr><td>{@code ll-most-recent}</td><td>all</td><td>impressions</td><td>most recent</td></tr>
 * </table>
 *
 * <p>Choices the design leaves open: the V2 row keeps every part of S_all (DESIGN §2 selects S_imp tokens too); the
 * RT rows give LL and imp a budget of 0 and drop their tokens at batch time ({@link ModelConfig#reads}), so they read the same nearest-neighbour
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

    /**
     * The seven rows of DESIGN §5 on {@code base}: its sizes, heads, head weights, and the NAL weight and number of
     * negatives of its {@link NalConfig} when the row trains the loss; the sequence parts and the NAL source are the
     * row's.
     */
    public static List<AblationRow> rows(ModelConfig base) {
        Set<SequencePart> all = EnumSet.allOf(SequencePart.class);
        Set<SequencePart> rt = EnumSet.of(SequencePart.REALTIME);
        NalConfig nal = base.nal().enabled() ? base.nal() : NalConfig.DEFAULT;
        NalConfig inBatch = new NalConfig(nal.weight(), NalNegatives.IN_BATCH, nal.maxNegatives());
        NalConfig imp = new NalConfig(nal.weight(), NalNegatives.IMPRESSIONS, nal.maxNegatives());
        List<AblationRow> rows = new ArrayList<>();
        rows.add(row(NO_SEQUENCE, "no-sequence", base, false, all, NalConfig.OFF, SelectionRule.NEAREST));
        rows.add(row(RT_ONLY, "RT only (V1 shape)", base, true, rt, NalConfig.OFF, SelectionRule.NEAREST));
        rows.add(row(RT_NAL_IN_BATCH, "RT + NAL (in-batch)", base, true, rt, inBatch, SelectionRule.NEAREST));
        rows.add(row(RT_NAL_IMPRESSIONS, "RT + NAL (impressions)", base, true, rt, imp, SelectionRule.NEAREST));
        rows.add(row(V2, "RT + LL + NAL (impressions) = V2", base, true, all, imp, SelectionRule.NEAREST));
        rows.add(row(LL_RANDOM, "LL random selection", base, true, all, imp, SelectionRule.RANDOM));
        rows.add(row(LL_MOST_RECENT, "LL most-recent selection", base, true, all, imp, SelectionRule.MOST_RECENT));
        return List.copyOf(rows);
    }

    private static AblationRow row(String name, String label, ModelConfig base, boolean sequence, Set<SequencePart> parts,
                                   NalConfig nal, SelectionRule rule) {
        SelectionConfig s = base.selection().keeping(parts);
        SelectionConfig withRule = new SelectionConfig(s.kLifelong(), s.recent(), s.kRealtime(), s.kImpressions(), rule);
        return new AblationRow(name, label, base.toBuilder().sequence(sequence).selection(withRule).nal(nal).build(), rule);
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
}
