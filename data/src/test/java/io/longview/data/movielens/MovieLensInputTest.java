package io.longview.data.movielens;

import io.longview.data.io.SessionRule;
import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.data.io.ImportResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small hand-made MovieLens directories: the session rule, the catalog parser, and bad input. */
class MovieLensInputTest {
    static final long S = 1_400_000_000L; // epoch seconds

    @TempDir
    Path tmp;

    Path movielens(String ratings) throws IOException {
        Path dir = tmp.resolve("ml-test");
        Files.createDirectories(dir);
        StringBuilder movies = new StringBuilder("movieId,title,genres\n");
        for (int i = 1; i <= 30; i++) {
            movies.append(i).append(",\"Movie ").append(i).append(", The (1999)\",").append(i % 2 == 0 ? "Comedy|Drama" : "Action").append('\n');
        }
        movies.append("31,Untitled,(no genres listed)\n");
        Files.writeString(dir.resolve("movies.csv"), movies);
        Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n" + ratings);
        return dir;
    }

    @Test
    void sessionRuleCutsByGapDurationAndCount() {
        SessionRule rule = new SessionRule(30 * 60_000L, 3, 60 * 60_000L);
        long m = 60_000L;
        long[] ts = {0, 10 * m, 41 * m, 50 * m, 55 * m, 56 * m, 56 * m, 80 * m, 100 * m, 102 * m};
        // session A: 0, 10              (41 - 10 = 31 min > 30: new)
        // session B: 41, 50, 55         (3 ratings and 56 > 41: new)
        // session C: 56, 56, 80         (3 ratings and 100 > 56: new)
        // session D: 100, 102
        assertThat(rule.cut(ts, ts.length)).containsExactly(0, 2, 5, 8, 10);
        long[] same = {0, 0, 0, 0, 0, 5 * m};
        assertThat(rule.cut(same, same.length)).containsExactly(0, 5, 6);
        long[] longSession = {0, 25 * m, 50 * m, 61 * m};
        assertThat(new SessionRule(30 * 60_000L, 100, 60 * 60_000L).cut(longSession, 4)).containsExactly(0, 3, 4);
        assertThat(rule.labelWindowMs()).isEqualTo(60 * m);
    }

    @Test
    void smallImportMakesTheDocumentedRequests() throws IOException {
        // user 7: three ratings in one session, then one two hours later
        Path dir = movielens("7,3,4.5," + S + "\n7,1,3," + (S + 60) + "\n7,2,1," + (S + 60) + "\n7,4,5," + (S + 7200) + "\n"
                + "8,3,4," + (S + 100) + "\n");
        ImportResult r = MovieLensImporter.builder(dir, tmp.resolve("out")).seed(3).run();
        assertThat(r.manifest().name()).isEqualTo("ml-test");
        List<Event> ev = new ArrayList<>();
        try (var s = r.layout().openEvents()) {
            s.forEachRemaining(ev::add);
        }
        List<Event> user7 = ev.stream().filter(e -> e.userId() == 7).toList();
        long t = S * 1000;
        assertThat(user7.subList(0, 6)).allMatch(e -> e.action() == Actions.IMPRESSION && e.timestampMs() == t);
        assertThat(user7.subList(0, 6).stream().map(Event::itemId)).contains(1L, 2L, 3L).doesNotContain(4L);
        assertThat(user7.subList(6, 9)).containsExactly(Event.of(7, 3, t, Actions.SAVE, 0),
                Event.of(7, 1, t + 60_000, Actions.CLICK, 0), Event.of(7, 2, t + 60_000, Actions.HIDE, 0));
        assertThat(user7.subList(9, 11)).allMatch(e -> e.action() == Actions.IMPRESSION && e.timestampMs() == t + 7_200_000);
        assertThat(user7.get(11)).isEqualTo(Event.of(7, 4, t + 7_200_000, Actions.SAVE, 0));
        assertThat(user7).hasSize(12);
        assertThat(r.manifest().parameters()).containsEntry("requests", 3L);
        assertThat(r.layout().readItems().size()).isEqualTo(31);
    }

