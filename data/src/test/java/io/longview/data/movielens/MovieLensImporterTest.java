package io.longview.data.movielens;

import io.longview.data.io.SessionRule;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Surfaces;
import io.longview.core.testing.TestData;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.ImportResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The MovieLens adapter on the test sample of ml-latest-small (9,197 ratings of users 1–60, the 3,567 movies they
 * rated; counts from the files, see {@code movielens-sample/SAMPLE.md}). */
class MovieLensImporterTest {
    static final long SEED = 42;

    @TempDir
    static Path tmp;

    static ImportResult result;
    static List<Event> events;

    @BeforeAll
    static void importSample() {
        result = MovieLensImporter.builder(TestData.movielensSample(), tmp.resolve("ml")).seed(SEED).run();
        events = new ArrayList<>();
        try (var s = result.layout().openEvents()) {
            s.forEachRemaining(events::add);
        }
    }

    @Test
    void everyRatingBecomesOneExplicitEvent() {
        long explicit = events.stream().filter(e -> Actions.isExplicit(e.action())).count();
        assertThat(explicit).isEqualTo(9_197);
        DatasetManifest m = result.manifest();
        assertThat(m.users()).isEqualTo(60);
        assertThat(m.events()).isEqualTo(events.size());
        assertThat(m.items()).isEqualTo(3_567); // every movie of movies.csv
        assertThat(m.parameters()).containsEntry("explicitEvents", 9_197L);
        assertThat(events).allMatch(e -> e.surface() == Surfaces.HOME);
    }

    @Test
    void knownRowsAreMapped() {
        // ratings.csv: 1,31,2.5,1260759144 / 1,1029,3,1260759179 / 1,1129,2,1260759185 / 1,1172,4,1260759205
        assertThat(events).contains(
                Event.of(1, 31, 1_260_759_144_000L, Actions.HIDE, 0),
                Event.of(1, 1029, 1_260_759_179_000L, Actions.CLICK, 0),
                Event.of(1, 1129, 1_260_759_185_000L, Actions.HIDE, 0),
                Event.of(1, 1172, 1_260_759_205_000L, Actions.SAVE, 0));
        assertThat(RatingMapping.action(5)).isEqualTo(Actions.SAVE);
        assertThat(RatingMapping.action(4)).isEqualTo(Actions.SAVE);
        assertThat(RatingMapping.action(3.5)).isEqualTo(Actions.CLICK);
        assertThat(RatingMapping.action(3)).isEqualTo(Actions.CLICK);
        assertThat(RatingMapping.action(2.5)).isEqualTo(Actions.HIDE);
        assertThat(RatingMapping.action(0.5)).isEqualTo(Actions.HIDE);
    }

