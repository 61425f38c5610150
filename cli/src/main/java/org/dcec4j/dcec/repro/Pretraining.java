package org.dcec4j.dcec.repro;

import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.run.RunFolder;

/**
 * The autoencoder pretraining that several cells of one (data set, seed) share: the CAE of cae-kmeans,
 * dec-conv and dcec, the augmented CAE of dec-conv-da and dcec-da, or the dense autoencoder of dec and idec. The shared weights are exactly those each
 * method would pretrain on its own: pretraining reads only the network type, the image shape, K, the
 * filters or dense sizes, the batch size, the epochs, the learning rate and the seed (initial weights from
 * (seed, weights stream), the shuffle of epoch e from (seed, shuffle stream, e)), never γ, T, tol, the
 * iteration cap or whether the decoder is kept afterwards.
 */
public record Pretraining(String dataset, Method.Network network, boolean augmented, long seed) {
    public Pretraining {
        if (network == Method.Network.NONE) throw new IllegalArgumentException("k-means on pixels has no pretraining");
    }

    /** The method `dcec pretrain` is called with: dcec for the CAE, dcec-da for the augmented CAE, dec for the dense autoencoder. */
    public Method method() { return network == Method.Network.CONV ? (augmented ? Method.DCEC_DA : Method.DCEC) : Method.DEC; }

    /** cae, cae-da or ae. */
    public String kind() { return (network == Method.Network.CONV ? "cae" : "ae") + (augmented ? "-da" : ""); }

    /** cae_weights.dc4j or ae_weights.dc4j. */
    public String weightsFile() { return RunFolder.weightsFileName(method()); }

    /** {@code <data set>/seed-<s>/cae-pretraining} (or cae-da-pretraining, ae-pretraining). */
    public String folder() { return dataset + "/seed-" + seed + "/" + kind() + "-pretraining"; }

    @Override public String toString() { return kind().toUpperCase(java.util.Locale.ROOT) + " pretraining on " + dataset + ", seed " + seed; }
}
