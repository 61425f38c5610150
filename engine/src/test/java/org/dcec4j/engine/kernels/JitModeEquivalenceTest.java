package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same bits under the JIT modes a host can give: every case of {@link KernelCases} in a forked JVM
 * ({@link EquivalenceMain}, vector kernels at the preferred width against the scalar ones) with
 * <ul>
 *   <li>{@code -XX:TieredStopAtLevel=1}: C1 only, so the Vector API is never intrinsified and its Java fallback runs
 *       every vector kernel (and C1 compiles {@code Math.fma});</li>
 *   <li>{@code -XX:UseAVX=2}: what C2 emits on an AVX2 host (256-bit preferred species, no AVX-512 instructions).</li>
 * </ul>
 * Each fork must find the vector kernels equal to the scalar ones and print the digest of the reference outputs that
 * this JVM computes with the scalar kernels under its own default flags, so a fork in which both twins drift together
 * fails too. Unknown flags (UseAVX on another architecture) are ignored. {@code -XX:-UseFMA} is not here:
 * {@code Math.fma} then runs through BigDecimal, some 300 times slower (docs/kernels.md#jit-modes).
 */
class JitModeEquivalenceTest {

    private static String defaultDigest;

    /** The reference digest of every case under this JVM's flags, scalar kernels only (fast = ref). */
    private static synchronized String defaultDigest() {
        if (defaultDigest == null) {
            Kernels scalar = new ScalarKernels();
            KernelCases.referenceDigest = 0xcbf29ce484222325L;
            List<String> ignored = new ArrayList<>();   // name() "fails" here: fast is not a vector backend
            for (Map.Entry<String, KernelCases.Case> e : KernelCases.CASES.entrySet())
                e.getValue().run(scalar, scalar, new Random(e.getKey().hashCode()), ignored);
            defaultDigest = Long.toHexString(KernelCases.referenceDigest);
        }
        return defaultDigest;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-XX:TieredStopAtLevel=1", "-XX:UseAVX=2"})
    void sameBitsAsTheDefaultJvm(String flag) throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        String out = KernelEquivalenceTest.forkEquivalenceMain(180, "with " + flag, "-XX:+IgnoreUnrecognizedVMOptions", flag);
        assertTrue(out.contains("kernels: vector("), "forked run did not use the vector kernels:\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.equals("reference digest: " + defaultDigest())),
                "with " + flag + " the scalar kernels' outputs differ from this JVM's (digest " + defaultDigest() + "):\n" + out);
    }
}
