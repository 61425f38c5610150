package org.dcec4j.engine.kernels;

import org.dcec4j.engine.kernels.vector.VectorModule;

import java.util.Locale;

/**
 * Chooses the kernels once per JVM from the system property {@code dcec4j.kernels}:
 * <ul>
 *   <li>{@code auto} (default): the vector kernels when the Vector API module ({@link VectorModule#NAME}) is in
 *       the boot layer (the JVM was started with {@code --add-modules} and that name), otherwise
 *       the scalar kernels, quietly; {@link #describe()} says which.</li>
 *   <li>{@code scalar}: always the reference kernels.</li>
 *   <li>{@code vector}: the vector kernels, or an {@link IllegalStateException} at start-up naming the
 *       missing flag.</li>
 * </ul>
 * The vector kernels are loaded by class name, so no class outside
 * {@code org.dcec4j.engine.kernels.vector} ever links against the incubator module.
 * Tunables (threads, species width) are in {@link KernelOptions}.
 */
public final class Backend {

    /** Class name of the fast twin; loaded reflectively so this class never links against the Vector API. */
    public static final String VECTOR_CLASS = "org.dcec4j.engine.kernels.vector.VectorKernels";
    public static final String VECTOR_MODULE = VectorModule.NAME;

    private static volatile Kernels current;
    private static volatile String reason = "";

    private Backend() {}

    /** The kernels in use (chosen on first call). */
    public static Kernels kernels() {
        Kernels k = current;
        if (k == null) {
            synchronized (Backend.class) {
                if (current == null) current = choose(KernelOptions.kernelsProperty());
                k = current;
            }
        }
        return k;
    }

    /** Replaces the kernels in use (tests and benchmarks); returns the previous ones. */
    public static synchronized Kernels use(Kernels k) {
        Kernels old = kernels();
        current = k;
        reason = "set explicitly";
        return old;
    }

    /** One line for logs: which kernels, and why. */
    public static String describe() {
        Kernels k = kernels();
        return k.name() + (reason.isEmpty() ? "" : " (" + reason + ")");
    }

    /** True when the JVM can load the vector kernels. */
    public static boolean vectorModulePresent() {
        return VectorModule.present();
    }

    /** Resolves a mode string: auto | scalar | vector. */
    public static Kernels choose(String mode) {
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "scalar":
                reason = "dcec4j.kernels=scalar";
                return new ScalarKernels();
            case "vector":
                if (!vectorModulePresent())
                    throw new IllegalStateException("dcec4j.kernels=vector but the module " + VECTOR_MODULE
                            + " is not available: start the JVM with --add-modules " + VECTOR_MODULE
                            + " (or use dcec4j.kernels=auto to fall back to the scalar kernels)");
                reason = "dcec4j.kernels=vector";
                return loadVector();
            case "auto":
                if (!vectorModulePresent()) {
                    reason = "auto: " + VECTOR_MODULE + " not present, add --add-modules " + VECTOR_MODULE + " for the fast kernels";
                    return new ScalarKernels();
                }
                try {
                    Kernels k = loadVector();
                    reason = "auto: " + VECTOR_MODULE + " present";
                    return k;
                } catch (RuntimeException | LinkageError e) {
                    reason = "auto: vector kernels unavailable (" + e + ")";
                    return new ScalarKernels();
                }
            default:
                throw new IllegalArgumentException("dcec4j.kernels must be auto, scalar or vector, not '" + mode + "'");
        }
    }

    private static Kernels loadVector() {
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            return (Kernels) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + VECTOR_CLASS + ": " + e, e);
        }
    }
}
