package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;

/**
 * The backend choice in both surefire runs: with {@code --add-modules jdk.incubator.vector} auto
 * picks the vector kernels; without it (property dcec4j.test.expectNoVectorModule=true) auto picks
 * scalar and a forced 'vector' fails naming the flag. Backends are instances with their own threads.
 */
class BackendTest {
    private static final boolean NO_MODULE = Boolean.getBoolean("dcec4j.test.expectNoVectorModule");

    @Test
    void moduleVisibilityMatchesTheSurefireRun() {
        assertEquals(!NO_MODULE, Backend.vectorModulePresent());
    }

    @Test
    void autoPicksVectorExactlyWhenTheModuleIsPresent() {
        try (Backend b = Backend.create(Backend.Kind.AUTO, 3)) {
            assertEquals(3, b.threads());
            if (NO_MODULE) {
                assertTrue(b.kernels() instanceof ScalarKernels, "auto without the module must be scalar, got " + b.describe());
                assertFalse(b.isVector());
                assertTrue(b.describe().contains("--add-modules"), b.describe());
            } else {
                assertEquals(Backend.VECTOR_CLASS, b.kernels().getClass().getName());
                assertTrue(b.kernels().name().startsWith("vector("), b.kernels().name());
                assertTrue(b.kernels().name().contains("3 threads"), b.kernels().name());
            }
        }
    }

    @Test
    void forcedVectorWithoutTheModuleNamesTheFlag() {
        if (NO_MODULE) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backend.create(Backend.Kind.VECTOR, 1));
            assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        } else {
            try (Backend b = Backend.create(Backend.Kind.VECTOR, 1)) {
                assertEquals(Backend.VECTOR_CLASS, b.kernels().getClass().getName());
            }
        }
    }

    @Test
    void scalarIsAlwaysAvailableAndBadChoicesAreRejected() {
        try (Backend b = Backend.create(Backend.Kind.parse("SCALAR"), 2)) {
            assertTrue(b.kernels() instanceof ScalarKernels);
            assertEquals(2, b.threads());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.Kind.parse("gpu"));
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Backend.create(Backend.Kind.AUTO, 0));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }

    @Test
    void theSharedBackendIsOneInstanceAndSurvivesClose() {
        Backend s = Backend.shared();
        assertSame(s, Backend.shared());
        s.close();
        assertSame(s, Backend.shared());
        // still usable after close()
        float[] y = new float[3];
        s.kernels().reluForward(y, new float[] {-1f, 0f, 2f}, 3);
        assertEquals(2f, y[2]);
    }

    @Test
    void aNullKindIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Backend.create(null, 1));
        assertEquals("kind", e.getMessage());
    }
}
