/**
 * The ablation ladder of DESIGN §5: its rows as data ({@link io.longview.train.ablation.AblationLadder}), a runner that
 * trains and evaluates each row on identical data and seed ({@link io.longview.train.ablation.AblationRunner}) and its
 * result ({@link io.longview.train.ablation.AblationResult}); reports are in {@code io.longview.train.report}.
 */
package io.longview.train.ablation;
