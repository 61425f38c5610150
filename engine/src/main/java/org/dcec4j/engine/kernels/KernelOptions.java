package org.dcec4j.engine.kernels;

import java.util.Locale;

/**
 * The JVM-wide defaults of the kernels, from system properties, each read and checked once (at its first
 * use) and then fixed for the life of the JVM. They only configure {@code Backend.shared()} (what the
 * command line and the benchmarks use) and the vector species width; an application passes its own
 * {@code Backend} instead.
 * <ul>
 *   <li>{@code dcec4j.kernels} = auto | scalar | vector (default auto);</li>
 *   <li>{@code dcec4j.threads} = worker threads of the shared backend (default: available processors;
 *       1 creates no threads). Results are bit-identical for every value;</li>
 *   <li>{@code dcec4j.vector.bits} = 128 | 256 | 512 forces the float species width of the vector
 *       kernels (default: the platform's preferred width). Results are bit-identical for every width.</li>
 * </ul>
 */
public final class KernelOptions {
    private KernelOptions() {}

    private static String kernels;
    private static int threads, vectorBits = -1;

    /** dcec4j.kernels, lower case: auto, scalar or vector. */
    public static synchronized String kernelsProperty() {
        if (kernels == null) {
            String s = System.getProperty("dcec4j.kernels", "auto").trim().toLowerCase(Locale.ROOT);
            if (!s.equals("auto") && !s.equals("scalar") && !s.equals("vector"))
                throw new IllegalArgumentException("dcec4j.kernels must be auto, scalar or vector, not '" + s + "'");
            kernels = s;
        }
        return kernels;
    }

    /** dcec4j.threads, or the number of available processors. */
    public static synchronized int threads() {
        if (threads == 0) {
            String s = System.getProperty("dcec4j.threads");
            if (s == null || s.isBlank()) threads = Runtime.getRuntime().availableProcessors();
            else {
                try {
                    int t = Integer.parseInt(s.trim());
                    if (t < 1) throw new NumberFormatException();
                    threads = t;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("dcec4j.threads must be a positive integer, not '" + s + "'");
                }
            }
        }
        return threads;
    }

    /** dcec4j.vector.bits: 128, 256 or 512; 0 means "the preferred species". */
    public static synchronized int vectorBits() {
        if (vectorBits < 0) {
            String s = System.getProperty("dcec4j.vector.bits");
            if (s == null || s.isBlank()) vectorBits = 0;
            else {
                int b;
                try { b = Integer.parseInt(s.trim()); } catch (NumberFormatException e) { b = -1; }
                if (b != 128 && b != 256 && b != 512)
                    throw new IllegalArgumentException("dcec4j.vector.bits must be 128, 256 or 512, not '" + s + "'");
                vectorBits = b;
            }
        }
        return vectorBits;
    }
}
