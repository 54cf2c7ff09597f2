package io.longview.data.movielens;

import io.longview.core.io.InputException;
import io.longview.data.io.CsvRecordReader;
import io.longview.data.io.TextLineReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The movies of a MovieLens {@code movies.csv} ({@code movieId,title,genres}; titles may be quoted and hold commas;
 * genres separated by {@code |}, {@code (no genres listed)} meaning none), or a {@code movies.dat}
 * ({@code MovieID::Title::Genres} without a header, ml-1m and ml-10m; ml-1m's is ISO-8859-1, read as such). Used for the negative-sampling universe
 * and for the genre fallback of items without learned embeddings.
 */
public final class MovieCatalog {
    /** The header of {@code movies.csv}. */
    public static final List<String> COLUMNS = List.of("movieId", "title", "genres");
    /** What MovieLens writes for a movie without genres. */
    public static final String NO_GENRES = "(no genres listed)";

    private final long[] ids;                 // ascending
    private final List<List<String>> genres;  // by index into ids
    private final String[] titles;            // by index into ids

    private MovieCatalog(long[] ids, List<List<String>> genres, String[] titles) {
        this.ids = ids;
        this.genres = genres;
        this.titles = titles;
    }

    /**
     * Reads {@code movies.csv}.
     *
     * @throws InputException for a missing file, a wrong header, a bad or duplicate movieId, or no movies
     */
    public static MovieCatalog read(Path file) {
        record Row(long id, String title, List<String> genres) {
        }
        List<Row> rows = new ArrayList<>();
        Map<Long, Long> lineOf = new HashMap<>();
        if (RatingsReader.isDat(file)) {
            try (TextLineReader in = new TextLineReader(file, true)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] f = RatingsReader.datFields(in, line, 3, "MovieID::Title::Genres");
                    long id;
                    try {
                        id = Long.parseLong(f[0].trim());
                    } catch (NumberFormatException e) {
                        throw in.error("movieId '" + f[0] + "' is not an integer");
                    }
                    Long prev = lineOf.putIfAbsent(id, in.line());
                    if (prev != null) {
                        throw in.error("duplicate movieId " + id + ", first given on line " + prev);
                    }
                    rows.add(new Row(id, f[1], genres(f[2].trim())));
                }
            }
        } else try (CsvRecordReader csv = CsvRecordReader.open(file, "a MovieLens movies.csv with header movieId,title,genres")) {
            csv.requireHeader(COLUMNS);
            while (csv.next()) {
                csv.requireFieldCount(COLUMNS.size());
                long id = csv.longField(0, "movieId");
                Long prev = lineOf.putIfAbsent(id, csv.line());
                if (prev != null) {
                    throw csv.error("duplicate movieId " + id + ", first given on line " + prev);
                }
                rows.add(new Row(id, csv.field(1), genres(csv.field(2))));
            }
        }
        if (rows.isEmpty()) {
            throw new InputException(file, 0, "no movies: the file has no rows after its header");
        }
        rows.sort((a, b) -> Long.compare(a.id, b.id));
        long[] ids = new long[rows.size()];
        List<List<String>> genres = new ArrayList<>(rows.size());
        String[] titles = new String[rows.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i).id;
            genres.add(rows.get(i).genres);
            titles[i] = rows.get(i).title;
        }
        return new MovieCatalog(ids, genres, titles);
    }

    private static List<String> genres(String g) {
        return g.isEmpty() || g.equals(NO_GENRES) ? List.of() : List.of(g.split("\\|"));
    }

    /** Number of movies. */
    public int size() {
        return ids.length;
    }

    /** The movie id at index {@code i} (ascending order). */
    public long id(int i) {
        return ids[i];
    }

    /** All movie ids, ascending. */
    public long[] ids() {
        return ids.clone();
    }

    /** The index of a movie, or a negative number when it is not in the catalog. */
    public int indexOf(long movieId) {
        return Arrays.binarySearch(ids, movieId);
    }

    public boolean contains(long movieId) {
        return indexOf(movieId) >= 0;
    }

    /** The genres of a movie (empty for none or an unknown movie). */
    public List<String> genres(long movieId) {
        int i = indexOf(movieId);
        return i < 0 ? List.of() : genres.get(i);
    }

    /** The title of a movie, or null for an unknown one. */
    public String title(long movieId) {
        int i = indexOf(movieId);
        return i < 0 ? null : titles[i];
    }
}
