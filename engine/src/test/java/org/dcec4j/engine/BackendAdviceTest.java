package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dcec4j.engine.kernels.vector.VectorModule;
import org.junit.jupiter.api.Test;

/**
 * What the backend tells a user whose JVM lacks the Vector API module. A full JDK has the module and only needs
 * the flag; a runtime image made by jlink without the module would refuse the flag at start-up ("Module
 * jdk.incubator.vector not found"), so there the advice must be the image, not the flag.
 */
class BackendAdviceTest {

    @Test
    void aFullJdkIsToldTheFlag() {
        String advice = Backend.howToAddTheModule(true);
        assertEquals("start the JVM with --add-modules jdk.incubator.vector", advice);
    }

    @Test
    void aRuntimeWithoutTheModuleIsToldToLinkIt() {
        String advice = Backend.howToAddTheModule(false);
        assertFalse(advice.startsWith("start the JVM"), advice);
        assertTrue(advice.contains("has no module jdk.incubator.vector"), advice);
        assertTrue(advice.contains("jlink --add-modules jdk.incubator.vector"), advice);
    }

    @Test
    void theTestRuntimeHasTheModuleWhetherOrNotItWasAdded() {
        // both surefire runs use the same JDK, one with the flag and one without: the runtime has it in both
        assertTrue(VectorModule.inRuntime());
        assertEquals(ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent(), VectorModule.inRuntime());
    }

    /**
     * The shared backend is made from -Ddcec4j.kernels; asked for vector on a JVM without the module, its error names
     * that setting, the cause a library user has to look for (the backend itself is made lazily, far from the flag).
     */
    @Test
    void theSharedBackendNamesTheSettingThatAskedForVector() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-Ddcec4j.kernels=vector", "-cp", System.getProperty("java.class.path"),
                SharedMain.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "forked run timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("java.lang.IllegalStateException: dcec4j.kernels=vector: vector kernels requested but the module"
                + " jdk.incubator.vector is not available: start the JVM with --add-modules jdk.incubator.vector"), out);
    }

    /** Run in a forked JVM: prints the shared backend, or the exception making it threw. */
    public static final class SharedMain {
        public static void main(String[] args) {
            try {
                System.out.println(Backend.shared().describe());
            } catch (RuntimeException e) {
                System.out.println(e);
            }
        }
    }
}
