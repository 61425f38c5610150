package org.dcec4j.engine.nn;

import java.util.SplittableRandom;

/**
 * Weight initialisers. Keras's defaults: glorot_uniform for kernels, zeros for biases.
 * Math: docs/math/notation.md#initialisation
 */
public final class Init {
    private Init() {}

    /** How a layer draws its weights; every scheme draws one {@code rng.nextDouble()} per weight, in order. */
    public enum Scheme {
        /** Keras's {@code glorot_uniform}, the default: {@link #glorotUniform}. */
        GLOROT_UNIFORM("glorot-uniform") {
            @Override public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) { glorotUniform(w, fanIn, fanOut, rng); }
        },
        /**
         * Keras's {@code VarianceScaling(scale=1/3, mode='fan_in', distribution='uniform')}: {@link #uniformFanIn}.
         * DEC-keras initialises its dense autoencoder with it on MNIST; it is also the bound of PyTorch's default
         * for {@code nn.Linear} weights.
         */
        UNIFORM_FAN_IN("uniform-fan-in") {
            @Override public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) { uniformFanIn(w, fanIn, rng); }
        };

        /** The name on the command line and in config files. */
        public final String cliName;

        Scheme(String cliName) { this.cliName = cliName; }

        /** w written, from the fans of the layer's kernel (see {@link #glorotUniform} for how they are counted). */
        public abstract void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng);

        /** The scheme called {@code name} ({@link #cliName}); an IllegalArgumentException lists the names otherwise. */
        public static Scheme byName(String name) {
            for (Scheme s : values()) if (s.cliName.equals(name)) return s;
            throw new IllegalArgumentException("unknown initialisation '" + name + "': expected glorot-uniform or uniform-fan-in");
        }
    }

    /**
     * w ~ U(−a, a) with a = √(6 / (fanIn + fanOut)). Keras computes the fans from the kernel shape as
     * receptive field × channels: for a convolution fanIn = C·KH·KW and fanOut = K·KH·KW; for a dense
     * layer fanIn = IN and fanOut = OUT. w written.
     *
     * @throws IllegalArgumentException when a fan is below 1 (the bound would be infinite or NaN, and so every weight)
     */
    public static void glorotUniform(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
        if (fanIn < 1 || fanOut < 1)
            throw new IllegalArgumentException("glorotUniform: fanIn and fanOut must be at least 1, got " + fanIn + " and " + fanOut);
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * a);
    }

    /**
     * w ~ U(−a, a) with a = √(1 / fanIn): Keras's VarianceScaling with scale s = 1/3, mode 'fan_in' and a uniform
     * distribution, whose bound is √(3·s / fanIn) (variance a²/3 = s / fanIn). Fans as in {@link #glorotUniform}. w written.
     *
     * @throws IllegalArgumentException when fanIn is below 1 (the bound would be infinite or NaN, and so every weight)
     */
    public static void uniformFanIn(float[] w, int fanIn, SplittableRandom rng) {
        if (fanIn < 1) throw new IllegalArgumentException("uniformFanIn: fanIn must be at least 1, got " + fanIn);
        double a = Math.sqrt(1.0 / fanIn);
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * a);
    }
}
