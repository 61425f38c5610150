package org.dcec4j.dcec.train;

import java.util.Map;

/**
 * What a run produced.
 *
 * @param labels     the reported hard labels [N] (those of the last recomputation of P for clustering methods)
 * @param q          the soft assignments [N, K] behind them
 * @param scores     ACC/NMI/ARI against the data set's labels, or {@link Scores#NONE}
 * @param model      the trained model (encoder + centres), null after pretraining only
 * @param iterations clustering iterations trained
 * @param converged  true when the stop rule ended the clustering phase (false: max iterations or no clustering phase)
 * @param seconds    wall time of each phase that ran
 */
public record DcecResult(int[] labels, float[] q, Scores scores, TrainedModel model, int iterations, boolean converged,
                         Map<Phase, Double> seconds) {
}
