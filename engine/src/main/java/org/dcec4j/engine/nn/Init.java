package org.dcec4j.engine.nn;

import java.util.SplittableRandom;

/**
 * Weight initialisers. Keras's defaults: glorot_uniform for kernels, zeros for biases.
 * Math: docs/math/notation.md#initialisation
 */
public final class Init {
    private Init() {}

    /**
     * w ~ U(−a, a) with a = √(6 / (fanIn + fanOut)). Keras computes the fans from the kernel shape as
     * receptive field × channels: for a convolution fanIn = C·KH·KW and fanOut = K·KH·KW; for a dense
     * layer fanIn = IN and fanOut = OUT. w written.
     */
    public static void glorotUniform(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * a);
    }
}
