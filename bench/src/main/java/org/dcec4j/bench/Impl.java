package org.dcec4j.bench;

import org.dcec4j.engine.Backend;
import org.dcec4j.engine.kernels.Kernels;

/** Creates the kernels a benchmark measures: impl = scalar | vector, with the given thread count. */
final class Impl {
    private Impl() {}

    static Kernels create(String impl, int threads) {
        switch (impl) {
            case "scalar":
                // single-threaded by construction: a scalar row at threads > 1 would time threads=1 again under another name
                if (threads != 1)
                    throw new IllegalArgumentException("the scalar kernels run on one thread: impl=scalar needs threads=1, got "
                            + threads + " (this configuration is not timed)");
                return Backend.create(Backend.Kind.SCALAR, 1).kernels();
            case "vector":
                return Backend.create(Backend.Kind.VECTOR, threads).kernels();
            default:
                throw new IllegalArgumentException("impl must be scalar or vector, not '" + impl + "'");
        }
    }

    static void close(Kernels k) throws Exception {
        if (k instanceof AutoCloseable) ((AutoCloseable) k).close();
    }

    /** Throws unless got and want have the same bits everywhere (the twins add up every sum in the same order). */
    static void check(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i]))
                throw new IllegalStateException(what + ": element " + i + " is " + got[i] + ", reference " + want[i]
                        + " — refusing to time a wrong kernel");
        }
    }

    static float[] random(java.util.Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2f - 1f;
        return a;
    }
}
