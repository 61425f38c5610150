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
    void aThreadCountBeyondMaxThreadsIsRefusedNamingIt() {
        // it was accepted: the scalar backend kept it for the parallel work above the kernels, and the vector kernels sized
        // their pool by it (an OutOfMemoryError near 2^31, that many spinning threads below)
        for (Backend.Kind kind : new Backend.Kind[] {Backend.Kind.SCALAR, Backend.Kind.AUTO})
            for (int t : new int[] {Backend.MAX_THREADS + 1, Integer.MAX_VALUE, 0}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.create(kind, t));
                assertTrue(e.getMessage().contains("threads must be 1 to " + Backend.MAX_THREADS) && e.getMessage().contains("got " + t),
                        e.getMessage());
            }
    }

    @Test
    void aBackendClosedTwiceAndUsedAfterCloseGivesTheSameResultsOnTheCaller() {
        float[] x = new float[2 * 3 * 9 * 9], w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) * 0.25f - 0.5f;
        for (int i = 0; i < w.length; i++) w[i] = (i % 5) * 0.125f - 0.25f;
        ConvGeometry g = new ConvGeometry(2, 3, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1);
        float[] expected = new float[g.outputSize()], y = new float[g.outputSize()];
        new ScalarKernels().conv2dForward(expected, x, w, null, Activation.NONE, g);
        Backend b = Backend.create(Backend.Kind.AUTO, 3);
        b.close();
        b.close();
        b.kernels().conv2dForward(y, x, w, null, Activation.NONE, g);
        assertTrue(java.util.Arrays.equals(expected, y), "same bits after close");
    }

    @Test
    void aClosedBackendSaysItRunsOnTheCaller() {
        Backend b = Backend.create(Backend.Kind.AUTO, 2);
        String open = b.describe();
        b.close();
        if (b.isVector()) {
            assertFalse(open.contains("closed"), open);
            assertTrue(b.describe().contains("2 threads, closed: runs on the caller"), b.describe());
            assertTrue(b.kernels().name().contains("closed"), b.kernels().name());
        } else {
            assertEquals(open, b.describe());   // the scalar kernels never had threads to stop
        }
    }

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
