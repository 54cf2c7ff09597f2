package io.longview.data.movielens;

/**
 * One row of a MovieLens {@code ratings.csv}.
 *
 * @param userId           MovieLens user id
 * @param movieId          MovieLens movie id
 * @param rating           stars, 0.5 .. 5.0
 * @param timestampSeconds epoch <b>seconds</b>, as MovieLens writes them
 * @param line             the 1-based line in the file
 */
public record Rating(long userId, long movieId, double rating, long timestampSeconds, long line) {
}
