/**
 * The dcec4j engine: tensors, reverse-mode autograd, ops, layers, optimisers and their kernels, on the JDK alone.
 * The Vector API kernels ({@code org.dcec4j.engine.kernels.vector}) are internal: {@link org.dcec4j.engine.Backend}
 * loads them by name when the JVM has the incubating module, which is therefore an optional dependency.
 */
module org.dcec4j.engine {
    requires static jdk.incubator.vector;

    exports org.dcec4j.engine;
    exports org.dcec4j.engine.io;
    exports org.dcec4j.engine.kernels;
    exports org.dcec4j.engine.nn;
    exports org.dcec4j.engine.ops;
    exports org.dcec4j.engine.optim;
}
