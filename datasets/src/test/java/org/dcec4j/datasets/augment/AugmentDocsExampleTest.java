package org.dcec4j.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The worked examples of docs/math/augmentation.md#worked-example, number for number. */
class AugmentDocsExampleTest {

    @Test
    void shiftOnlyExample() {
        int H = 3, W = 4;
        float[] in = new float[H * W], out = new float[H * W];
        for (int r = 0; r < H; r++) for (int q = 0; q < W; q++) in[r * W + q] = 10 * r + q;
        double[] m = new double[6];
        AffineWarp.matrix(m, 0.0, 0.5, -1.25, H, W);
        assertArrayEquals(new double[] {1, -0.0, 0.5, 0, 1, -1.25}, m, 0.0);
        AffineWarp.apply(out, 0, in, 0, 1, H, W, 0.0, 0.5, -1.25);
        assertArrayEquals(new float[] {
            5, 5, 5.75f, 6.75f,
            15, 15, 15.75f, 16.75f,
            20, 20, 20.75f, 21.75f}, out, 0f);
    }

    @Test
    void rotationMatrixExample() {
        double[] m = new double[6];
        AffineWarp.matrix(m, 10.0, 0.0, 0.0, 28, 28);
        assertArrayEquals(new double[] {
            0.984807753012208, -0.17364817766693033, 2.738186157493473,
            0.17364817766693033, 0.984807753012208, -2.2976109948475063}, m, 1e-15);
        // offset = 14.5 · (1 − cos θ + sin θ, 1 − sin θ − cos θ)
        double c = Math.cos(Math.toRadians(10)), s = Math.sin(Math.toRadians(10));
        assertEquals(14.5 * (1 - c + s), m[2], 1e-13);
        assertEquals(14.5 * (1 - s - c), m[5], 1e-13);
        // output pixel (0, 0) samples (2.738, −2.298): x clamps to 0, y interpolates rows 2 and 3 of column 0
        float[] in = new float[28 * 28], out = new float[28 * 28];
        for (int r = 0; r < 28; r++) for (int q = 0; q < 28; q++) in[r * 28 + q] = r + 100 * q;
        AffineWarp.apply(out, 0, in, 0, 1, 28, 28, 10.0, 0.0, 0.0);
        assertEquals(2.738186157493473, out[0], 1e-6);
    }

    @Test
    void randomParametersExample() {
        RandomAffine a = RandomAffine.decDa();
        RandomAffine.Params p0 = a.params(1L, 0L, 0, 28, 28), p1 = a.params(1L, 0L, 1, 28, 28);
        assertEquals(7.695796330698265, p0.thetaDegrees(), 0.0);
        assertEquals(-0.5422626776218442, p0.rowShift(), 0.0);
        assertEquals(1.8942835608545483, p0.colShift(), 0.0);
        assertEquals(1.396230563150322, p1.thetaDegrees(), 0.0);
        assertEquals(-1.360710188005405, p1.rowShift(), 0.0);
        assertEquals(-2.154276107698027, p1.colShift(), 0.0);
    }
}
