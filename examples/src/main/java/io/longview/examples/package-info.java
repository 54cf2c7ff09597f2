/**
 * Point-in-time training examples (the paper's "NN feature logging": training needs no store).
 * {@link io.longview.examples.ExampleBuilder} turns an event log into {@code train.lvx} / {@code eval.lvx}, streaming
 * binary files described by {@link io.longview.examples.ExampleFormat}, written by
 * {@link io.longview.examples.ExampleWriter} and read by {@link io.longview.examples.ExampleReader}. The history side
 * sits behind {@link io.longview.examples.HistoryProvider}; selection is core's {@code CandidateSelector}, the same
 * code path serving uses. Depends on core and data (event sources, output directories).
 */
package io.longview.examples;
