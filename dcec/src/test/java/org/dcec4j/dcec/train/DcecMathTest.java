package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Q, P, KL(P‖Q) and its gradients against hand-computed values and the closed forms of docs/math/dcec.md. */
class DcecMathTest {

    /** docs/math/dcec.md#target-distribution: the worked example, exact fractions. */
    @Test void targetDistributionHandComputed() {
        float[] q = {0.5f, 0.5f, 0.8f, 0.2f, 0.1f, 0.9f};
        float[] p = TargetDistribution.of(q, 3, 2);
        // f = (1.4, 1.6); p_11 = 1.6/3, p_21 = 1.024/1.08 = 128/135, p_31 = 0.016/1.15 = 8/575
        double[] expected = {8.0 / 15, 7.0 / 15, 128.0 / 135, 7.0 / 135, 8.0 / 575, 567.0 / 575};
        for (int i = 0; i < 6; i++) assertEquals(expected[i], p[i], 1e-7, "p[" + i + "]");
    }

    @Test void targetDistributionRowsSumToOneAndSharpen() {
        SplittableRandom r = new SplittableRandom(3);
        int N = 50, K = 4;
        float[] q = new float[N * K];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int j = 0; j < K; j++) { q[i * K + j] = (float) (0.05 + r.nextDouble()); s += q[i * K + j]; }
            for (int j = 0; j < K; j++) q[i * K + j] /= (float) s;
        }
        float[] p = TargetDistribution.of(q, N, K);
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int j = 0; j < K; j++) s += p[i * K + j];
            assertEquals(1.0, s, 1e-6);
        }
        // equal cluster frequencies: P squares and renormalises each row, 0.6 → 0.36 / (0.36 + 0.16)
        float[] ps = TargetDistribution.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
        assertEquals(0.36 / 0.52, ps[0], 1e-6);
    }

    /** A cluster no point reaches (its q underflowed to 0 everywhere): p is 0 there, not 0/0 = NaN, and rows still sum to 1. */
    @Test void targetDistributionOfAnEmptyCluster() {
        float[] p = TargetDistribution.of(new float[] {0.75f, 0.25f, 0f, 0.5f, 0.5f, 0f}, 2, 3);
        // f = (1.25, 0.75, 0): w₁ = (0.45, 0.0833…, 0), w₂ = (0.2, 0.3333…, 0)
        assertEquals((float) (0.45 / (0.45 + 0.25 * 0.25 / 0.75)), p[0], 1e-7);
        assertEquals((float) (0.2 / (0.2 + 0.25 / 0.75)), p[3], 1e-7);
        assertEquals(0f, p[2]);
        assertEquals(0f, p[5]);
        assertEquals(1f, p[0] + p[1] + p[2], 1e-6);
    }

    @Test void changedFractionCountsDifferences() {
        assertEquals(0.25, TargetDistribution.changedFraction(new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, 0}));
        assertEquals(0.0, TargetDistribution.changedFraction(new int[] {5, 5}, new int[] {5, 5}));
    }

    /**
     * Hard labels are argmax_j q_ij with the lowest j on ties (as numpy's argmax, which the reference uses): a row
     * (0.4, 0.4, 0.2) is cluster 0, (0.2, 0.4, 0.4) cluster 1, (⅓, ⅓, ⅓) cluster 0, and a clear maximum wins wherever
     * it is. Fails if ties go to the last maximum (≥ for >).
     */
    @Test void hardLabelsTakeTheLowestClusterOnTies() {
        float t = 1f / 3;
        float[] q = {0.4f, 0.4f, 0.2f, 0.2f, 0.4f, 0.4f, t, t, t, 0.1f, 0.2f, 0.7f, 0.5f, 0.25f, 0.25f};
        int[] labels = new int[5];
        TargetDistribution.argmax(labels, q, 5, 3);
        assertArrayEquals(new int[] {0, 1, 0, 2, 0}, labels);
    }

    /** docs/math/dcec.md#worked-example: two points, two centres, α = 1. */
    @Test void workedExample() {
        Tensor z = Tensor.parameter(new float[] {0, 0, 2, 1}, 2, 2);
        ClusteringLayer layer = new ClusteringLayer(2, 2, 1f);
        layer.setCentres(new float[] {0, 1, 2, 0});
        Tensor q = layer.forward(z);
        assertArrayEquals(new float[] {5f / 7, 2f / 7, 2f / 7, 5f / 7}, q.data, 1e-6f);
        float[] p = TargetDistribution.of(q.data, 2, 2);
        assertArrayEquals(new float[] {25f / 29, 4f / 29, 4f / 29, 25f / 29}, p, 1e-6f);
        Tensor lc = F.klDiv(Tensor.of(p, 2, 2), q);
        assertEquals(25.0 / 29 * Math.log(35.0 / 29) + 4.0 / 29 * Math.log(14.0 / 29), lc.item(), 1e-6);
        assertEquals(0.0616673, lc.item(), 1e-6);
        lc.backward();
        assertArrayEquals(new float[] {12f / 203, -15f / 203, -12f / 203, 15f / 203}, z.grad(), 1e-6f);
        assertArrayEquals(new float[] {12f / 203, 15f / 203, -12f / 203, -15f / 203}, layer.mu.grad(), 1e-6f);
    }

    /**
     * ∂L_c/∂z_i and ∂L_c/∂μ_j from autograd against the closed form of docs/math/dcec.md#gradients (batch mean),
     * on random data, for α = 1 and α = 2.
     */
    @Test void gradientsMatchClosedForm() {
        for (float alpha : new float[] {1f, 2f}) {
            SplittableRandom r = new SplittableRandom(11);
            int B = 7, K = 4, D = 3;
            float[] zv = new float[B * D], mv = new float[K * D], pv = new float[B * K];
            for (int i = 0; i < zv.length; i++) zv[i] = (float) (2 * r.nextDouble() - 1);
            for (int i = 0; i < mv.length; i++) mv[i] = (float) (2 * r.nextDouble() - 1);
            for (int i = 0; i < B; i++) {
                double s = 0;
                for (int j = 0; j < K; j++) { pv[i * K + j] = (float) r.nextDouble(); s += pv[i * K + j]; }
                for (int j = 0; j < K; j++) pv[i * K + j] /= (float) s;
            }
            Tensor z = Tensor.parameter(zv.clone(), B, D);
            ClusteringLayer layer = new ClusteringLayer(K, D, alpha);
            layer.setCentres(mv);
            Tensor q = layer.forward(z);
            float[][] g = Autograd.gradients(F.klDiv(Tensor.of(pv, B, K), q), z, layer.mu);
            // closed form in double, from scratch
            double[] dz = new double[B * D], dmu = new double[K * D];
            for (int i = 0; i < B; i++) {
                double[] u = new double[K], qq = new double[K];
                double tot = 0;
                for (int j = 0; j < K; j++) {
                    double d2 = 0;
                    for (int d = 0; d < D; d++) { double e = zv[i * D + d] - mv[j * D + d]; d2 += e * e; }
                    u[j] = 1 + d2 / alpha;
                    qq[j] = Math.pow(u[j], -(alpha + 1) / 2.0);
                    tot += qq[j];
                }
                for (int j = 0; j < K; j++) {
                    qq[j] /= tot;
                    double s = (alpha + 1.0) / alpha / u[j] * (pv[i * K + j] - qq[j]) / B;
                    for (int d = 0; d < D; d++) {
                        double e = zv[i * D + d] - mv[j * D + d];
                        dz[i * D + d] += s * e;
                        dmu[j * D + d] -= s * e;
                    }
                }
            }
            for (int i = 0; i < dz.length; i++) assertEquals(dz[i], g[0][i], 1e-6, "dz[" + i + "] alpha " + alpha);
            for (int i = 0; i < dmu.length; i++) assertEquals(dmu[i], g[1][i], 1e-6, "dmu[" + i + "] alpha " + alpha);
        }
    }
}
