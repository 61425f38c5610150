package org.dcec4j.dcec.train;

import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.engine.optim.Optimizer;

/**
 * The loop's state at a checkpoint, all that a resumed run needs to continue bit for bit (every random
 * choice is re-derived from the seed, see {@link Seeds}).
 *
 * <p>Math: docs/math/dcec.md#resume
 *
 * @param phase   PRETRAIN or CLUSTER
 * @param step    epochs done (pretraining) or the next iteration (clustering)
 * @param ae      the network, read for its weights
 * @param optimizer the phase's optimiser (its state: Adam's moments and step count, SGD's velocity)
 * @param layer   the centres μ (clustering), else null
 * @param cluster P, the labels of the last recomputation and the loss sums of the open interval (clustering), else null
 */
public record Checkpoint(Phase phase, int step, Autoencoder ae, Optimizer optimizer, ClusteringLayer layer, ClusterState cluster) {

    /**
     * What the clustering loop carries from one iteration to the next besides the weights.
     *
     * @param p              the target distribution P [N, K], read only
     * @param previousLabels y of the last recomputation of P [N], read only
     * @param sumL           Σ L over the batches since that recomputation
     * @param sumLc          Σ L_c over them
     * @param sumLr          Σ L_r over them (0 for methods that drop the decoder)
     * @param counted        how many batches
     */
    public record ClusterState(float[] p, int[] previousLabels, double sumL, double sumLc, double sumLr, int counted) {}

    /** A checkpoint read back for {@code --resume}. */
    public interface Stored {
        Phase phase();

        /** Epochs done (pretraining) or the next iteration (clustering). */
        int step();

        /** Loads the saved weights, the optimiser state and (clustering only, layer not null) μ into these fresh objects. */
        void restore(Autoencoder ae, Optimizer optimizer, ClusteringLayer layer);

        /** P, the previous labels and the loss sums of a clustering checkpoint. */
        ClusterState clusterState();

        /**
         * Where it was read from (the file), as the message of a resumed run that diverges before it writes a checkpoint
         * of its own names the last good one.
         */
        default String source() { return "the checkpoint the run resumed from"; }
    }
}
