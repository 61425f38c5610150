package org.dcec4j.engine.ops;

import java.util.Objects;
import org.dcec4j.engine.Op;
import org.dcec4j.engine.Tensor;

/**
 * DCEC's soft assignment (a fused op): embeddings z[B,D], centres μ[K,D], degrees of freedom α →
 * <pre>
 *   u_ij = 1 + ‖z_i − μ_j‖² / α
 *   q_ij = u_ij^(−(α+1)/2) / Σ_j' u_ij'^(−(α+1)/2)
 * </pre>
 * With g_ij = ∂L/∂q_ij and ĝ_i = Σ_j g_ij q_ij, backward uses the hand-derived
 * <pre>
 *   ∂L/∂z_i = −(α+1)/α · Σ_j q_ij (g_ij − ĝ_i) / u_ij · (z_i − μ_j)
 *   ∂L/∂μ_j = +(α+1)/α · Σ_i q_ij (g_ij − ĝ_i) / u_ij · (z_i − μ_j)
 * </pre>
 * Everything runs in double internally and q is stored as float. Where the numerators of a row sum to less than the
 * smallest normal double (they underflowed: a point far from all centres with a large α), the row is computed again
 * from u_ij / min_j' u_ij', the same q without the 0/0 or the lost bits.
 * Math: docs/math/activations-losses.md#student-t
 */
public final class StudentTOp extends Op {
    private final Tensor z, mu, q;
    private final float alpha;
    private final double[] u;       // u_ij, kept for backward
    private final int B, K, D;

    private StudentTOp(Tensor z, Tensor mu, Tensor q, float alpha, double[] u, int B, int K, int D) {
        super(z, mu);
        this.z = z; this.mu = mu; this.q = q; this.alpha = alpha; this.u = u; this.B = B; this.K = K; this.D = D;
    }

    /**
     * The largest α accepted. u = 1 + d²/α is rounded to a double, so the exponent e·ln u carries an absolute error of
     * about e·2⁻⁵³ ≈ α·5.6·10⁻¹⁷: at α = 10⁸ q is within 5·10⁻⁹ (relative) of its exact value, below float32's rounding;
     * at 10¹² within 6·10⁻⁵, at 10¹⁵ 4 % off, and from about 10¹⁶ on every u rounds to 1 and every q_ij to 1/K.
     */
    public static final float MAX_ALPHA = 1e8f;

    public static Tensor apply(Tensor z, Tensor mu, float alpha) {
        Objects.requireNonNull(z, "student_t: z"); Objects.requireNonNull(mu, "student_t: mu");
        if (z.rank() != 2 || mu.rank() != 2 || z.dim(1) != mu.dim(1))
            throw new IllegalArgumentException("student_t: z[B,D] and mu[K,D] expected, got " + z + " and " + mu);
        if (!(alpha > 0) || alpha > MAX_ALPHA)
            throw new IllegalArgumentException("student_t: alpha must be a positive number up to 1e8, got " + alpha
                    + (alpha > MAX_ALPHA ? " (beyond 1e8, 1 + d²/α in double precision loses the distances: "
                    + "docs/math/activations-losses.md#student-t)" : ""));
        int B = z.dim(0), D = z.dim(1), K = mu.dim(0);
        double e = (alpha + 1.0) / 2.0;
        double[] u = new double[B * K];
        Tensor q = Tensor.zeros(B, K);
        double[] num = new double[K];
        for (int i = 0; i < B; i++) {
            double total = 0;
            for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int d = 0; d < D; d++) { double diff = z.data[i * D + d] - mu.data[j * D + d]; d2 += diff * diff; }
                // u_ij = 1 + ‖z_i − μ_j‖²/α ;  numerator u_ij^(−(α+1)/2)
                u[i * K + j] = 1.0 + d2 / alpha;
                num[j] = alpha == 1f ? 1.0 / u[i * K + j] : StrictMath.pow(u[i * K + j], -e);
                total += num[j];
            }
            if (!(total >= Double.MIN_NORMAL)) {
                // every numerator underflowed to 0 or to a subnormal with few bits left (z_i far from all centres,
                // large α): the same q from the ratios u_ij / min_j' u_ij' ≥ 1, whose nearest centre's numerator is 1
                double uMin = Double.POSITIVE_INFINITY;
                for (int j = 0; j < K; j++) uMin = Math.min(uMin, u[i * K + j]);
                total = 0;
                for (int j = 0; j < K; j++) {
                    double ratio = u[i * K + j] / uMin;
                    num[j] = alpha == 1f ? 1.0 / ratio : StrictMath.pow(ratio, -e);
                    total += num[j];
                }
            }
            for (int j = 0; j < K; j++) q.data[i * K + j] = (float) (num[j] / total);
        }
        return record(q, recording(z, mu) ? new StudentTOp(z, mu, q, alpha, u, B, K, D) : null);
    }

    @Override protected void backward(Tensor out) {
        float[] g = out.grad();
        double c = (alpha + 1.0) / alpha;
        float[] dz = z.requiresGrad() ? z.grad() : null;
        float[] dmu = mu.requiresGrad() ? mu.grad() : null;
        double[] dzi = new double[D];
        double[] dmuAcc = dmu == null ? null : new double[K * D];
        for (int i = 0; i < B; i++) {
            // ĝ_i = Σ_j g_ij q_ij
            double gHat = 0;
            for (int j = 0; j < K; j++) gHat += (double) g[i * K + j] * q.data[i * K + j];
            java.util.Arrays.fill(dzi, 0);
            for (int j = 0; j < K; j++) {
                // s_ij = (α+1)/α · q_ij (g_ij − ĝ_i) / u_ij
                double s = c * q.data[i * K + j] * (g[i * K + j] - gHat) / u[i * K + j];
                for (int d = 0; d < D; d++) {
                    double diff = z.data[i * D + d] - mu.data[j * D + d];
                    // ∂L/∂z_i −= s_ij (z_i − μ_j)
                    dzi[d] -= s * diff;
                    // ∂L/∂μ_j += s_ij (z_i − μ_j)
                    if (dmuAcc != null) dmuAcc[j * D + d] += s * diff;
                }
            }
            if (dz != null) for (int d = 0; d < D; d++) dz[i * D + d] += (float) dzi[d];
        }
        if (dmu != null) for (int i = 0; i < K * D; i++) dmu[i] += (float) dmuAcc[i];
    }
}
