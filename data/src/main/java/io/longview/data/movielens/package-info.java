/**
 * The MovieLens adapter: reads {@code ratings.csv} and {@code movies.csv} of a MovieLens download (ml-latest-small,
 * ml-latest, ml-20m, ml-25m), maps ratings to explicit actions ({@link io.longview.data.movielens.RatingMapping}),
 * makes requests with sampled impressions by a documented seeded rule
 * ({@link io.longview.data.io.SessionRule}, {@link io.longview.data.movielens.MovieLensImporter}) and writes
 * a dataset directory with item embeddings learned from the training period. Depends on core,
 * {@code io.longview.data.io} and {@code io.longview.data.embed}.
 */
package io.longview.data.movielens;
