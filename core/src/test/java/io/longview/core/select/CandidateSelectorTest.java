package io.longview.core.select;

import io.longview.core.model.Actions;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selector against a brute-force statement of DESIGN §2, on seeded random sequences. */
class CandidateSelectorTest {
    private static final int D = Token.EMBEDDING_DIM;

    /** Random newest-first tokens; few distinct embeddings and coarse timestamps so ties are frequent. */
    static TokenSequence randomSequence(SplittableRandom rng, int n, long newest, boolean explicit, byte[][] palette) {
        List<Token> list = new ArrayList<>();
        long ts = newest;
        for (int i = 0; i < n; i++) {
            ts -= rng.nextInt(3) * 1000L; // equal timestamps a third of the time
            byte[] q = rng.nextInt(4) == 0 ? palette[rng.nextInt(palette.length)] : randomQ(rng);
            list.add(new Token(ts, explicit ? Actions.CLICK : Actions.IMPRESSION, (byte) rng.nextInt(4), rng.nextLong(1, 1_000), q));
        }
        return TokenSequence.of(list);
    }

    static byte[] randomQ(SplittableRandom rng) {
        byte[] q = new byte[D];
        if (rng.nextInt(50) == 0) {
            return q; // a zero vector now and then
        }
        for (int d = 0; d < D; d++) {
            q[d] = (byte) (rng.nextInt(255) - 127);
        }
        return q;
    }

    /** Brute force: score every token in double, sort by (-score, -ts, index), take k. */
    static List<int[]> nearestBrute(TokenSequence s, int from, float[] c, int k, int part) {
        List<int[]> all = new ArrayList<>();
        for (int i = from; i < s.size(); i++) {
            all.add(new int[]{part, i});
        }
        Comparator<int[]> order = Comparator.<int[]>comparingDouble(e -> -cosine(s, e[1], c))
                .thenComparingLong(e -> -s.timestamp(e[1])).thenComparingInt(e -> e[1]);
        all.sort(order);
        return new ArrayList<>(all.subList(0, Math.min(k, all.size())));
    }

    static double cosine(TokenSequence s, int i, float[] c) {
        double dot = 0;
        double norm = 0;
        for (int d = 0; d < D; d++) {
            dot += s.embedding(i, d) * (double) c[d];
            norm += s.embedding(i, d) * (double) s.embedding(i, d);
        }
        // the selector rounds the unit vector and the product to float; compare at that precision
        return norm == 0 ? 0 : (float) (dot / Math.sqrt(norm));
    }

    static List<String> bruteForce(UserSequences u, float[] c, SelectionConfig cfg) {
        List<int[]> chosen = new ArrayList<>(nearestBrute(u.lifelong(), 0, c, cfg.kLifelong(), 0));
        int r = Math.min(cfg.recent(), u.realtime().size());
        for (int i = 0; i < r; i++) {
            chosen.add(new int[]{1, i});
        }
        chosen.addAll(nearestBrute(u.realtime(), r, c, cfg.kRealtime(), 1));
        chosen.addAll(nearestBrute(u.impressions(), 0, c, cfg.kImpressions(), 2));
        chosen.sort(Comparator.<int[]>comparingLong(e -> Selection.sequenceOf(u, e[0]).timestamp(e[1]))
                .thenComparingInt(e -> e[0]).thenComparingInt(e -> -e[1]));
        return chosen.stream().map(e -> SequencePart.ofCode(e[0]).shortName() + ":" + e[1]).toList();
    }

