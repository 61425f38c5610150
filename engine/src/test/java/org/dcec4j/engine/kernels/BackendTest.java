package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The backend choice in both surefire runs: with {@code --add-modules jdk.incubator.vector} auto
 * picks the vector kernels; without it (property dcec4j.test.expectNoVectorModule=true) auto picks
 * scalar and a forced 'vector' fails naming the flag.
 */
class BackendTest {
    private static final boolean NO_MODULE = Boolean.getBoolean("dcec4j.test.expectNoVectorModule");

    private static void close(Kernels k) throws Exception {
        if (k instanceof AutoCloseable) ((AutoCloseable) k).close();
    }

    @Test
    void moduleVisibilityMatchesTheSurefireRun() {
        assertEquals(!NO_MODULE, Backend.vectorModulePresent());
    }

    @Test
    void autoPicksVectorExactlyWhenTheModuleIsPresent() throws Exception {
        Kernels k = Backend.choose("auto");
        try {
            if (NO_MODULE) {
                assertTrue(k instanceof ScalarKernels, "auto without the module must be scalar, got " + k.name());
                assertEquals("scalar", k.name());
            } else {
                assertEquals(Backend.VECTOR_CLASS, k.getClass().getName());
                assertTrue(k.name().startsWith("vector("), k.name());
            }
        } finally {
            close(k);
        }
    }

    @Test
    void forcedVectorWithoutTheModuleNamesTheFlag() throws Exception {
        if (NO_MODULE) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backend.choose("vector"));
            assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        } else {
            Kernels k = Backend.choose("vector");
            assertEquals(Backend.VECTOR_CLASS, k.getClass().getName());
            close(k);
        }
    }

    @Test
    void scalarIsAlwaysAvailableAndUnknownModesAreRejected() {
        assertTrue(Backend.choose("SCALAR") instanceof ScalarKernels);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.choose("gpu"));
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
    }
}
