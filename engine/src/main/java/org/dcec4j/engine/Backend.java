package org.dcec4j.engine;

import java.util.Locale;
import org.dcec4j.engine.kernels.KernelOptions;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.dcec4j.engine.kernels.vector.VectorModule;

/**
 * Which kernels run, with how many threads: an immutable choice that owns its worker pool. Layers,
 * optimisers and the DCEC trainer take one explicitly ({@code module.use(backend)},
 * {@code new Adam(params, lr, backend.kernels())}); two backends in one JVM run side by side and, since
 * every kernel adds up its terms in one fixed order, give bit-identical results.
 * <ul>
 *   <li>{@link Kind#AUTO}: the vector kernels when the Vector API module ({@link VectorModule#NAME}) is in
 *       the boot layer (the JVM was started with {@code --add-modules} and that name), otherwise the scalar
 *       kernels, quietly; {@link #describe()} says which.</li>
 *   <li>{@link Kind#SCALAR}: always the reference kernels (single-threaded).</li>
 *   <li>{@link Kind#VECTOR}: the vector kernels, or an {@link IllegalStateException} naming the missing flag.</li>
 * </ul>
 * The vector kernels are loaded by class name, so no class outside
 * {@code org.dcec4j.engine.kernels.vector} links against the incubator module. Their species width is one
 * per JVM ({@code -Ddcec4j.vector.bits}, see {@link KernelOptions}); it changes speed, never results. AUTO and
 * VECTOR check it, with or without the module: a bad value is an {@link IllegalArgumentException} naming it.
 * {@link #shared()} is the JVM's default backend, configured by system properties read once.
 */
public final class Backend implements AutoCloseable {

    /** The kernel families a backend can run. */
    public enum Kind {
        AUTO, SCALAR, VECTOR;

