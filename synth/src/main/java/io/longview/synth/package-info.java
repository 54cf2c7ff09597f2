/**
 * The synthetic lifelong world behind {@code longview generate}: items in topic clusters with 32-d content
 * embeddings ({@link io.longview.synth.TopicCatalog}), users with heavy-tailed activity, persistent core interests,
 * dormant interests and disliked topics ({@link io.longview.synth.UserProfile}), organic sessions and home-feed
 * requests with probabilistic outcomes ({@link io.longview.synth.SyntheticWorld}), written as a dataset directory by
 * {@link io.longview.synth.WorldGenerator}. Everything is a pure function of {@link io.longview.synth.WorldConfig}
 * (seed included). The model is documented in {@link io.longview.synth.WorldGenerator} and the module's README.
 * {@link io.longview.synth.RandomWorld} is the other synthetic source: uniform random items, events and checkpoints
 * with no signal, for load tests ({@code longview bench serve}) and the service's tests.
 *
 * <p>Depends on core (events, actions, surfaces, sequence limits, progress) and data (dataset directory, writers,
 * manifest).
 */
package io.longview.synth;
