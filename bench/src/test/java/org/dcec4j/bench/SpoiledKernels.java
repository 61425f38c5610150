package org.dcec4j.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;
import org.dcec4j.engine.kernels.Kernels;

/** Kernels that are wrong on purpose, for the tests of the benchmarks' checks before timing. */
final class SpoiledKernels {
    private SpoiledKernels() {}

    /** {@code real}'s kernels, each call followed by {@code spoil(method, arguments)}, which may change what the call wrote. */
    static Kernels after(Kernels real, BiConsumer<Method, Object[]> spoil) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, a) -> {
                    Object out;
                    try {
                        out = m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    spoil.accept(m, a);
                    return out;
                });
    }
}
