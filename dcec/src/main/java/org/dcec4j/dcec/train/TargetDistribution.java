package org.dcec4j.dcec.train;

/**
 * DCEC's target distribution, computed from the soft assignments Q of ALL N points, never per batch:
 * <pre>
 *   f_j  = Σ_i q_ij                                   (soft cluster frequency)
 *   p_ij = (q_ij² / f_j) / Σ_j' (q_ij'² / f_j')
 * </pre>
 * Squaring sharpens each row; dividing by f_j keeps large clusters from taking over. Sums run in double. A cluster
 * whose q underflowed to 0 for every point (f_j = 0) gets p_ij = 0, the limit of q_ij²/f_j ≤ q_ij, not 0/0.
 *
 * <p>Math: docs/math/dcec.md#target-distribution
 */
public final class TargetDistribution {
    private TargetDistribution() {}

    /**
     * @param p written, [N, K] row-major
     * @param q read, [N, K] row-major, rows of positive values
     */
    public static void compute(float[] p, float[] q, int N, int K) {
        if (p.length != N * K || q.length != N * K)
            throw new IllegalArgumentException("target distribution: p[" + p.length + "] and q[" + q.length + "] must hold N·K = " + N * K + " values");
        double[] f = new double[K];
        // f_j = Σ_i q_ij
        for (int i = 0; i < N; i++) for (int j = 0; j < K; j++) f[j] += q[i * K + j];
        double[] w = new double[K];
        for (int i = 0; i < N; i++) row(p, i * K, q, i * K, f, K, w);
    }

    /**
     * One row of P from its row of Q and the frequencies f: p_ij = w_ij / Σ_j' w_ij' with w_ij = q_ij² / f_j, and
     * w_ij = 0 for a cluster no point reaches (f_j = 0: the limit, since q_ij²/f_j ≤ q_ij; a NaN f_j stays NaN). The
     * distributed trainer calls it for its rows too, so both compute the same floats.
     *
     * @param p written, K values from pOff
     * @param q read, K values from qOff
     * @param w scratch, K values
     */
    public static void row(float[] p, int pOff, float[] q, int qOff, double[] f, int K, double[] w) {
        double total = 0;
        for (int j = 0; j < K; j++) {
            // w_ij = q_ij² / f_j ; total = Σ_j' w_ij'
            double qij = q[qOff + j];
            w[j] = f[j] == 0 ? 0 : qij * qij / f[j];
            total += w[j];
        }
        // p_ij = w_ij / Σ_j' w_ij'
        for (int j = 0; j < K; j++) p[pOff + j] = (float) (w[j] / total);
    }

    /** A new [N, K] array with P of Q. */
    public static float[] of(float[] q, int N, int K) {
        float[] p = new float[N * K];
        compute(p, q, N, K);
        return p;
    }

    /**
     * Hard labels: labels[i] = argmax_j q_ij, the lowest j on ties.
     *
     * @param labels written, [N]
     * @param q      read, [N, K]
     */
    public static void argmax(int[] labels, float[] q, int N, int K) {
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int j = 1; j < K; j++) if (q[i * K + j] > q[i * K + best]) best = j;
            labels[i] = best;
        }
    }

    /**
     * The stop rule's statistic: the fraction of points whose hard label changed,
     * δ = |{i : current_i ≠ previous_i}| / N.
     * Math: docs/math/dcec.md#stop-rule
     */
    public static double changedFraction(int[] previous, int[] current) {
        if (previous.length != current.length) throw new IllegalArgumentException("label arrays differ in length: " + previous.length + " vs " + current.length);
        int changed = 0;
        for (int i = 0; i < current.length; i++) if (previous[i] != current[i]) changed++;
        return (double) changed / current.length;
    }
}
