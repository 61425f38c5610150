package org.dcec4j.bench;

import org.dcec4j.engine.kernels.Backend;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;

/** Creates the kernels a benchmark measures: impl = scalar | vector, with the given thread count. */
final class Impl {
    private Impl() {}

    static Kernels create(String impl, int threads) {
        switch (impl) {
            case "scalar":
                return new ScalarKernels();        // single-threaded by construction
            case "vector":
                try {
                    return (Kernels) Class.forName(Backend.VECTOR_CLASS).getConstructor(int.class).newInstance(threads);
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalStateException("vector kernels unavailable (run with --add-modules jdk.incubator.vector): " + e, e);
                }
            default:
                throw new IllegalArgumentException("impl must be scalar or vector, not '" + impl + "'");
        }
    }

    static void close(Kernels k) throws Exception {
        if (k instanceof AutoCloseable) ((AutoCloseable) k).close();
    }

    /** Throws unless |got − want| ≤ 1e-3·(1 + |want|) everywhere (fast vs reference, another summation order). */
    static void check(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs((double) got[i] - want[i]);
            if (!(err <= 1e-3 * (1 + Math.abs(want[i]))))
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
