package org.dcec4j.dcec.model;

import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.nn.Module;

/**
 * DCEC's clustering layer: the centres μ [K, D] as a trainable parameter ("mu") and the soft
 * assignment q_ij = (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2) / Σ_j' (…) of embeddings z [B, D].
 *
 * <p>Math: docs/math/dcec.md#soft-assignment
 */
public final class ClusteringLayer extends Module {
    public final int K, D;
    public final float alpha;
    /** μ [K, D], row j is centre j. */
    public final Tensor mu;

    /** Centres start at zero; {@link #setCentres} sets them from k-means. */
    public ClusteringLayer(int K, int D, float alpha) {
        if (K < 1 || D < 1) throw new IllegalArgumentException("clustering layer needs K >= 1 and D >= 1, got K=" + K + ", D=" + D);
        if (!(alpha > 0)) throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
        this.K = K; this.D = D; this.alpha = alpha;
        mu = param("mu", Tensor.zeros(K, D));
    }

    /** μ ← centres [K·D], row-major (read only). */
    public void setCentres(float[] centres) {
        if (centres.length != K * D) throw new IllegalArgumentException("expected K·D = " + K * D + " centre values, got " + centres.length);
        System.arraycopy(centres, 0, mu.data, 0, centres.length);
    }

    /** q [B, K] from z [B, D]. */
    @Override public Tensor forward(Tensor z) {
        // Math: docs/math/dcec.md#soft-assignment
        return F.studentT(z, mu, alpha);
    }
}
