package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleFinder;
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
}
