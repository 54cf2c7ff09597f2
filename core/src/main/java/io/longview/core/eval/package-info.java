/**
 * The offline and online ranking metrics of DESIGN §5 as pure functions over parallel arrays: AUC, GAUC and HIT@k
 * ({@link io.longview.core.eval.RankingMetrics}), and one head's summary ({@link io.longview.core.eval.HeadMetrics}).
 * Used by training evaluation and by the service's online monitoring, so it depends on the JDK only (not on
 * {@code train} or any ML library). Definitions match {@code golden/reference.py} exactly.
 */
package io.longview.core.eval;
