package org.dcec4j.engine.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dcec4j.engine.Backend;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.nn.Padding;
import org.junit.jupiter.api.Test;

/** The chunk sizes of {@link Tuning}, against hand-computed cases and a brute-force search, and the forward form each DCEC product takes. */
class TuningTest {

    /** Computed-but-discarded columns per useful column of G images of P columns in panels of {@code unit}. */
    static double waste(int G, int P, int unit) {
        long cols = (long) G * P;
        return ((cols + unit - 1) / unit * unit - cols) / (double) cols;
    }

    @Test void theDcecLayersAt28x28Fill512BitPanels() {
        // 256 target columns, NR = 32; worked out in Tuning's javadoc
        assertEquals(4, Tuning.imagesPerChunk(256, 196, 256, 32));   // conv1: 784 columns = 24.5 panels (was 2: 392 = 12.25)
        assertEquals(11, Tuning.imagesPerChunk(256, 49, 256, 32));   // conv2: 539 = 16.8 panels (was 6: 294 = 9.2)
        assertEquals(32, Tuning.imagesPerChunk(256, 9, 256, 32));    // conv3: 288 = 9 panels exactly (was 29: 261)
        assertEquals(4, Tuning.imagesPerChunk(256, 64, 256, 32));    // 8×8 outputs: 256 columns already whole (2 would tie)
        assertEquals(0.0, waste(32, 9, 32));
    }

    @Test void theChoiceHasTheLeastWasteInItsRangeAndOnATieTheCountNearestTheTarget() {
        for (int unit : new int[] {8, 16, 32})
            for (int P = 1; P <= 300; P += 7)
                for (int N : new int[] {1, 3, 17, 256, 1000}) {
                    int base = Tuning.imagesPerChunk(256, P, N);
                    int got = Tuning.imagesPerChunk(256, P, N, unit);
                    int lo = Math.max(1, base / 2), hi = Math.min(N, 2 * base);
                    assertTrue(got >= lo && got <= hi, "P=" + P + " N=" + N + ": " + got + " outside [" + lo + ", " + hi + "]");
                    for (int G = lo; G <= hi; G++) {
                        double w = waste(G, P, unit), best = waste(got, P, unit);
                        assertTrue(w >= best - 1e-12, "P=" + P + " N=" + N + " unit=" + unit + ": G=" + G + " wastes " + w + " < " + best);
                        int d = Math.abs(G - base), dGot = Math.abs(got - base);
                        if (d < dGot || d == dGot && G < got)
                            assertTrue(w > best + 1e-12, "P=" + P + " N=" + N + " unit=" + unit + ": G=" + G + " ties with " + got + " and is nearer " + base);
                    }
                }
    }

    /**
     * Which forward each DCEC product takes at batch 256 (at the width this JVM runs): conv1's 25 terms the direct form
     * at 28×28, conv2 and conv3 (and so deconv2's and deconv3's backward-input) the batch in the lanes at both sizes,
     * whose lane copies stay under the bound (28×28 conv2: 32·17·17·L floats, 578 KiB at 512 bits); fewer images than
     * lanes, or a lane copy past the bound, the packed form.
     */
    @Test void theBigDcecProductsRunWithTheBatchInTheLanes() {
        assumeTrue(Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector (the lane count)");
        expectLanes(Tuning::lanesForward, false, true, true);
        assertTrue(Tuning.directForward(Padding.same().geometry(256, 1, 28, 28, 32, 5, 5, 2)));
        // 32 channels of 64×64 (a conv2 of 128×128 images): 32·67·67·L floats, past 2^18 at every width
        assertFalse(Tuning.lanesForward(Padding.same().geometry(256, 32, 64, 64, 64, 5, 5, 2)));
    }

    /**
     * Which form each DCEC adjoint (backward-input, transposed forward) takes at batch 256: conv2's in the lanes at both
     * sizes (an input pixel's sum has K × taps = 64 × 5.2 = 334 FMAs at 28×28, 64 × 4.5 = 289 at 16×16, hand-counted
     * from the taps of each row and column), conv3's not (128 × 1.65 = 212, 128 × 1.56 = 200), conv1's not (one input
     * channel); nor conv2's with fewer images than lanes, or with lane buffers past the bound.
     */
    @Test void conv2sAdjointRunsWithTheBatchInTheLanes() {
        assumeTrue(Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector (the lane count)");
        expectLanes(Tuning::lanesBackwardInput, false, true, false);
        // the same conv2 on 64×64 inputs: (64·32·32 + 32·64·64)·L floats, past 2^18 at every width
        assertFalse(Tuning.lanesBackwardInput(Padding.same().geometry(256, 32, 64, 64, 64, 5, 5, 2)));
        // the bound itself: 5×5 stride 2 'same' on 14×14 (PT = PL = 1, 7 outputs per axis) has 4 + 5·5 + 3 = 32 pairs of a
        // row and a kh reaching it, so 32·32 = 1024 tap terms over 196 pixels; K·1024 ≥ 256·196 = 50 176 from K = 49
        assertFalse(Tuning.lanesBackwardInput(Padding.same().geometry(256, 32, 14, 14, 48, 5, 5, 2)));
        assertTrue(Tuning.lanesBackwardInput(Padding.same().geometry(256, 32, 14, 14, 49, 5, 5, 2)));
    }

    /**
     * At 28×28 and 16×16, batch 256, whether {@code lanes} holds for the DCEC encoder's conv1, conv2 and conv3 (conv3
     * 'valid' at 28×28, 'same' at 16×16, as the model builds it); and for conv2 with L − 1 images (never) and L (as with 256).
     */
    private static void expectLanes(java.util.function.Predicate<ConvGeometry> lanes, boolean conv1, boolean conv2, boolean conv3) {
        int L = Gemm.L;
        for (int size : new int[] {28, 16}) {
            ConvGeometry c1 = Padding.same().geometry(256, 1, size, size, 32, 5, 5, 2);
            ConvGeometry c2 = Padding.same().geometry(256, 32, size / 2, size / 2, 64, 5, 5, 2);
            ConvGeometry c3 = size % 8 == 0 ? Padding.same().geometry(256, 64, size / 4, size / 4, 128, 3, 3, 2)
                                            : Padding.valid().geometry(256, 64, size / 4, size / 4, 128, 3, 3, 2);
            assertEquals(conv1, lanes.test(c1), "conv1 at " + size);
            assertEquals(conv2, lanes.test(c2), "conv2 at " + size);
            assertEquals(conv3, lanes.test(c3), "conv3 at " + size);
            assertFalse(lanes.test(c2.withBatch(L - 1)), "conv2 at " + size + ", " + (L - 1) + " images");
            assertEquals(conv2, lanes.test(c2.withBatch(L)), "conv2 at " + size + ", " + L + " images");
        }
    }
}