        /** auto | scalar | vector, any case. */
        public static Kind parse(String s) {
            java.util.Objects.requireNonNull(s, "kind");
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kernels must be auto, scalar or vector, not '" + s + "'");
            }
        }
    }

    /** Class name of the fast twin; loaded reflectively so this class never links against the Vector API. */
    public static final String VECTOR_CLASS = "org.dcec4j.engine.kernels.vector.VectorKernels";

    private static Backend shared;

    private final Kernels kernels;
    private final int threads;
    private final String reason;

    private Backend(Kernels kernels, int threads, String reason) {
        this.kernels = kernels;
        this.threads = threads;
        this.reason = reason;
    }

    /**
     * The most threads a backend accepts. Results are the same for every count and more threads than processors only
     * spin; a count far beyond any machine is a mistake, which would otherwise start that many threads (or, near
     * 2^31, fail with an OutOfMemoryError sizing the pool).
     */
    public static final int MAX_THREADS = 4096;

    /**
     * A new backend. {@code threads} is the number of threads of the vector kernels and of the
     * thread-parallel work above them (k-means restarts); the scalar kernels themselves run on the caller.
     *
     * @throws IllegalArgumentException when threads is not in 1 … {@link #MAX_THREADS}, or the vector width property is bad
     * @throws IllegalStateException for {@link Kind#VECTOR} without the Vector API module
     */
    public static Backend create(Kind kind, int threads) {
        java.util.Objects.requireNonNull(kind, "kind");
        if (threads < 1 || threads > MAX_THREADS)
            throw new IllegalArgumentException("threads must be 1 to " + MAX_THREADS + " (this machine has "
                    + Runtime.getRuntime().availableProcessors() + " processors), got " + threads);
        // read before the vector kernels' class is initialised: there a bad value would be an
        // ExceptionInInitializerError, then NoClassDefFoundError, and auto would fall back to scalar quietly
        if (kind != Kind.SCALAR) KernelOptions.vectorBits();
        switch (kind) {
            case SCALAR:
                return new Backend(new ScalarKernels(), threads, "scalar requested");
            case VECTOR:
                if (!vectorModulePresent())
                    throw new IllegalStateException("vector kernels requested but the module " + VectorModule.NAME
                            + " is not available: " + howToAddTheModule(VectorModule.inRuntime())
                            + " (or ask for the auto kernels to fall back to the scalar ones)");
                return new Backend(loadVector(threads), threads, "vector requested");
            default:
                if (!vectorModulePresent())
                    return new Backend(new ScalarKernels(), threads,
                            VectorModule.inRuntime()
                                    ? "auto: " + VectorModule.NAME + " not present, add --add-modules " + VectorModule.NAME + " for the fast kernels"
                                    : "auto: this Java runtime has no " + VectorModule.NAME + " (an image made by jlink without it)");
                try {
                    return new Backend(loadVector(threads), threads, "auto: " + VectorModule.NAME + " present");
                } catch (RuntimeException | LinkageError e) {
                    return new Backend(new ScalarKernels(), threads, "auto: vector kernels unavailable (" + e + ")");
                }
        }
    }

    /** The scalar reference kernels, one thread. */
    public static Backend scalar() { return create(Kind.SCALAR, 1); }

    /**
     * The JVM's default backend, made at the first call from the system properties {@code dcec4j.kernels} and
     * {@code dcec4j.threads} ({@link KernelOptions}) and kept for the life of the JVM (closing it does nothing).
     * Layers and optimisers that were given no backend use it.
     */
    public static synchronized Backend shared() {
        if (shared == null) {
            Kind kind = Kind.parse(KernelOptions.kernelsProperty());
            Backend b;
            try {
                b = create(kind, KernelOptions.threads());
            } catch (IllegalStateException e) {   // vector without the module: the setting that asked for it is the cause
                throw new IllegalStateException("dcec4j.kernels=" + KernelOptions.kernelsProperty() + ": " + e.getMessage(), e);
            }
            shared = new Backend(b.kernels, b.threads, kind == Kind.AUTO ? b.reason : "dcec4j.kernels=" + KernelOptions.kernelsProperty());
        }
        return shared;
    }

    /** The kernels every op of this backend calls. */
    public Kernels kernels() { return kernels; }

    /** Threads of the kernels and of the parallel work above them. */
    public int threads() { return threads; }

    /** True when the vector kernels run. */
    public boolean isVector() { return !(kernels instanceof ScalarKernels); }

    /** One line for logs: which kernels, and why, e.g. "vector(256-bit, 2 threads) (auto: … present)". */
    public String describe() {
        return kernels.name() + (kernels instanceof ScalarKernels && threads > 1 ? " + " + threads + " threads" : "")
                + " (" + reason + ")";
    }

    /**
     * Stops the worker threads; the shared backend stays open. Closing twice does nothing more. Kernels used after
     * close still give the same results, on the calling thread alone (slower), and {@link #describe()} says so ("…, 2
     * threads, closed: runs on the caller"); {@link #threads()} still reports the count it was made with. Close a backend
     * only when nothing runs on it any more.
     */
    @Override public void close() {
        if (this == shared) return;
        if (kernels instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the kernels: " + e, e);
            }
        }
    }

    @Override public String toString() { return describe(); }

    /** True when the JVM can load the vector kernels. */
    public static boolean vectorModulePresent() {
        return VectorModule.present();
    }

    /**
     * What makes the vector kernels available: the flag, when the runtime has the module; when it has not (a
     * runtime image made by {@code jlink} without it, where the flag would stop the JVM at start-up), a runtime
     * that has it.
     */
    static String howToAddTheModule(boolean moduleInRuntime) {
        return moduleInRuntime
                ? "start the JVM with --add-modules " + VectorModule.NAME
                : "this Java runtime has no module " + VectorModule.NAME + " (a runtime image made by jlink without it),"
                        + " so --add-modules cannot add it: run on a full JDK 17+, or make the image with"
                        + " jlink --add-modules " + VectorModule.NAME + ",... and start it with --add-modules " + VectorModule.NAME;
    }

    private static Kernels loadVector(int threads) {
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            return (Kernels) c.getConstructor(int.class).newInstance(threads);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("cannot create " + VECTOR_CLASS + ": " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + VECTOR_CLASS + ": " + e, e);
        }
    }
}
