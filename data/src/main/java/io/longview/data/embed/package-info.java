/**
 * Item-embedding learning for datasets without content embeddings (DESIGN §1): implicit-feedback matrix
 * factorization by alternating least squares ({@link io.longview.data.embed.ImplicitAlsLearner}) over the engaged
 * events of the training period only ({@link io.longview.data.embed.ItemEmbeddingLearner}), scaled for the int8
 * quantizer, and a documented fallback for items without training data
 * ({@link io.longview.data.embed.EmbeddingFallback}). Seeded and deterministic. Depends on core only.
 */
package io.longview.data.embed;
