package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vector kernels against the scalar reference, every method of {@link Kernels}, at every species
 * width. The width is a static final constant of VectorKernels, so each width runs in its own forked
 * JVM ({@link EquivalenceMain} with {@code -Ddcec4j.vector.bits=W}).
 */
class KernelEquivalenceTest {

    @Test
    void everyKernelsMethodHasAComparisonCase() {
        List<String> missing = new ArrayList<>();
        int methods = 0;
        for (Method m : Kernels.class.getMethods()) {
            // static helpers are not kernels; default methods run on both twins and need a case too
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) continue;
            methods++;
            if (!KernelCases.CASES.containsKey(KernelCases.key(m))) missing.add(KernelCases.key(m));
        }
        assertTrue(missing.isEmpty(), "Kernels methods without an equivalence case in KernelCases: " + missing);
        assertEquals(methods, KernelCases.CASES.size(),
                "KernelCases has cases for methods Kernels no longer declares: " + KernelCases.CASES.keySet());
    }

    @ParameterizedTest(name = "{0}-bit species")
    @ValueSource(ints = {128, 256, 512})
    void vectorMatchesScalarAtEachWidth(int bits) throws Exception {
        // the forked JVM adds the module itself; in the run without it the same check would only repeat
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        String out = forkEquivalenceMain(120, "at " + bits + " bits", "-Ddcec4j.vector.bits=" + bits);
        assertTrue(out.contains("vector(" + bits + "-bit"), "forked run did not use the " + bits + "-bit species:\n" + out);
    }

    /**
     * Runs {@link EquivalenceMain} in a JVM forked with the vector module and {@code flags}, requires it to end within
     * {@code seconds} with exit code 0 (vector equal to scalar in every case), and returns what it printed;
     * {@code what} names the set-up in the failure messages.
     */
    static String forkEquivalenceMain(long seconds, String what, String... flags) throws Exception {
        String launcher = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(launcher, "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(java.util.List.of(flags));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), EquivalenceMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "equivalence run " + what + " timed out");
        assertEquals(0, p.exitValue(), "vector kernels differ from scalar " + what + ":\n" + out);
        return out;
    }
}
