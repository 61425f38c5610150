package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Randomized equivalence fuzz ({@link KernelFuzzMain}): every Kernels method on random small geometries, the scalar
 * twin against the vector twin at 1, 2 and 3 threads bit for bit, and against a double-precision loop, in one forked
 * JVM per species width. Seeded and reproducible: -Ddcec4j.fuzz.seed=S, -Ddcec4j.fuzz.cases=N (default 150),
 * -Ddcec4j.fuzz.maxMacs=M (default 2e6); a failing case reruns alone with KernelFuzzMain S N M i.
 */
class KernelFuzzTest {

    @ParameterizedTest(name = "{0}-bit species")
    @ValueSource(ints = {128, 256, 512})
    void randomGeometriesMatchAtEachWidth(int bits) throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        String seed = System.getProperty("dcec4j.fuzz.seed", "20240611");
        String cases = System.getProperty("dcec4j.fuzz.cases", "150");
        String maxMacs = System.getProperty("dcec4j.fuzz.maxMacs", "2000000");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xss4m",
                "-Ddcec4j.vector.bits=" + bits, "-Ddcec4j.pool.chaos=" + Boolean.getBoolean("dcec4j.pool.chaos"),
                "-cp", System.getProperty("java.class.path"),
                KernelFuzzMain.class.getName(), seed, cases, maxMacs);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "fuzz run at " + bits + " bits timed out");
        System.out.println(out);
        assertEquals(0, p.exitValue(), "fuzz failures at " + bits + " bits (seed " + seed + "):\n" + out);
        assertTrue(out.contains("vector(" + bits + "-bit"), "forked run did not use the " + bits + "-bit species:\n" + out);
    }
}
