package org.dcec4j.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of {@link AffineWarp} and {@link RandomAffine} that hold exactly, without an external oracle. */
class RandomAffineTest {

    /** Values k/255 (like a scaled MNIST byte), from a seeded generator. */
    static float[] image(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(256) / 255f;
        return x;
    }

    static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    @Test
    void identityReturnsTheImageExactly() {
        for (int[] s : new int[][] {{1, 28, 28}, {3, 16, 16}, {2, 9, 14}, {1, 1, 1}, {1, 1, 7}}) {
            int C = s[0], H = s[1], W = s[2];
            float[] in = image(C * H * W, 1), out = new float[C * H * W];
            AffineWarp.apply(out, 0, in, 0, C, H, W, 0.0, 0.0, 0.0);
            assertArrayEquals(in, out, Arrays.toString(s));
        }
    }

    /** A shift by whole pixels moves pixels exactly: out[c, r, q] = in[c, clamp(r + tx), clamp(q + ty)]. */
    @Test
    void integerShiftMovesPixelsExactlyWithEdgeReplication() {
        int C = 3, H = 10, W = 12;
        float[] in = image(C * H * W, 2), out = new float[C * H * W];
        for (int[] t : new int[][] {{3, -2}, {-4, 5}, {0, 11}, {-9, 0}, {25, -30}}) {
            AffineWarp.apply(out, 0, in, 0, C, H, W, 0.0, t[0], t[1]);
            for (int c = 0; c < C; c++)
                for (int r = 0; r < H; r++)
                    for (int q = 0; q < W; q++) {
                        float want = in[(c * H + clamp(r + t[0], H - 1)) * W + clamp(q + t[1], W - 1)];
                        assertEquals(want, out[(c * H + r) * W + q], 0f,
                                "shift " + Arrays.toString(t) + " at c=" + c + ", r=" + r + ", q=" + q);
                    }
        }
    }

    /**
     * A quarter turn pivots about Keras' centre o = (H/2 + 1/2, W/2 + 1/2), not the image centre
     * ((H−1)/2, (W−1)/2): the input point of (r, q) is (o_r − (q − o_c), o_c + (r − o_r)), which for a
     * square image is (2·o − q, r), a whole pixel position. With the later Keras centre (size/2 − 1/2)
     * this test fails.
     */
    @Test
    void quarterTurnPivotsAboutTheKerasCentre() {
        for (int S : new int[] {4, 5, 6}) {
            float[] in = image(S * S, S), out = new float[S * S];
            AffineWarp.apply(out, 0, in, 0, 1, S, S, 90.0, 0.0, 0.0);
            double o = S / 2.0 + 0.5;
            for (int r = 0; r < S; r++)
                for (int q = 0; q < S; q++) {
                    int y = (int) Math.round(o - (q - o)), x = (int) Math.round(o + (r - o));
                    float want = in[clamp(y, S - 1) * S + clamp(x, S - 1)];
                    assertEquals(want, out[r * S + q], 0f, "S=" + S + " at r=" + r + ", q=" + q);
                }
        }
    }

    /** Bilinear interpolation reproduces a linear ramp exactly where no clamping happens. */
    @Test
    void linearRampIsReproducedInsideTheImage() {
        int H = 20, W = 24;
        float[] in = new float[H * W], out = new float[H * W];
        for (int r = 0; r < H; r++) for (int q = 0; q < W; q++) in[r * W + q] = 0.25f * r + 0.125f * q;
        double[] m = new double[6];
        double theta = 7.5, tx = 1.25, ty = -0.75;
        AffineWarp.matrix(m, theta, tx, ty, H, W);
        AffineWarp.apply(out, 0, in, 0, 1, H, W, theta, tx, ty);
        int inside = 0;
        for (int r = 0; r < H; r++)
            for (int q = 0; q < W; q++) {
                double y = m[0] * r + m[1] * q + m[2], x = m[3] * r + m[4] * q + m[5];
                if (y < 0 || y > H - 1 || x < 0 || x > W - 1) continue;
                inside++;
                assertEquals(0.25 * y + 0.125 * x, out[r * W + q], 1e-5, "r=" + r + ", q=" + q);
            }
        assertTrue(inside > H * W / 2);
    }

