package org.dcec4j.engine.ops;

import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Autograd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused Student's t and KL ops give the same values and gradients as the same functions composed from
 * primitive ops (reshape, sub, mul, sum, scale, addScalar, pow, div, log), and as the closed form of docs/math/dcec.md#gradients
 * ∂L_c/∂z_i = (α+1)/α · (1/B) Σ_j (1 + ‖z_i−μ_j‖²/α)^(−1) (p_ij − q_ij)(z_i − μ_j) (and minus that, summed over i, for μ_j).
 */
class CompositeEquivalenceTest {
    static final int B = 6, K = 4, D = 3;

    /** q from primitives: u = 1 + Σ_d (z−μ)²/α; q = u^(−(α+1)/2) / Σ_j u^(−(α+1)/2). */
    static Tensor studentTComposed(Tensor z, Tensor mu, float alpha) {
        Tensor diff = F.sub(F.reshape(z, B, 1, D), F.reshape(mu, 1, K, D));            // [B,K,D]
        Tensor d2 = F.sum(F.mul(diff, diff), 2, false);                                  // [B,K]
        Tensor num = F.pow(F.addScalar(F.scale(d2, 1f / alpha), 1f), -(alpha + 1f) / 2f);
        return F.div(num, F.sum(num, 1, true));
    }

    /** KL from primitives: (1/B) Σ p (log p − log q). */
    static Tensor klComposed(Tensor p, Tensor q) {
        return F.scale(F.sum(F.mul(p, F.sub(F.log(p), F.log(q)))), 1f / B);
    }

    static Tensor targetDistribution(Tensor q) {
        float[] f = new float[K];
        for (int i = 0; i < B; i++) for (int j = 0; j < K; j++) f[j] += q.data[i * K + j];
        Tensor p = Tensor.zeros(B, K);
        for (int i = 0; i < B; i++) {
            float s = 0;
            for (int j = 0; j < K; j++) { p.data[i * K + j] = q.data[i * K + j] * q.data[i * K + j] / f[j]; s += p.data[i * K + j]; }
            for (int j = 0; j < K; j++) p.data[i * K + j] /= s;
        }
        return p;
    }

    static void assertClose(float[] a, float[] b, double tol, String what) {
        for (int i = 0; i < a.length; i++)
            assertEquals(a[i], b[i], tol * Math.max(1, Math.abs(a[i])), what + " at " + i);
    }

