/**
 * The data model of DESIGN §1: action bits, surfaces, events, tokens, columnar newest-first sequences, a user's
 * three sequences, the int8 quantizer, and {@link io.longview.core.model.UserHistory}, the reference semantics of
 * folding, ordering, caps and eviction. JDK only.
 */
package io.longview.core.model;