    private void assertBad(String ratings, String... fragments) throws IOException {
        Path dir = movielens(ratings);
        Path out = tmp.resolve("out-bad");
        assertThatThrownBy(() -> MovieLensImporter.builder(dir, out).run()).isInstanceOf(InputException.class)
                .hasMessageContainingAll(fragments);
        assertThat(out).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("ml-test");
        }
    }

    @Test
    void badRatingsAreReportedWithFileAndLine() throws IOException {
        String ok = "1,1,4," + S + "\n";
        assertBad(ok + "1,2,6," + S + "\n", "ratings.csv:3: ", "rating 6 out of range [0.5, 5]");
        assertBad(ok + "1,2,four," + S + "\n", "ratings.csv:3: ", "rating 'four' is not a number");
        assertBad(ok + "1,2,4," + S + "000\n", "ratings.csv:3: ", "timestamp " + S + "000 out of range", "looks like milliseconds");
        assertBad(ok + "1,99,4," + S + "\n", "ratings.csv:3: ", "movie 99 is not in movies.csv");
        assertBad(ok + "1,2,4\n", "ratings.csv:3: ", "row has 3 columns, expected 4");
        assertBad(ok + "2,2,4," + S + "\n1,3,4," + S + "\n", "ratings.csv:4: ", "not grouped by userId: user 1");
        assertBad(ok + "1,2,4," + S + "\n1,1,2," + (S + 5) + "\n", "ratings.csv:4: ", "user 1 rated movie 1 twice (lines 2 and 4)");
        assertBad("", "ratings.csv", "no ratings");
    }

    @Test
    void missingFilesAreExplained() throws IOException {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        assertThatThrownBy(() -> MovieLensImporter.builder(dir, tmp.resolve("o")).run()).isInstanceOf(InputException.class)
                .hasMessageContainingAll("ratings.csv", "no such file", "ratings.dat");
        assertThatThrownBy(() -> MovieLensImporter.builder(tmp.resolve("nope"), tmp.resolve("o")).run()).isInstanceOf(InputException.class)
                .hasMessageContaining("no such directory");
    }

    /** ml-1m and ml-10m: '::'-separated .dat files without a header; ml-1m's movies.dat is ISO-8859-1. */
    @Test
    void datFormatsImportLikeTheCsvOnes() throws IOException {
        Path dat = tmp.resolve("ml-1m");
        Path csv = tmp.resolve("ml-csv");
        Files.createDirectories(dat);
        Files.createDirectories(csv);
        StringBuilder ratingsDat = new StringBuilder();
        StringBuilder ratingsCsv = new StringBuilder("userId,movieId,rating,timestamp\n");
        StringBuilder moviesCsv = new StringBuilder("movieId,title,genres\n");
        java.io.ByteArrayOutputStream moviesDat = new java.io.ByteArrayOutputStream();
        for (int m = 1; m <= 40; m++) {
            String title = m == 7 ? "Mis\u00e9rables, Les (1995)" : "Movie " + m + " (1999)";
            moviesDat.writeBytes((m + "::" + title + "::Drama|Comedy\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            moviesCsv.append(m).append(",\"").append(title).append("\",Drama|Comedy\n");
        }
        for (int u = 1; u <= 6; u++) {
            for (int k = 0; k < 8; k++) {
                int movie = 1 + (u * 7 + k * 3) % 40;
                long t = S + u * 100_000L + k * 60;
                int rating = 1 + (u + k) % 5;
                ratingsDat.append(u).append("::").append(movie).append("::").append(rating).append("::").append(t).append('\n');
                ratingsCsv.append(u).append(',').append(movie).append(',').append(rating).append(',').append(t).append('\n');
            }
        }
        Files.writeString(dat.resolve("ratings.dat"), ratingsDat);
        Files.write(dat.resolve("movies.dat"), moviesDat.toByteArray());
        Files.writeString(csv.resolve("ratings.csv"), ratingsCsv);
        Files.writeString(csv.resolve("movies.csv"), moviesCsv);

        MovieCatalog catalog = MovieCatalog.read(dat.resolve("movies.dat"));
        assertThat(catalog.title(7)).isEqualTo("Mis\u00e9rables, Les (1995)");
        assertThat(catalog.genres(7)).containsExactly("Drama", "Comedy");
        ImportResult fromDat = MovieLensImporter.builder(dat, tmp.resolve("out-dat")).seed(3).run();
        ImportResult fromCsv = MovieLensImporter.builder(csv, tmp.resolve("out-csv")).seed(3).run();
        assertThat(Files.readAllLines(fromDat.layout().events())).isEqualTo(Files.readAllLines(fromCsv.layout().events()));
        assertThat(fromDat.manifest().users()).isEqualTo(6);

        Files.writeString(dat.resolve("ratings.dat"), "1::2::4::" + S + "\n1::3::4\n");
        assertThatThrownBy(() -> MovieLensImporter.builder(dat, tmp.resolve("bad")).run()).isInstanceOf(InputException.class)
                .hasMessageContainingAll("ratings.dat:2: ", "expected 4 fields separated by '::'");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    @Test
    void catalogReadsQuotedTitlesAndGenres() throws IOException {
        Path dir = movielens("");
        MovieCatalog c = MovieCatalog.read(dir.resolve("movies.csv"));
        assertThat(c.size()).isEqualTo(31);
        assertThat(c.title(2)).isEqualTo("Movie 2, The (1999)");
        assertThat(c.genres(2)).containsExactly("Comedy", "Drama");
        assertThat(c.genres(31)).isEmpty();
        Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,A,Drama\n1,B,Drama\n");
        assertThatThrownBy(() -> MovieCatalog.read(dir.resolve("movies.csv"))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("movies.csv:3: ", "duplicate movieId 1, first given on line 2");
        Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,\"A \"\"quoted\"\", title\",Drama\n");
        assertThat(MovieCatalog.read(dir.resolve("movies.csv")).title(1)).isEqualTo("A \"quoted\", title");
    }
}