    /** Requests reconstructed the way the example builder does: a user's impressions with one timestamp. */
    @Test
    void requestsFollowTheOneToOneRule() {
        long window = ((Number) result.manifest().parameters().get("labelWindowMs")).longValue();
        assertThat(window).isEqualTo(SessionRule.DEFAULT.maxDurationMs());
        Map<Long, TreeMap<Long, List<Long>>> requests = new HashMap<>(); // user → t → candidates
        Map<Long, Map<Long, Long>> ratedAt = new HashMap<>();            // user → item → rating time
        Map<Long, Set<Long>> ratedBy = new HashMap<>();
        for (Event e : events) {
            if (e.action() == Actions.IMPRESSION) {
                requests.computeIfAbsent(e.userId(), u -> new TreeMap<>()).computeIfAbsent(e.timestampMs(), t -> new ArrayList<>()).add(e.itemId());
            } else {
                assertThat(ratedAt.computeIfAbsent(e.userId(), u -> new HashMap<>()).put(e.itemId(), e.timestampMs())).isNull();
                ratedBy.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(e.itemId());
            }
        }
        long nRequests = 0;
        long coveredRatings = 0;
        List<String> problems = new ArrayList<>();
        for (var byUser : requests.entrySet()) {
            long user = byUser.getKey();
            for (var req : byUser.getValue().entrySet()) {
                long t = req.getKey();
                List<Long> cands = req.getValue();
                if (new HashSet<>(cands).size() != cands.size()) {
                    problems.add("user " + user + " request " + t + ": repeated candidates");
                }
                int rated = 0;
                for (int i = 0; i < cands.size(); i++) {
                    long c = cands.get(i);
                    if (i > 0 && c < cands.get(i - 1)) {
                        problems.add("user " + user + " request " + t + ": candidates not in ascending id");
                    }
                    Long rt = ratedAt.get(user).get(c);
                    if (rt != null && rt >= t && rt < t + window) {
                        rated++;
                    } else if (ratedBy.get(user).contains(c)) {
                        problems.add("user " + user + " request " + t + ": sampled item " + c + " was rated by the user");
                    }
                }
                if (rated == 0 || cands.size() != 2 * rated) {
                    problems.add("user " + user + " request " + t + ": " + cands.size() + " candidates, " + rated + " rated");
                }
                coveredRatings += rated;
                nRequests++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(coveredRatings).as("every rating is a candidate of exactly one request").isEqualTo(9_197);
        assertThat(nRequests).isEqualTo(((Number) result.manifest().parameters().get("requests")).longValue());
        assertThat(events.stream().filter(e -> e.action() == Actions.IMPRESSION).count()).isEqualTo(2 * 9_197);
    }

    @Test
    void splitIsTheEightyPercentTimeQuantile() {
        long[] ts = events.stream().mapToLong(Event::timestampMs).sorted().toArray();
        assertThat(result.manifest().splitTimeMs()).isEqualTo(ts[(int) (0.8 * ts.length)]);
        assertThat(result.manifest().firstTimestampMs()).isEqualTo(ts[0]);
        assertThat(result.manifest().lastTimestampMs()).isEqualTo(ts[ts.length - 1]);
    }

    @Test
    void everyItemInTheEventsHasAnEmbeddingAndTheFallbackIsCounted() {
        InMemoryItemEmbeddings items = result.layout().readItems();
        assertThat(events.stream().mapToLong(Event::itemId).distinct().filter(id -> !items.contains(id))).isEmpty();
        Map<String, Object> p = result.manifest().parameters();
        long learned = ((Number) p.get("embeddingLearnedItems")).longValue();
        long fallback = ((Number) p.get("embeddingFallbackItems")).longValue();
        assertThat(learned + fallback).isEqualTo(3_567);
        assertThat(fallback).isPositive();
        assertThat(((Number) p.get("embeddingFallbackByGenre")).longValue()).isPositive();
        assertThat(result.manifest().embeddings()).contains("implicit-als", "fallback");
        assertThat(((Number) p.get("embeddingClippedFraction")).doubleValue()).isLessThan(0.05);
    }

    @Test
    void deterministicForASeed() {
        ImportResult same = MovieLensImporter.builder(TestData.movielensSample(), tmp.resolve("ml-again")).seed(SEED).run();
        assertThat(same.manifest().snapshotId()).isEqualTo(result.manifest().snapshotId());
        assertThat(same.manifest().splitTimeMs()).isEqualTo(result.manifest().splitTimeMs());
        ImportResult other = MovieLensImporter.builder(TestData.movielensSample(), tmp.resolve("ml-other")).seed(SEED + 1)
                .negativeRatio(2).embedding(io.longview.data.embed.AlsConfig.defaults(SEED + 1).withIterations(2)).run();
        assertThat(other.manifest().snapshotId()).isNotEqualTo(result.manifest().snapshotId());
        assertThat(other.manifest().events()).isEqualTo(9_197 + 3L * 9_197);
        assertThat(result.manifest().snapshotId())
                .isEqualTo(DatasetManifest.snapshotId(result.layout().events(), result.layout().items()));
        assertThat(new DatasetLayout(result.dir()).readManifest().seed()).isEqualTo(SEED);
    }
}