    @Test
    void zeroRangesGiveZeroParametersAndTheImageBack() {
        RandomAffine none = new RandomAffine(0, 0, 0);
        int C = 2, H = 9, W = 14;
        float[] in = image(C * H * W, 3), out = new float[C * H * W];
        for (int i = 0; i < 1000; i++) {
            RandomAffine.Params p = none.params(i * 31L, i, i * 7, H, W);
            assertEquals(0.0, p.thetaDegrees(), 0.0);
            assertEquals(0.0, p.rowShift(), 0.0);
            assertEquals(0.0, p.colShift(), 0.0);
        }
        none.apply(out, 0, in, 0, C, H, W, 9L, 4L, 123);
        assertArrayEquals(in, out);
        // one range zero leaves the other two drawn as before (each parameter has its own position in the stream)
        RandomAffine onlyRotation = new RandomAffine(10, 0, 0);
        RandomAffine.Params full = RandomAffine.decDa().params(5, 6, 7, 28, 28), rot = onlyRotation.params(5, 6, 7, 28, 28);
        assertEquals(full.thetaDegrees(), rot.thetaDegrees(), 0.0);
        assertEquals(0.0, rot.rowShift(), 0.0);
    }

    /** Over 200,000 draws: inside DEC-DA's ranges, reaching their ends, flat over 10 bins, uncorrelated. */
    @Test
    void parametersCoverTheRangesUniformly() {
        RandomAffine a = RandomAffine.decDa();
        int H = 28, W = 20, N = 200_000, BINS = 10;
        double[] lo = {-10, -2.8, -2.0}, hi = {10, 2.8, 2.0};
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        int[][] hist = new int[3][BINS];
        double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < N; i++) {
            RandomAffine.Params p = a.params(17L, i / 1000, i % 1000, H, W);   // 200 steps × 1000 images
            double[] v = {p.thetaDegrees(), p.rowShift(), p.colShift()};
            for (int k = 0; k < 3; k++) {
                if (!(v[k] >= lo[k] && v[k] < hi[k])) fail("parameter " + k + " = " + v[k] + " outside [" + lo[k] + ", " + hi[k] + ")");
                min[k] = Math.min(min[k], v[k]);
                max[k] = Math.max(max[k], v[k]);
                hist[k][(int) ((v[k] - lo[k]) / (hi[k] - lo[k]) * BINS)]++;
            }
            sx += v[0]; sy += v[1]; sxx += v[0] * v[0]; syy += v[1] * v[1]; sxy += v[0] * v[1];
        }
        for (int k = 0; k < 3; k++) {
            double span = hi[k] - lo[k];
            assertTrue(min[k] < lo[k] + 0.001 * span && max[k] > hi[k] - 0.001 * span,
                    "parameter " + k + " spans only [" + min[k] + ", " + max[k] + "]");
            for (int b = 0; b < BINS; b++) {   // expected 20,000 per bin, sd ≈ 134: ±5 % is 7 sd
                assertTrue(Math.abs(hist[k][b] - N / BINS) < 0.05 * N / BINS, "parameter " + k + " bin " + b + ": " + hist[k][b]);
            }
        }
        double cov = sxy / N - (sx / N) * (sy / N);
        double rho = cov / Math.sqrt((sxx / N - (sx / N) * (sx / N)) * (syy / N - (sy / N) * (sy / N)));
        assertTrue(Math.abs(rho) < 0.01, "theta and row shift correlate: " + rho);
    }

    @Test
    void sameTripleSameBitsAndEachComponentMatters() {
        int C = 3, H = 16, W = 16, n = C * H * W;
        float[] in = image(n, 4);
        float[] a = new float[n], b = new float[n];
        RandomAffine.decDa().apply(a, 0, in, 0, C, H, W, 11L, 5L, 42);
        new RandomAffine(10, 0.1, 0.1).apply(b, 0, in, 0, C, H, W, 11L, 5L, 42);
        assertArrayEquals(a, b, "same (seed, step, index), another instance");
        long[][] others = {{12, 5, 42}, {11, 6, 42}, {11, 5, 43}};
        for (long[] o : others) {
            RandomAffine.decDa().apply(b, 0, in, 0, C, H, W, o[0], o[1], (int) o[2]);
            assertFalse(Arrays.equals(a, b), "(seed, step, index) = " + Arrays.toString(o) + " gave the same image");
        }
    }

    /** Distinct keys for a whole MNIST-sized epoch grid: no two (step, index) pairs share a stream. */
    @Test
    void streamKeysDoNotCollide() {
        int steps = 50, images = 70_000;
        long[] keys = new long[steps * images];
        for (int s = 0; s < steps; s++) for (int i = 0; i < images; i++) keys[s * images + i] = RandomAffine.streamKey(3L, s, i);
        Arrays.sort(keys);
        for (int i = 1; i < keys.length; i++) if (keys[i] == keys[i - 1]) fail("two triples share the key " + keys[i]);
    }

    /** Per-row parameters come from the data-set index, not from the row. */
    @Test
    void batchRowsUseTheirDataSetIndex() {
        int C = 1, H = 28, W = 28, n = C * H * W, B = 5;
        float[] in = image(B * n, 5), out = new float[B * n], one = new float[n];
        int[] indices = {907, 3, 59_999, 3, 12};
        RandomAffine a = RandomAffine.decDa();
        a.applyBatch(out, in, C, H, W, 1L, 7L, indices, 0, B);
        for (int b = 0; b < B; b++) {
            a.apply(one, 0, in, b * n, C, H, W, 1L, 7L, indices[b]);
            assertArrayEquals(one, Arrays.copyOfRange(out, b * n, (b + 1) * n), "row " + b);
        }
        a.applyBatch(out, in, C, H, W, 1L, 7L, 256, 1, 4);   // rows 1..3 are images 257..259
        for (int b = 1; b < 4; b++) {
            a.apply(one, 0, in, b * n, C, H, W, 1L, 7L, 256 + b);
            assertArrayEquals(one, Arrays.copyOfRange(out, b * n, (b + 1) * n), "row " + b + " (consecutive)");
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        RandomAffine a = RandomAffine.decDa();
        float[] x = new float[2 * 784], y = new float[2 * 784];
        assertMessage("heightShift", () -> new RandomAffine(10, 1.0, 0.1));
        assertMessage("rotationDegrees", () -> new RandomAffine(-1, 0.1, 0.1));
        assertMessage("in must hold 2352", () -> a.applyBatch(new float[3 * 784], x, 1, 28, 28, 0, 0, 0, 0, 3));
        assertMessage("same array", () -> a.applyBatch(x, x, 1, 28, 28, 0, 0, 0, 0, 2));
        assertMessage("overlap", () -> a.apply(x, 100, x, 0, 1, 28, 28, 0, 0, 0));
        assertMessage("indices", () -> a.applyBatch(y, x, 1, 28, 28, 0, 0, new int[1], 0, 2));
        assertMessage("C=0", () -> a.apply(y, 0, x, 0, 0, 28, 28, 0, 0, 0));
        assertMessage("finite", () -> AffineWarp.apply(y, 0, x, 0, 1, 28, 28, Double.NaN, 0, 0));
        assertMessage("threads", () -> new RandomAffinePool(a, 0));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }

    /**
     * No allocation once warm: 200 batches of 64 MNIST-sized images on one thread allocate (next to)
     * nothing on the calling thread (HotSpot's per-thread allocation counter) beyond what the JDK's own
     * {@code StrictMath.sin}/{@code cos} allocate for the same angles: from JDK 21 on they are a Java port of
     * fdlibm that creates a small array per call unless the JIT removes it (JDK 17's are native and allocate
     * nothing), so that amount is measured the same way and allowed.
     */
    @Test
    void noAllocationPerImage() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        // reported as skipped, not passed, on a JVM without HotSpot's per-thread allocation counter
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean h && h.isThreadAllocatedMemorySupported(),
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) bean;
        hs.setThreadAllocatedMemoryEnabled(true);
        int C = 1, H = 28, W = 28, B = 64, n = C * H * W;
        float[] in = image(B * n, 6), out = new float[B * n];
        int[] indices = new int[B];
        for (int b = 0; b < B; b++) indices[b] = 1000 - 3 * b;
        RandomAffine a = RandomAffine.decDa();
        for (int i = 0; i < 50; i++) a.applyBatch(out, in, C, H, W, 1L, i, indices, 0, B);   // warm-up
        long before = hs.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) a.applyBatch(out, in, C, H, W, 1L, i, indices, 0, B);
        long bytes = hs.getCurrentThreadAllocatedBytes() - before;
        // the JDK's share: StrictMath.cos and sin of the same 12,800 angles, warmed up as above
        double sink = 0;
        for (int i = 0; i < 50; i++) sink += trig(a, i, indices);
        long trigBefore = hs.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) sink += trig(a, i, indices);
        long trigBytes = hs.getCurrentThreadAllocatedBytes() - trigBefore;
        assertTrue(bytes - trigBytes < 4096, bytes + " bytes allocated for 12,800 images, of which StrictMath's own " + trigBytes
                + " (sink " + sink + ")");
    }

    /** cos θ + sin θ of one batch's angles, as {@link AffineWarp} computes them. */
    static double trig(RandomAffine a, int step, int[] indices) {
        double s = 0;
        for (int index : indices) {
            double t = a.theta(RandomAffine.streamKey(1L, step, index)) * AffineWarp.DEG_TO_RAD;
            s += StrictMath.cos(t) + StrictMath.sin(t);
        }
        return s;
    }

    /**
     * On a non-square image the row shift scales with H and the column shift with W (docs/math/augmentation.md
     * #random-parameters: tx = (−h + 2h·u_2)·H, ty = (−w + 2w·u_3)·W): apply, both applyBatch forms and
     * AffineWarp.apply with params(seed, step, i, H, W) give the same bits, for 9×14 and 14×9. The params are inside
     * their documented ranges ±h·H and ±w·W.
     */
    @Test
    void applyUsesTheParamsOfItsNonSquareImage() {
        RandomAffine a = RandomAffine.decDa();
        for (int[] s : new int[][] {{2, 9, 14}, {1, 14, 9}}) {
            int C = s[0], H = s[1], W = s[2], n = C * H * W, B = 40;
            float[] in = image(B * n, 6), out = new float[n], ref = new float[n];
            float[] batch = new float[B * n], consecutive = new float[B * n];
            int[] indices = new int[B];
            for (int i = 0; i < B; i++) indices[i] = 100 + i;
            a.applyBatch(batch, in, C, H, W, 7L, 3L, indices, 0, B);
            a.applyBatch(consecutive, in, C, H, W, 7L, 3L, 100, 0, B);
            for (int i = 0; i < B; i++) {
                RandomAffine.Params p = a.params(7L, 3L, 100 + i, H, W);
                assertTrue(Math.abs(p.rowShift()) <= 0.1 * H && Math.abs(p.colShift()) <= 0.1 * W, p.toString());
                AffineWarp.apply(ref, 0, in, i * n, C, H, W, p.thetaDegrees(), p.rowShift(), p.colShift());
                a.apply(out, 0, in, i * n, C, H, W, 7L, 3L, 100 + i);
                String where = Arrays.toString(s) + " image " + (100 + i);
                assertArrayEquals(ref, out, where);
                assertArrayEquals(ref, Arrays.copyOfRange(batch, i * n, (i + 1) * n), where + " (indices)");
                assertArrayEquals(ref, Arrays.copyOfRange(consecutive, i * n, (i + 1) * n), where + " (consecutive)");
            }
        }
    }

    /**
     * A pure shift of one bright pixel on a 9×14 image, by hand. The docs' worked example gives seed 1, step 0,
     * index 0 on 28×28 with σ_h = σ_w = 0.1 the shifts tx = −0.5422626776218442 and ty = 1.8942835608545483, so
     * (−1 + 2u_2) = tx / 2.8 and (−1 + 2u_3) = ty / 2.8. With no rotation and h = w = 0.5 on 9×14 the shifts are
     * tx = 0.5·9·(tx_28 / 2.8) ≈ −0.8715 rows and ty = 0.5·14·(ty_28 / 2.8) ≈ 4.7357 columns. Output (r, q) samples
     * the input at (r + tx, q + ty), so the pixel at (4, 6) lands between rows 4, 5 and columns 1, 2 with bilinear
     * weights (1 − |r + tx − 4|)·(1 − |q + ty − 6|): brightest at (5, 1), 0.8715·0.7357 ≈ 0.641; every other output
     * pixel is 0. (With H and W swapped the shifts would be ≈ −1.356 and 3.044: rows 5, 6 and columns 2, 3.)
     */
    @Test
    void aShiftMovesABrightPixelOfANonSquareImageByHand() {
        int H = 9, W = 14;
        float[] in = new float[H * W], out = new float[H * W];
        in[4 * W + 6] = 1f;
        new RandomAffine(0, 0.5, 0.5).apply(out, 0, in, 0, 1, H, W, 1L, 0L, 0);
        double tx = 0.5 * H * (-0.5422626776218442 / 2.8), ty = 0.5 * W * (1.8942835608545483 / 2.8);
        assertEquals(-0.8714935890351069, tx, 1e-12);
        assertEquals(4.735708902136372, ty, 1e-12);
        int best = 0;
        for (int r = 0; r < H; r++) {
            for (int q = 0; q < W; q++) {
                double want = Math.max(0, 1 - Math.abs(r + tx - 4)) * Math.max(0, 1 - Math.abs(q + ty - 6));
                assertEquals(want, out[r * W + q], 1e-6, "output (" + r + ", " + q + ")");
                if (out[r * W + q] > out[best]) best = r * W + q;
            }
        }
        assertEquals(5 * W + 1, best, "the bright pixel's new place (row 5, column 1)");
        assertEquals(0.8714935890351069 * 0.7357089021363716, out[5 * W + 1], 1e-6);
        assertEquals(0.12850641096489301 * 0.26429109786362837, out[4 * W + 2], 1e-6);
    }
}
