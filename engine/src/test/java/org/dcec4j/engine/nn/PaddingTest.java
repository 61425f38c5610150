package org.dcec4j.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.junit.jupiter.api.Test;

/** Keras 'same'/'valid' rules and the DCEC shape table (docs/spec.md#padding, docs/spec.md#architecture), by hand. */
class PaddingTest {
    @Test void kerasSamePaddingPutsTheSmallerHalfFirst() {
        assertArrayEquals(new int[] {1, 2}, Padding.samePadding(28, 5, 2));   // out 14, total 3
        assertArrayEquals(new int[] {1, 2}, Padding.samePadding(14, 5, 2));   // out 7,  total 3
        assertArrayEquals(new int[] {0, 1}, Padding.samePadding(4, 3, 2));    // out 2,  total 1
        assertArrayEquals(new int[] {1, 1}, Padding.samePadding(7, 3, 1));    // out 7,  total 2
        assertArrayEquals(new int[] {0, 0}, Padding.samePadding(8, 1, 2));    // total max(…, 0)
        assertArrayEquals(new int[] {1, 2}, Padding.sameCrop(14, 5, 2));      // full 31 → 28
        assertArrayEquals(new int[] {0, 1}, Padding.sameCrop(2, 3, 2));       // full 5 → 4
    }

    @Test void dcecShapeTable() {
        SplittableRandom r = new SplittableRandom(0);
        Object[][] rows = {
            {28, new int[] {32, 14, 14}, new int[] {64, 7, 7}, new int[] {128, 3, 3}},
            {16, new int[] {32, 8, 8}, new int[] {64, 4, 4}, new int[] {128, 2, 2}},
        };
        for (Object[] row : rows) {
            int s = (Integer) row[0];
            Tensor x = Tensor.zeros(1, 1, s, s);
            Tensor h1 = new Conv2d(1, 32, 5, 2, Padding.same(), r).forward(x);
            Tensor h2 = new Conv2d(32, 64, 5, 2, Padding.same(), r).forward(h1);
            Tensor h3 = new Conv2d(64, 128, 3, 2, s % 8 == 0 ? Padding.same() : Padding.valid(), r).forward(h2);
            assertArrayEquals(new int[] {1, 32, ((int[]) row[1])[1], ((int[]) row[1])[2]}, h1.shape());
            assertArrayEquals(new int[] {1, 64, ((int[]) row[2])[1], ((int[]) row[2])[2]}, h2.shape());
            assertArrayEquals(new int[] {1, 128, ((int[]) row[3])[1], ((int[]) row[3])[2]}, h3.shape());
            Tensor d3 = new ConvTranspose2d(128, 64, 3, 2, s % 8 == 0 ? Padding.same() : Padding.valid(), r).forward(h3);
            Tensor d2 = new ConvTranspose2d(64, 32, 5, 2, Padding.same(), r).forward(d3);
            Tensor d1 = new ConvTranspose2d(32, 1, 5, 2, Padding.same(), r).forward(d2);
            assertArrayEquals(h2.shape(), d3.shape());
            assertArrayEquals(h1.shape(), d2.shape());
            assertArrayEquals(x.shape(), d1.shape());
        }
    }

    @Test void pytorchOutputPaddingIsACrop() {
        Padding p = Padding.pytorchTransposed(2, 1);
        assertArrayEquals(new int[] {2, 1, 2, 1}, p.forTransposed(14, 14, 5, 5, 2));
        // PyTorch: (14−1)·2 − 2·2 + 5 + 1 = 28
        Tensor y = new ConvTranspose2d(1, 1, 5, 2, p, new SplittableRandom(1)).forward(Tensor.zeros(1, 1, 14, 14));
        assertEquals(28, y.dim(2));
    }

    @Test void glorotUniformStaysInsideItsLimitAndUsesItsWidth() {
        float[] w = new float[32 * 64 * 25];
        Init.glorotUniform(w, 32 * 25, 64 * 25, new SplittableRandom(5));
        double a = Math.sqrt(6.0 / (32 * 25 + 64 * 25)), max = 0, sumSq = 0;
        for (float v : w) { max = Math.max(max, Math.abs(v)); sumSq += v * v; }
        assertEquals(true, max <= a);
        assertEquals(a * a / 3, sumSq / w.length, 0.05 * a * a / 3);   // variance of U(−a, a)
        assertEquals(a, max, 0.01 * a);
    }

    @Test void uniformFanInStaysInsideItsLimitAndUsesItsWidth() {
        float[] w = new float[500 * 784];
        Init.uniformFanIn(w, 784, new SplittableRandom(5));
        double a = Math.sqrt(1.0 / 784), max = 0, sumSq = 0;
        for (float v : w) { max = Math.max(max, Math.abs(v)); sumSq += v * v; }
        assertEquals(true, max <= a);
        assertEquals(1.0 / (3 * 784), sumSq / w.length, 0.02 / (3 * 784));   // Keras VarianceScaling(1/3, fan_in): s / fanIn
        assertEquals(a, max, 0.01 * a);
    }

