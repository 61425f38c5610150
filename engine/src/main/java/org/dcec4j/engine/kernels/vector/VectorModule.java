package org.dcec4j.engine.kernels.vector;

/**
 * The name of the incubating Vector API module, and whether this JVM has it. This class imports nothing
 * from the module, so {@link org.dcec4j.engine.Backend} may use it on any JVM; every name of the
 * module stays in this package.
 */
public final class VectorModule {
    private VectorModule() {}

    /** The module that {@link VectorKernels} needs: start the JVM with {@code --add-modules NAME}. */
    public static final String NAME = "jdk.incubator.vector";

    /** True when the module is in the boot layer (the JVM was started with {@code --add-modules NAME}). */
    public static boolean present() {
        return ModuleLayer.boot().findModule(NAME).isPresent();
    }

    /**
     * True when this Java runtime has the module at all, whether or not it was added: false in a runtime image
     * made by {@code jlink} without it, where {@code --add-modules NAME} would stop the JVM at start-up.
     */
    public static boolean inRuntime() {
        return java.lang.module.ModuleFinder.ofSystem().find(NAME).isPresent();
    }
}
