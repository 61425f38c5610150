package org.dcec4j.dcec.train;

import org.dcec4j.dcec.Cancellation;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;

/** Forward passes over a whole data set, in batches, recording no graph. */
public final class Inference {
    private Inference() {}

    /**
     * The embeddings z_i = F(x_i) of all N images.
     *
     * @param x read, [N, C, H, W]
     * @return [N, K] row-major
     */
    public static float[] embed(Autoencoder ae, float[] x, int N, int batchSize) {
        return embed(ae, x, N, batchSize, null, null);
    }

    /**
     * As {@link #embed(Autoencoder, float[], int, int)}, asking {@code cancellation} (and the thread's interrupt, as
     * {@link Cancellation#check} does) before each batch, a training's pass over 70,000 images taking seconds; null asks
     * nothing. {@code where} and the batch name the place in its exception; nothing the caller holds has changed then.
     */
    public static float[] embed(Autoencoder ae, float[] x, int N, int batchSize, Cancellation cancellation, String where) {
        int D = ae.channels() * ae.height() * ae.width(), K = ae.embeddingSize();
        float[] z = new float[N * K];
        float[] buf = new float[Math.min(batchSize, N) * D];
        try (var ignored = Autograd.noGrad()) {
            int batches = Batches.count(N, batchSize);
            for (int b = 0; b < batches; b++) {
                if (cancellation != null && (cancellation.isCancelled() || Thread.currentThread().isInterrupted()))   // the message only when it is needed
                    cancellation.check(where + ", embedding batch " + (b + 1) + " of " + batches);
                int from = Batches.start(b, batchSize), to = Batches.end(b, N, batchSize), nb = to - from;
                float[] xb = nb * D == buf.length ? buf : new float[nb * D];
                System.arraycopy(x, from * D, xb, 0, nb * D);
                Tensor zb = ae.encode(Tensor.of(xb, nb, ae.channels(), ae.height(), ae.width()));
                System.arraycopy(zb.data, 0, z, from * K, nb * K);
            }
        }
        return z;
    }

    /**
     * Soft assignments q_ij of N points z [N, D] to K centres μ [K, D] (Student's t kernel).
     * Math: docs/math/dcec.md#soft-assignment
     *
     * @return [N, K] row-major
     */
    public static float[] softAssign(float[] z, int N, int D, float[] mu, int K, float alpha) {
        try (var ignored = Autograd.noGrad()) {
            return F.studentT(Tensor.of(z, N, D), Tensor.of(mu, K, D), alpha).data;
        }
    }

    /** confidence_i = max_j q_ij. */
    public static float[] confidence(float[] q, int N, int K) {
        float[] c = new float[N];
        for (int i = 0; i < N; i++) {
            float best = q[i * K];
            for (int j = 1; j < K; j++) best = Math.max(best, q[i * K + j]);
            c[i] = best;
        }
        return c;
    }
}