    /** Both schemes take one draw per weight: the same generator gives the same uniforms, scaled by the two bounds. */
    @Test void schemesDifferOnlyInTheirBound() {
        float[] g = new float[1000], u = new float[1000];
        Init.Scheme.GLOROT_UNIFORM.fill(g, 784, 500, new SplittableRandom(8));
        Init.Scheme.UNIFORM_FAN_IN.fill(u, 784, 500, new SplittableRandom(8));
        double ratio = Math.sqrt(1.0 / 784) / Math.sqrt(6.0 / (784 + 500));
        for (int i = 0; i < g.length; i++) assertEquals(g[i] * ratio, u[i], 1e-6, "weight " + i);
        assertEquals(Init.Scheme.UNIFORM_FAN_IN, Init.Scheme.byName("uniform-fan-in"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Init.Scheme.byName("he"));
        assertEquals(true, e.getMessage().contains("glorot-uniform"));
    }

    /**
     * A transposed convolution counts its fans as Keras does for a Conv2DTranspose kernel (KH, KW, CO, CI):
     * fan_in = CO·KH·KW, fan_out = CI·KH·KW (docs/math/notation.md#initialisation). With 32 channels on one
     * side and 1 on the other the two counts are 800 and 25, so uniform-fan-in's bound √(1/fan_in) is 0.2 or
     * √(1/800) ≈ 0.035 depending on which side it counts: the largest of 800 draws lies just below the right bound
     * (P(max < 0.98·a) = 0.98^800 ≈ 1e-7) and far from the other. Glorot's bound √(6/(fan_in + fan_out)) is the
     * same either way (the docs say so); it is checked too.
     */
    @Test void convTransposeFansAreKerasConv2DTransposeFans() {
        int k = 5, rf = k * k;
        for (int[] io : new int[][] {{32, 1}, {1, 32}}) {
            int in = io[0], out = io[1];
            // uniform-fan-in: a = √(1 / (CO·KH·KW)); the swapped count would give √(1 / (CI·KH·KW))
            double a = Math.sqrt(1.0 / (out * rf)), swapped = Math.sqrt(1.0 / (in * rf));
            double max = maxAbs(new ConvTranspose2d(in, out, k, 2, Padding.same(), Activation.NONE,
                    Init.Scheme.UNIFORM_FAN_IN, new SplittableRandom(3)).weight.data);
            assertEquals(true, max <= a, in + "->" + out + ": max |w| " + max + " above the bound " + a);
            assertEquals(true, max >= 0.98 * a, in + "->" + out + ": max |w| " + max + " well below the bound " + a
                    + " (the swapped fans' bound is " + swapped + ")");
            // glorot-uniform: a = √(6 / ((CO + CI)·KH·KW)) = √(6 / 825)
            double g = Math.sqrt(6.0 / (in * rf + out * rf));
            max = maxAbs(new ConvTranspose2d(in, out, k, 2, Padding.same(), Activation.NONE,
                    Init.Scheme.GLOROT_UNIFORM, new SplittableRandom(3)).weight.data);
            assertEquals(true, max <= g && max >= 0.98 * g, in + "->" + out + ": glorot max |w| " + max + ", bound " + g);
        }
    }

    /**
     * The same for a convolution, fan_in = C·KH·KW (docs/math/notation.md#initialisation), and a dense layer, fan_in = IN:
     * with 32 channels (800 inputs) on one side and 1 (25) on the other, uniform-fan-in's bound is √(1/800) or √(1/25)
     * depending on which side is counted, and the largest of 800 draws lies just below the right one. Glorot's bound,
     * the same either way, is not enough to tell: no other test draws these layers with uniform-fan-in.
     */
    @Test void convolutionAndDenseFansAreKerasFans() {
        int k = 5, rf = k * k;
        for (int[] io : new int[][] {{32, 1}, {1, 32}}) {
            int in = io[0], out = io[1];
            double a = Math.sqrt(1.0 / (in * rf)), swapped = Math.sqrt(1.0 / (out * rf));
            double max = maxAbs(new Conv2d(in, out, k, 2, Padding.same(), Activation.NONE,
                    Init.Scheme.UNIFORM_FAN_IN, new SplittableRandom(3)).weight.data);
            assertEquals(true, max <= a && max >= 0.98 * a, "conv " + in + "->" + out + ": max |w| " + max + ", bound " + a
                    + " (the swapped fans' bound is " + swapped + ")");
        }
        for (int[] io : new int[][] {{800, 1}, {1, 800}}) {
            int in = io[0], out = io[1];
            double a = Math.sqrt(1.0 / in), swapped = Math.sqrt(1.0 / out);
            double max = maxAbs(new Linear(in, out, Init.Scheme.UNIFORM_FAN_IN, new SplittableRandom(3)).weight.data);
            assertEquals(true, max <= a && max >= 0.98 * a, "dense " + in + "->" + out + ": max |w| " + max + ", bound " + a
                    + " (the swapped fans' bound is " + swapped + ")");
        }
    }

    private static double maxAbs(float[] w) {
        double max = 0;
        for (float v : w) max = Math.max(max, Math.abs(v));
        return max;
    }
}
