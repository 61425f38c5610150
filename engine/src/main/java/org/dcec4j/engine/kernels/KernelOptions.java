package org.dcec4j.engine.kernels;

/**
 * Every kernel tunable in one place, read from system properties once.
 * <ul>
 *   <li>{@code dcec4j.kernels} = auto | scalar | vector (default auto), see {@link Backend};</li>
 *   <li>{@code dcec4j.threads} = number of worker threads of the fast kernels (default: available
 *       processors; 1 creates no threads). Results are bit-identical for every value;</li>
 *   <li>{@code dcec4j.vector.bits} = 128 | 256 | 512 forces the float species width of the vector
 *       kernels (default: the platform's preferred species).</li>
 * </ul>
 */
public final class KernelOptions {
    private KernelOptions() {}

    public static String kernelsProperty() {
        return System.getProperty("dcec4j.kernels", "auto").trim();
    }

    public static int threads() {
        String s = System.getProperty("dcec4j.threads");
        if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int t = Integer.parseInt(s.trim());
            if (t < 1) throw new NumberFormatException();
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dcec4j.threads must be a positive integer, not '" + s + "'");
        }
    }

    /** 0 means "the preferred species". */
    public static int vectorBits() {
        String s = System.getProperty("dcec4j.vector.bits");
        if (s == null || s.isBlank()) return 0;
        int b;
        try { b = Integer.parseInt(s.trim()); } catch (NumberFormatException e) { b = -1; }
        if (b != 128 && b != 256 && b != 512)
            throw new IllegalArgumentException("dcec4j.vector.bits must be 128, 256 or 512, not '" + s + "'");
        return b;
    }
}
