package org.dcec4j.engine.kernels;

import org.dcec4j.engine.nn.Padding;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels give identical bits for 1, 2 and 3 threads: work is split over independent
 * outputs only. (Created by class name: this test class must load without jdk.incubator.vector.)
 */
class KernelDeterminismTest {

    private static Kernels vector(int threads) throws Exception {
        return Backend.create(Backend.Kind.VECTOR, threads).kernels();
    }

    /** Runs every kernel once on DCEC-like shapes (large enough for several chunks) into one result. */
    private static float[][] runAll(Kernels k) {
        Random rnd = new Random(42);
        ConvGeometry[] gs = {Padding.same().geometry(7, 32, 14, 14, 64, 5, 5, 2), Padding.same().geometry(9, 1, 28, 28, 32, 5, 5, 2),
                             new ConvGeometry(5, 12, 9, 7, 260, 5, 5, 1, 2, 2, 1, 0, 2)};
        float[][] out = new float[gs.length * 4 + 7][];
        int o = 0;
        for (ConvGeometry g : gs) {
            float[] x = KernelCases.random(rnd, g.inputSize()), w = KernelCases.random(rnd, g.weightSize());
            float[] dy = KernelCases.random(rnd, g.outputSize()), b = KernelCases.random(rnd, g.K);
            float[] y = new float[g.outputSize()], dx = new float[g.inputSize()], dw = new float[g.weightSize()];
            float[] t = new float[g.inputSize()], bc = KernelCases.random(rnd, g.C);
            k.conv2dForward(y, x, w, b, Activation.RELU, g);
            k.conv2dBackwardInput(dx, dy, w, g);
            k.conv2dBackwardWeight(dw, dy, x, g);
            k.convTranspose2dForward(t, dy, w, bc, Activation.RELU, g);
            out[o++] = y; out[o++] = dx; out[o++] = dw; out[o++] = t;
        }
        int M = 67, N = 45, K = 300;
        float[] a = KernelCases.random(rnd, M * K), bb = KernelCases.random(rnd, K * N), at = KernelCases.random(rnd, K * M);
        float[] bt = KernelCases.random(rnd, N * K);
        float[] c1 = new float[M * N], c2 = new float[M * N], c3 = new float[M * N];
        k.matmulNT(c1, a, bt, M, N, K, false);
        k.matmulNN(c2, a, bb, M, N, K, false);
        k.matmulTN(c3, at, bb, M, N, K, false);
        float[] dy = KernelCases.random(rnd, 9 * 37 * 49), db = new float[37];
        k.biasBackward(db, dy, 9, 37, 49);
        int n = 50_001;
        float[] p = KernelCases.random(rnd, n), m = KernelCases.random(rnd, n), v = KernelCases.abs(KernelCases.random(rnd, n));
        k.adamStep(p, m, v, KernelCases.random(rnd, n), n, 0.9f, 0.999f, 1e-3f, 1e-7f);
        float[] r = KernelCases.random(rnd, 70_001), ry = new float[r.length], rdx = KernelCases.random(rnd, r.length);
        k.reluForward(ry, r, r.length);
        k.reluBackward(rdx, r, ry, r.length, true);
        out[o++] = c1; out[o++] = c2; out[o++] = c3; out[o++] = db; out[o++] = p; out[o++] = ry; out[o] = rdx;
        return out;
    }

    private static int[] rawBits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    @Test
    void identicalBitsForOneTwoAndThreeThreads() throws Exception {
        assumeTrue(Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        float[][] one;
        try (AutoCloseable k = (AutoCloseable) vector(1)) { one = runAll((Kernels) k); }
        boolean anyNonZero = false;
        for (float[] r : one) for (float v : r) anyNonZero |= v != 0f;
        assertFalse(!anyNonZero, "kernels produced only zeros");
        for (int t : new int[] {2, 3}) {
            try (AutoCloseable k = (AutoCloseable) vector(t)) {
                float[][] other = runAll((Kernels) k);
                // compared as raw bits: assertArrayEquals(float[], float[], 0f) takes +0 and −0 for equal
                for (int i = 0; i < one.length; i++)
                    assertArrayEquals(rawBits(one[i]), rawBits(other[i]), "result " + i + " differs between 1 and " + t + " threads");
            }
        }
    }
}
