/**
 * Candidate-anchored selection of DESIGN §2 ({@link io.longview.core.select.CandidateSelector}): the one code path
 * that picks S_all for training examples and for serving. Depends on {@code io.longview.core.model} only.
 */
package io.longview.core.select;
