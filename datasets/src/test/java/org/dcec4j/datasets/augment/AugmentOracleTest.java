package org.dcec4j.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The augmentation checked against docs/math/augmentation.md by code written from the page alone, not from
 * {@link AffineWarp}: the warp against a brute-force double implementation (the 3×3 product T(o)·R·S·T(−o) built
 * and multiplied out, the nearest fill as an image extended by its border rather than a clamped point), and the
 * drawn parameters against their documented ranges and distribution.
 */
class AugmentOracleTest {

    /** a·b for 3×3 matrices, in the plain order of a matrix product (what NumPy's dot does for 3×3). */
    private static double[][] dot(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    /** in[c, i, j] on the image extended outwards by repeating its border (scipy's mode 'nearest'). */
    private static double extended(float[] in, int c, int i, int j, int H, int W) {
        i = Math.max(0, Math.min(H - 1, i));
        j = Math.max(0, Math.min(W - 1, j));
        return in[(c * H + i) * W + j];
    }

    /** The documented transform, in double: M = T(o)·R·S·T(−o), o = (H/2 + 1/2, W/2 + 1/2), bilinear on the extended image. */
    private static double[] oracle(float[] in, int C, int H, int W, double thetaDeg, double tx, double ty) {
        double t = Math.toRadians(thetaDeg), cos = Math.cos(t), sin = Math.sin(t);
        double oR = H / 2.0 + 0.5, oC = W / 2.0 + 0.5;
        double[][] T = {{1, 0, oR}, {0, 1, oC}, {0, 0, 1}};
        double[][] R = {{cos, -sin, 0}, {sin, cos, 0}, {0, 0, 1}};
        double[][] S = {{1, 0, tx}, {0, 1, ty}, {0, 0, 1}};
        double[][] Tm = {{1, 0, -oR}, {0, 1, -oC}, {0, 0, 1}};
        double[][] M = dot(dot(T, dot(R, S)), Tm);
        assertEquals(0.0, M[2][0]);
        assertEquals(0.0, M[2][1]);
        assertEquals(1.0, M[2][2]);
        double[] out = new double[C * H * W];
        for (int c = 0; c < C; c++)
            for (int r = 0; r < H; r++)
                for (int q = 0; q < W; q++) {
                    double y = M[0][0] * r + M[0][1] * q + M[0][2];   // output → input: the inverse mapping
                    double x = M[1][0] * r + M[1][1] * q + M[1][2];
                    int i = (int) Math.floor(y), j = (int) Math.floor(x);
                    double fy = y - i, fx = x - j;
                    out[(c * H + r) * W + q] =
                            extended(in, c, i, j, H, W) * (1 - fy) * (1 - fx)
                            + extended(in, c, i, j + 1, H, W) * (1 - fy) * fx
                            + extended(in, c, i + 1, j, H, W) * fy * (1 - fx)
                            + extended(in, c, i + 1, j + 1, H, W) * fy * fx;
                }
        return out;
    }

    /**
     * On small images (square and not, one to three channels, values of both signs), rotations up to ±180° and
     * shifts that push the sampling points far outside: every output within float rounding of the double oracle.
     */
    @Test
    void warpMatchesABruteForceDoubleImplementationOfTheDocumentedFormula() {
        SplittableRandom rnd = new SplittableRandom(2024);
        int[][] shapes = {{1, 5, 7}, {2, 6, 6}, {1, 9, 4}, {3, 4, 11}, {1, 28, 28}, {1, 1, 3}, {1, 2, 2}};
        double[][] fixed = {{0, 0, 0}, {10, 0, 0}, {-10, 0, 0}, {0, 0.5, -1.25}, {90, 0, 0}, {180, 0, 0},
                {-7.3, 2.8, -2.8}, {33, -9.5, 6.25}, {0, 40, -40}};
        int cases = 0;
        double worst = 0;
        for (int[] s : shapes) {
            int C = s[0], H = s[1], W = s[2], n = C * H * W;
            float[] in = new float[n];
            for (int i = 0; i < n; i++) in[i] = (float) (rnd.nextDouble() * 4 - 1);
            double[][] params = Arrays.copyOf(fixed, fixed.length + 20);
            for (int k = fixed.length; k < params.length; k++)
                params[k] = new double[] {rnd.nextDouble(-180, 180), rnd.nextDouble(-1.5, 1.5) * H, rnd.nextDouble(-1.5, 1.5) * W};
            for (double[] p : params) {
                float[] out = new float[n];
                AffineWarp.apply(out, 0, in, 0, C, H, W, p[0], p[1], p[2]);
                double[] want = oracle(in, C, H, W, p[0], p[1], p[2]);
                for (int i = 0; i < n; i++) {
                    double err = Math.abs(out[i] - want[i]);
                    // one float rounding of the result, plus the double rounding of two formulations (≪ 1 float ulp)
                    double tol = Math.ulp((float) want[i]) + 1e-12;
                    worst = Math.max(worst, err / tol);
                    if (err > tol) {
                        throw new AssertionError(String.format("C,H,W = %s, θ = %s°, tx = %s, ty = %s: out[%d] = %s, oracle %s",
                                Arrays.toString(s), p[0], p[1], p[2], i, out[i], want[i]));
                    }
                }
                cases++;
            }
        }
        assertEquals(shapes.length * (fixed.length + 20), cases);
        assertTrue(worst <= 1, "worst error " + worst + " float ulps");
    }

    /** The sampling point of the documented inverse mapping, checked on three pixels against the direction the docs state. */
    @Test
    void positiveParametersMoveTheContentUpLeftAndClockwise() {
        int H = 15, W = 15;                        // o = (8, 8)
        float[] in = new float[H * W], out = new float[H * W];
        in[8 * W + 8] = 1;                          // a single bright pixel at the pivot: a shift moves it
        AffineWarp.apply(out, 0, in, 0, 1, H, W, 0, 2, 3);
        assertEquals(1f, out[6 * W + 5]);           // tx = 2 moves it up 2 rows, ty = 3 left 3 columns
        Arrays.fill(in, 0);
        in[8 * W + 13] = 1;                         // 5 columns right of the pivot
        AffineWarp.apply(out, 0, in, 0, 1, H, W, 90, 0, 0);
        assertEquals(1f, out[13 * W + 8], 1e-6f);   // θ = +90°: right of the pivot becomes below it (clockwise on screen)
    }

    /**
     * A seeded sample of 60,000 draws (600 steps × 100 images): every parameter inside its documented half-open range,
     * the extremes of u (0 and 1 − 2⁻⁵³) mapping to −range exactly and to below +range, a Kolmogorov–Smirnov distance to
     * the uniform distribution below its 0.1 % critical value, mean and variance (a²/3) as for U[−a, a), and the three
     * parameters, and the same parameter of neighbouring images and steps, uncorrelated.
     */
    @Test
    void drawnParametersAreUniformOnExactlyTheDocumentedRanges() {
        RandomAffine a = RandomAffine.decDa();
        int H = 28, W = 17, STEPS = 600, IMAGES = 100, N = STEPS * IMAGES;
        double[] half = {10, 0.1 * H, 0.1 * W};
        double[][] v = new double[3][N];
        for (int s = 0; s < STEPS; s++)
            for (int i = 0; i < IMAGES; i++) {
                RandomAffine.Params p = a.params(99L, s, i, H, W);
                v[0][s * IMAGES + i] = p.thetaDegrees();
                v[1][s * IMAGES + i] = p.rowShift();
                v[2][s * IMAGES + i] = p.colShift();
            }
        double uMax = 1 - 0x1.0p-53;              // the largest value of ⌊mix/2¹¹⌋·2⁻⁵³
        assertEquals(uMax, (-1L >>> 11) * 0x1.0p-53);
        double[] range = {10, 0.1, 0.1};
        int[] size = {1, H, W};
        for (int k = 0; k < 3; k++) {
            assertEquals(-half[k], RandomAffine.symmetric(range[k], 0.0) * size[k], "lower end of parameter " + k);
            assertTrue(RandomAffine.symmetric(range[k], uMax) * size[k] < half[k], "upper end of parameter " + k);
            double[] x = v[k].clone();
            Arrays.sort(x);
            assertTrue(x[0] >= -half[k] && x[N - 1] < half[k], "parameter " + k + " in [" + x[0] + ", " + x[N - 1] + "]");
            double d = 0;
            for (int i = 0; i < N; i++) {
                double cdf = (x[i] + half[k]) / (2 * half[k]);
                d = Math.max(d, Math.max(cdf - (double) i / N, (double) (i + 1) / N - cdf));
            }
            assertTrue(d < 1.95 / Math.sqrt(N), "parameter " + k + ": KS distance " + d);
            double mean = Arrays.stream(x).sum() / N, var = Arrays.stream(x).map(t -> t * t).sum() / N - mean * mean;
            double sdMean = half[k] / Math.sqrt(3.0 * N);
            assertTrue(Math.abs(mean) < 4 * sdMean, "parameter " + k + ": mean " + mean);
            assertEquals(half[k] * half[k] / 3, var, 0.02 * half[k] * half[k] / 3, "parameter " + k + ": variance");
        }
        double limit = 4 / Math.sqrt(N);            // 4 standard deviations of a correlation of independent draws
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(corr(v[k], v[(k + 1) % 3], 0, 0)) < limit, "parameters " + k + " and " + (k + 1) % 3);
            assertTrue(Math.abs(corr(v[k], v[k], 0, 1)) < limit, "parameter " + k + " of images i and i + 1");
            assertTrue(Math.abs(corr(v[k], v[k], 0, IMAGES)) < limit, "parameter " + k + " of steps s and s + 1");
        }
    }

    /** The correlation of a[i + sa] and b[i + sb] over the overlapping indices. */
    private static double corr(double[] a, double[] b, int sa, int sb) {
        int n = Math.min(a.length - sa, b.length - sb);
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i + sa]; mb += b[i + sb]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i + sa] - ma, db = b[i + sb] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
