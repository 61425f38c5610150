package org.dcec4j.engine.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DCEC's clustering-phase loss L = L_r + γ·L_c (docs/math/dcec.md#gradients) as the trainer builds it, with the
 * embedding z feeding both terms: L_r = mean (G(z) − x)² through a dense decoder G(z) = z·Wᵀ + b, and
 * L_c = KL(P‖Q(z, μ)) through Student's t with α = 2 (so the exponent (α+1)/2 is not 1). The gradients back-propagation
 * gives for z, μ, W and b are compared with central differences of the same loss written out in double precision
 * (no engine op involved), so the test checks the two paths into z adding up, γ reaching only the KL term, and
 * ∂L/∂μ = γ·∂L_c/∂μ, against an oracle independent of the engine.
 */
class DcecLossGradientTest {
    static final int B = 3, D = 2, K = 3, OUT = 4;
    static final float ALPHA = 2f, GAMMA = 0.25f;           // γ exact in binary: the oracle uses the same value
    static final float[] Z = {0.3f, -0.7f, 1.1f, 0.4f, -0.5f, 0.9f};
    static final float[] MU = {0.2f, -0.4f, 1.3f, 0.8f, -0.9f, 0.1f};
    static final float[] W = {0.5f, -0.25f, 0.75f, 0.125f, -0.6f, 0.3f, 0.2f, 0.9f};
    static final float[] BIAS = {0.1f, -0.2f, 0.05f, 0.3f};
    static final float[] X = {0.2f, 0.9f, 0.1f, 0.6f, 0.8f, 0.3f, 0.4f, 0.0f, 0.5f, 0.7f, 0.9f, 0.2f};
    /** A target distribution: rows sum to 1, one zero term (skipped by the loss, as p log p → 0). */
    static final float[] P = {0.625f, 0.25f, 0.125f, 0.0f, 0.75f, 0.25f, 0.125f, 0.375f, 0.5f};

    @Test void gradientsOfLrPlusGammaLcMatchCentralDifferencesInDouble() {
        Tensor z = Tensor.parameter(Z.clone(), B, D), mu = Tensor.parameter(MU.clone(), K, D);
        Tensor w = Tensor.parameter(W.clone(), OUT, D), b = Tensor.parameter(BIAS.clone(), OUT);
        // as ClusteringStep builds it: L = L_r + γ·L_c
        Tensor lr = F.mse(F.linear(z, w, b), Tensor.of(X.clone(), B, OUT));
        Tensor lc = F.klDiv(Tensor.of(P.clone(), B, K), F.studentT(z, mu, ALPHA));
        Tensor loss = F.add(lr, F.scale(lc, GAMMA));
        float[][] grads = Autograd.gradients(loss, z, mu, w, b);

        double[][] at = {widen(Z), widen(MU), widen(W), widen(BIAS)};
        double l = loss(at, GAMMA);
        assertTrue(Math.abs(l - loss.item()) <= 1e-6 * l, "L = " + loss.item() + ", in double " + l);
        String[] names = {"z", "mu", "W", "b"};
        for (int t = 0; t < at.length; t++) {
            double[] numeric = centralDifferences(at, t, GAMMA);
            double scale = 0;
            for (double v : numeric) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < numeric.length; i++)
                if (!(Math.abs(grads[t][i] - numeric[i]) <= 1e-6 * scale + 1e-5 * Math.abs(numeric[i])))
                    fail("∂L/∂" + names[t] + "[" + i + "]: back-propagation " + grads[t][i] + ", central differences " + numeric[i]);
        }

        // the test can tell the terms apart: both paths into z carry a sizeable share, and μ sees only γ·∂L_c/∂μ
        double[] dzR = centralDifferences(at, 0, 0), dz = centralDifferences(at, 0, GAMMA);
        double shareR = 0, shareC = 0, largest = 0;
        for (int i = 0; i < dz.length; i++) {
            shareR = Math.max(shareR, Math.abs(dzR[i]));
            shareC = Math.max(shareC, Math.abs(dz[i] - dzR[i]));
            largest = Math.max(largest, Math.abs(dz[i]));
        }
        assertTrue(shareR > 0.1 * largest && shareC > 0.1 * largest,
                "∂L_r/∂z " + shareR + " and γ·∂L_c/∂z " + shareC + " should both matter against ∂L/∂z " + largest);
        double[] dmuC = centralDifferences(at, 1, 1);
        for (int i = 0; i < dmuC.length; i++)
            assertTrue(Math.abs(grads[1][i] - GAMMA * dmuC[i]) <= 1e-6 + 1e-5 * Math.abs(dmuC[i]),
                    "∂L/∂μ[" + i + "] = " + grads[1][i] + " is not γ·∂L_c/∂μ = " + GAMMA * dmuC[i]);
    }

    /**
     * L = (1/(B·OUT)) Σ (z_i·Wᵀ + b − x_i)² + γ·(1/B) Σ_i Σ_j p_ij log(p_ij / q_ij), with
     * q_ij = u_ij^(−(α+1)/2) / Σ_j' u_ij'^(−(α+1)/2), u_ij = 1 + ‖z_i − μ_j‖²/α: everything in double, by hand.
     */
    static double loss(double[][] v, double gamma) {
        double[] z = v[0], mu = v[1], w = v[2], b = v[3];
        double lr = 0;
        for (int i = 0; i < B; i++)
            for (int o = 0; o < OUT; o++) {
                double a = b[o];
                for (int d = 0; d < D; d++) a += z[i * D + d] * w[o * D + d];
                double e = a - X[i * OUT + o];
                lr += e * e;
            }
        lr /= B * OUT;
        double lc = 0, e = (ALPHA + 1.0) / 2.0;
        for (int i = 0; i < B; i++) {
            double[] num = new double[K];
            double s = 0;
            for (int j = 0; j < K; j++) {
                double d2 = 0;
                for (int d = 0; d < D; d++) { double diff = z[i * D + d] - mu[j * D + d]; d2 += diff * diff; }
                num[j] = Math.pow(1 + d2 / ALPHA, -e);
                s += num[j];
            }
            for (int j = 0; j < K; j++) {
                double p = P[i * K + j];
                if (p != 0) lc += p * Math.log(p / (num[j] / s));
            }
        }
        return lr + gamma * lc / B;
    }

    /** (L(v + h·e_i) − L(v − h·e_i)) / 2h for every element i of tensor t, h = 1e-6, in double. */
    static double[] centralDifferences(double[][] v, int t, double gamma) {
        double h = 1e-6;
        double[] out = new double[v[t].length];
        for (int i = 0; i < out.length; i++) {
            double old = v[t][i];
            v[t][i] = old + h;
            double plus = loss(v, gamma);
            v[t][i] = old - h;
            double minus = loss(v, gamma);
            v[t][i] = old;
            out[i] = (plus - minus) / (2 * h);
        }
        return out;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