    static List<String> asStrings(Selection s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.part(i).shortName() + ":" + s.index(i));
        }
        return out;
    }

    @ParameterizedTest(name = "ll={0} rt={1} imp={2}")
    @CsvSource({"0,0,0", "0,5,0", "3,0,2", "96,64,32", "97,65,33", "500,100,100", "2000,100,7", "5,31,0", "5,33,1"})
    void matchesBruteForce(int nLl, int nRt, int nImp) {
        long seed = Seeds.seed(1_000L * nLl + 10L * nRt + nImp);
        SplittableRandom rng = Seeds.random(seed);
        byte[][] palette = {randomQ(rng), randomQ(rng), randomQ(rng)};
        CandidateSelector selector = new CandidateSelector(SelectionConfig.DEFAULT);
        Selection out = selector.newSelection();
        for (int trial = 0; trial < 20; trial++) {
            long now = 1_800_000_000_000L;
            TokenSequence rt = randomSequence(rng, nRt, now, true, palette);
            long llNewest = rt.isEmpty() ? now : rt.timestamp(rt.size() - 1);
            UserSequences u = new UserSequences(1, rt, randomSequence(rng, nLl, llNewest, true, palette),
                    randomSequence(rng, nImp, now, false, palette));
            float[] c = new float[D];
            for (int d = 0; d < D; d++) {
                c[d] = (float) rng.nextGaussian() * 0.3f;
            }
            selector.select(PreparedHistory.of(u), c, trial, out);
            assertThat(asStrings(out)).as("seed %d trial %d", seed, trial).containsExactlyElementsOf(bruteForce(u, c, SelectionConfig.DEFAULT));
            assertThat(out.size()).isLessThanOrEqualTo(192);
        }
    }

    @Test
    void mostRecentAndRandomRulesKeepTheBudgetAndAreReproducible() {
        SplittableRandom rng = Seeds.random(Seeds.seed(3));
        byte[][] palette = {randomQ(rng)};
        UserSequences u = new UserSequences(1, randomSequence(rng, 40, 2_000_000_000_000L, true, palette),
                randomSequence(rng, 1_000, 1_000_000_000_000L, true, palette), TokenSequence.empty());
        float[] c = new float[D];
        c[0] = 1;
        PreparedHistory h = PreparedHistory.of(u);

        CandidateSelector recent = new CandidateSelector(new SelectionConfig(96, 32, 32, 32, SelectionRule.MOST_RECENT));
        Selection s = recent.newSelection();
        recent.select(h, c, 0, s);
        Set<Integer> ll = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            if (s.part(i) == SequencePart.LIFELONG) {
                ll.add(s.index(i));
            }
        }
        assertThat(ll).hasSize(96).allMatch(i -> i < 96);

        CandidateSelector random = new CandidateSelector(new SelectionConfig(96, 32, 32, 32, SelectionRule.RANDOM));
        Selection a = random.newSelection();
        Selection b = random.newSelection();
        random.select(h, c, 42, a);
        random.select(h, c, 42, b);
        assertThat(asStrings(a)).isEqualTo(asStrings(b));
        random.select(h, c, 43, b);
        assertThat(asStrings(a)).isNotEqualTo(asStrings(b));
        assertThat(asStrings(a).stream().filter(x -> x.startsWith("ll:")).distinct().count()).isEqualTo(96);
    }

    @Test
    void aZeroBudgetSwitchesAPartOff() {
        SplittableRandom rng = Seeds.random(Seeds.seed(4));
        byte[][] palette = {randomQ(rng)};
        UserSequences u = new UserSequences(1, randomSequence(rng, 100, 2_000_000_000_000L, true, palette),
                randomSequence(rng, 300, 1_000_000_000_000L, true, palette), randomSequence(rng, 100, 2_000_000_000_000L, false, palette));
        CandidateSelector v1 = new CandidateSelector(SelectionConfig.REALTIME_ONLY);
        Selection s = v1.newSelection();
        v1.select(PreparedHistory.of(u), new float[D], 0, s);
        assertThat(s.size()).isEqualTo(64);
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.part(i)).isEqualTo(SequencePart.REALTIME);
        }
    }

    @Test
    void rejectsABadCandidate() {
        CandidateSelector selector = new CandidateSelector(SelectionConfig.DEFAULT);
        PreparedHistory h = PreparedHistory.of(UserSequences.empty(1));
        assertThatThrownBy(() -> selector.select(h, new float[31], 0, selector.newSelection()))
                .hasMessageContaining("31 values, expected 32");
        float[] nan = new float[D];
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> selector.select(h, nan, 0, selector.newSelection())).hasMessageContaining("value 3 is NaN");
    }
}
