package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bad {@code dcec4j.vector.bits} is an IllegalArgumentException naming the property and its values, from auto and
 * vector backends alike, every time, as for {@code dcec4j.kernels} and {@code dcec4j.threads}. The property is read
 * once per JVM, so each case runs in a forked one ({@link VectorBitsMain}).
 */
class VectorBitsPropertyTest {
    static List<String> fork(boolean module, String bits) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java));
        if (module) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of("-Ddcec4j.vector.bits=" + bits, "-cp", System.getProperty("java.class.path"), VectorBitsMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "forked run timed out");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("AUTO") || l.startsWith("VECTOR")).toList();
    }

    @Test void aBadWidthIsNamedByEveryBackendThatMayUseTheVectorKernels() throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "the forked JVMs choose their modules themselves");
        for (boolean module : new boolean[] {true, false}) {
            List<String> lines = fork(module, "100");
            assertEquals(4, lines.size(), lines.toString());
            for (String l : lines)
                assertTrue(l.endsWith("java.lang.IllegalArgumentException: dcec4j.vector.bits must be 128, 256 or 512, not '100'"),
                        "module " + module + ": " + l);
        }
        // a good width still gives the vector kernels
        List<String> lines = fork(true, "256");
        assertTrue(lines.get(0).startsWith("AUTO -> vector(256-bit"), lines.toString());
        assertTrue(lines.get(1).startsWith("VECTOR -> vector(256-bit"), lines.toString());
    }
}