    @Test void fusedEqualsComposedAndClosedForm() {
        for (float alpha : new float[] {1f, 2.5f}) {
            SplittableRandom rng = new SplittableRandom(3);
            Tensor z = GradCheck.param(rng, -2, 2, B, D), mu = GradCheck.param(rng, -2, 2, K, D);
            Tensor qF = F.studentT(z, mu, alpha), qC = studentTComposed(z, mu, alpha);
            assertClose(qC.data, qF.data, 1e-6, "q alpha " + alpha);
            Tensor p;
            try (var ignored = Autograd.noGrad()) { p = targetDistribution(F.studentT(z, mu, alpha)); }
            Tensor lF = F.klDiv(p, qF), lC = klComposed(p, qC);
            assertEquals(lC.item(), lF.item(), 1e-6, "KL alpha " + alpha);
            float[][] gF = Autograd.gradients(lF, z, mu), gC = Autograd.gradients(lC, z, mu);
            assertClose(gC[0], gF[0], 1e-5, "dL/dz alpha " + alpha);
            assertClose(gC[1], gF[1], 1e-5, "dL/dmu alpha " + alpha);

            // the closed form of docs/math/dcec.md#gradients (per sample, then averaged over the batch)
            float[] dz = new float[B * D], dmu = new float[K * D];
            for (int i = 0; i < B; i++) for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int d = 0; d < D; d++) { double df = z.data[i * D + d] - mu.data[j * D + d]; d2 += df * df; }
                double w = (alpha + 1.0) / alpha / (1 + d2 / alpha) * (p.data[i * K + j] - qF.data[i * K + j]) / B;
                for (int d = 0; d < D; d++) {
                    double df = z.data[i * D + d] - mu.data[j * D + d];
                    dz[i * D + d] += (float) (w * df);
                    dmu[j * D + d] -= (float) (w * df);
                }
            }
            assertClose(dz, gF[0], 1e-5, "closed-form dL/dz alpha " + alpha);
            assertClose(dmu, gF[1], 1e-5, "closed-form dL/dmu alpha " + alpha);
        }
    }

    /**
     * A point far from every centre with a large α: every numerator u^(−(α+1)/2) underflows to 0 in double, and
     * q was 0/0 = NaN (which the KL loss then skipped as if p were 0). The op computes that row again from
     * u_ij / min u; the oracle is the same q in the log domain, q_j = exp(−e·log u_j − logsumexp_j'(−e·log u_j')), and for
     * the gradient of KL(p‖q) the closed form with that q and the unscaled u_ij (a backward that used the rescaled u_ij / min u
     * gave finite but wrong gradients, which the finiteness check this test had before let through).
     */
    @Test void farPointsWithLargeAlphaGiveTheSoftAssignmentNotNaN() {
        for (float alpha : new float[] {1000f, 100f}) {
            float far = alpha == 1000f ? 100f : 20000f;
            Tensor z = Tensor.of(new float[] {far, 0, 0.5f, 0}, 2, 2);
            Tensor mu = Tensor.of(new float[] {0, 0, 1, 0, -3, 4}, 3, 2);
            float[] q = F.studentT(z, mu, alpha).data;
            double e = (alpha + 1.0) / 2.0;
            for (int i = 0; i < 2; i++) {
                double[] logNum = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 3; j++) {
                    double d2 = 0;
                    for (int d = 0; d < 2; d++) { double df = (double) z.data[i * 2 + d] - mu.data[j * 2 + d]; d2 += df * df; }
                    logNum[j] = -e * Math.log1p(d2 / alpha);
                    max = Math.max(max, logNum[j]);
                }
                double sum = 0;
                for (int j = 0; j < 3; j++) sum += Math.exp(logNum[j] - max);
                for (int j = 0; j < 3; j++) {
                    double expected = Math.exp(logNum[j] - max) / sum;
                    assertEquals(expected, q[i * 3 + j], 1e-6 * Math.max(1e-3, expected), "alpha " + alpha + " q[" + i + "," + j + "]");
                }
            }
            // the far row: the nearest centre (1, 0) holds most of it (at α = 1000, 99.99 %), and the gradients are finite
            org.junit.jupiter.api.Assertions.assertTrue(q[1] > q[0] && q[0] > q[2] && (alpha < 1000f || q[1] > 0.999f),
                    java.util.Arrays.toString(q));
            Tensor zp = GradCheck.param(new SplittableRandom(1), 0, 1, 2, 2);
            System.arraycopy(z.data, 0, zp.data, 0, 4);
            Tensor p = Tensor.of(new float[] {0.2f, 0.7f, 0.1f, 0.3f, 0.3f, 0.4f}, 2, 3);
            float[] g = Autograd.gradients(F.klDiv(p, F.studentT(zp, mu, alpha)), zp)[0];
            // the gradient against the closed form of docs/math/activations-losses.md#kl (rows of p sum to 1), in double,
            // with q from the log domain and u_ij = 1 + d²/α: ∂L/∂z_i = (α+1)/α · (1/B) Σ_j (p_ij − q_ij)/u_ij · (z_i − μ_j).
            // On the far row the terms nearly cancel (Σ_j (p_ij − q_ij) = 0 and the (z_i − μ_j)/u_ij differ by a few per cent
            // at α = 1000, by 10⁻⁴ relative at α = 100), so the error allowed is relative to Σ_j |term|: the float32 q (and
            // the float32 row sum that replaces 1) carry about 10⁻⁷ of it.
            for (int i = 0; i < 2; i++) {
                double[] logNum = new double[3], u = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 3; j++) {
                    double d2 = 0;
                    for (int d = 0; d < 2; d++) { double df = (double) z.data[i * 2 + d] - mu.data[j * 2 + d]; d2 += df * df; }
                    u[j] = 1 + d2 / alpha;
                    logNum[j] = -e * Math.log1p(d2 / alpha);
                    max = Math.max(max, logNum[j]);
                }
                double sum = 0;
                for (int j = 0; j < 3; j++) sum += Math.exp(logNum[j] - max);
                for (int d = 0; d < 2; d++) {
                    double want = 0, scale = 0;
                    for (int j = 0; j < 3; j++) {
                        double qj = Math.exp(logNum[j] - max) / sum;
                        double term = (alpha + 1.0) / alpha / 2 * (p.data[i * 3 + j] - qj) / u[j] * ((double) z.data[i * 2 + d] - mu.data[j * 2 + d]);
                        want += term;
                        scale += Math.abs(term);
                    }
                    assertEquals(want, g[i * 2 + d], 1e-6 * scale + 1e-6 * Math.abs(want),
                            "alpha " + alpha + " dL/dz[" + i + "," + d + "] (sum of |terms| " + scale + ")");
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> F.studentT(Tensor.of(new float[2], 1, 2), Tensor.of(new float[2], 1, 2), Float.POSITIVE_INFINITY));
    }

    /**
     * Up to the largest α accepted, q is the soft assignment computed in the log domain (exp(−e·log1p(d²/α))) to float32's
     * rounding; above it α is refused. (With no bound, α = 1e16 made every u_ij round to 1 and every q_ij 1/K: the two
     * clusters of black and white images then all fell into cluster 0.)
     */
    @Test void largeAlphaUpToItsBoundKeepsTheDistances() {
        Tensor z = Tensor.of(new float[] {0, 0, 0.5f, 0, 3, 1}, 3, 2);
        Tensor mu = Tensor.of(new float[] {0, 0, 1, 0}, 2, 2);
        for (float alpha : new float[] {1e4f, 1e6f, StudentTOp.MAX_ALPHA}) {
            float[] q = F.studentT(z, mu, alpha).data;
            double e = (alpha + 1.0) / 2.0;
            for (int i = 0; i < 3; i++) {
                double[] num = new double[2];
                for (int j = 0; j < 2; j++) {
                    double d2 = 0;
                    for (int d = 0; d < 2; d++) { double df = (double) z.data[i * 2 + d] - mu.data[j * 2 + d]; d2 += df * df; }
                    num[j] = Math.exp(-e * Math.log1p(d2 / alpha));
                }
                for (int j = 0; j < 2; j++) {
                    double expected = num[j] / (num[0] + num[1]);
                    assertEquals(expected, q[i * 2 + j], Math.ulp((float) expected), "alpha " + alpha + " q[" + i + "," + j + "]");
                }
            }
            // the Gaussian limit exp(−d²/2) is near: the first row's q_i1 = 1/(1 + e^(−1/2)) = 0.6225
            assertEquals(1 / (1 + Math.exp(-0.5)), q[0], alpha < 1e6f ? 1e-4 : 1e-6, "alpha " + alpha);
        }
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> F.studentT(z, mu, Math.nextUp(StudentTOp.MAX_ALPHA)));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("alpha must be a positive number up to 1e8"),
                refused.getMessage());
    }

    /** A NaN or negative target p is not a term to skip: the loss is NaN, so a broken P shows (the trainer stops on it). */
    @Test void aBrokenTargetMakesTheLossNaN() {
        Tensor q = Tensor.of(new float[] {0.5f, 0.5f, 0.25f, 0.75f}, 2, 2);
        assertEquals(Float.NaN, F.klDiv(Tensor.of(new float[] {Float.NaN, 1, 0, 1}, 2, 2), q).item());
        assertEquals(Float.NaN, F.klDiv(Tensor.of(new float[] {-0.5f, 1.5f, 0, 1}, 2, 2), q).item());
        // zeros are still the limit p log p = 0: KL(p‖q) with p = (0, 1), (0, 1) is (log 2 + log 4/3) / 2
        assertEquals((float) ((Math.log(2) + Math.log(4.0 / 3)) / 2), F.klDiv(Tensor.of(new float[] {0, 1, 0, 1}, 2, 2), q).item(), 1e-7);
    }
}
