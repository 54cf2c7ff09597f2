package io.longview.data.movielens;

import io.longview.core.io.InputException;
import io.longview.data.io.CsvRecordReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The movies of a MovieLens {@code movies.csv} ({@code movieId,title,genres}; titles may be quoted and hold commas;
 * genres separated by {@code |}, {@code (no genres listed)} meaning none). Used for the negative-sampling universe
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
        try (CsvRecordReader csv = CsvRecordReader.open(file, "a MovieLens movies.csv with header movieId,title,genres")) {
            csv.requireHeader(COLUMNS);
            while (csv.next()) {
                csv.requireFieldCount(COLUMNS.size());
                long id = csv.longField(0, "movieId");
                Long prev = lineOf.putIfAbsent(id, csv.line());
                if (prev != null) {
                    throw csv.error("duplicate movieId " + id + ", first given on line " + prev);
                }
                String g = csv.field(2);
                List<String> gs = g.isEmpty() || g.equals(NO_GENRES) ? List.of() : List.of(g.split("\\|"));
                rows.add(new Row(id, csv.field(1), gs));
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
