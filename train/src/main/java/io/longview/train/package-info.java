/**
 * Training side of Longview: the TransAct V2 ranker of DESIGN §3 written in DJL on the PyTorch engine, its losses
 * (DESIGN §4: per-head BCE and the Next Action Loss), and the host-side {@link io.longview.train.Batch} it reads.
 *
 * <p>Depends on {@code core}, {@code examples}, {@code data} and DJL. Nothing on the serving path may depend on this
 * package (DESIGN §7): serving loads the checkpoint format from {@code core}.
 *
 * <p>Resource rules (NOTES-jvm-stack): the model's parameters live in the model's own {@link ai.djl.ndarray.NDManager};
 * every forward pass and every loss takes a caller-owned per-step manager (a {@code newSubManager()}) in which all
 * inputs and intermediates are created, so closing it frees the step. Run with {@code -Dai.djl.offline=true} and the
 * environment variable {@code THP_MEM_ALLOC_ENABLE=1}.
 */
package io.longview.train;
