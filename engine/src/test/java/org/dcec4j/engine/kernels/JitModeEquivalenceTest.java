package org.dcec4j.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
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
 * fails too. Unknown flags (UseAVX on another architecture) are ignored. With {@code -XX:-UseFMA} {@code Math.fma} runs
 * through BigDecimal, some 300 times slower (docs/kernels.md#jit-modes), so that fork runs the smaller cases only.
 */
class JitModeEquivalenceTest {

    /**
     * The products of at most this many multiply-adds run in the fork without the FMA instruction: about half of the
     * 34 geometries (conv1's at 16×16 among them, with whole register tiles at every width, a reduction longer than one
     * KC block, the direct forward of few taps), 9 of the 13 matrix shapes and every Adam length. With {@code Math.fma}
     * through BigDecimal that fork takes some 20 s on two cores; the whole set takes more than ten minutes.
     */
    static final long NO_FMA_MACS = 100_000;

    private static final Map<Long, String> DIGESTS = new HashMap<>();

    /** The reference digest of every case of at most {@code maxMacs} under this JVM's flags, scalar kernels only (fast = ref). */
    private static synchronized String defaultDigest(long maxMacs) {
        return DIGESTS.computeIfAbsent(maxMacs, limit -> {
            Kernels scalar = new ScalarKernels();
            long saved = KernelCases.maxMacs;
            KernelCases.maxMacs = limit;
            KernelCases.referenceDigest = 0xcbf29ce484222325L;
            List<String> ignored = new ArrayList<>();   // name() "fails" here: fast is not a vector backend
            try {
                for (Map.Entry<String, KernelCases.Case> e : KernelCases.CASES.entrySet())
                    e.getValue().run(scalar, scalar, new Random(e.getKey().hashCode()), ignored);
            } finally {
                KernelCases.maxMacs = saved;
            }
            return Long.toHexString(KernelCases.referenceDigest);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-XX:TieredStopAtLevel=1", "-XX:UseAVX=2"})
    void sameBitsAsTheDefaultJvm(String flag) throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        String out = KernelEquivalenceTest.forkEquivalenceMain(180, "with " + flag, "-XX:+IgnoreUnrecognizedVMOptions", flag);
        assertTrue(out.contains("kernels: vector("), "forked run did not use the vector kernels:\n" + out);
        assertTrue(out.lines().anyMatch(l -> l.equals("reference digest: " + defaultDigest(Long.MAX_VALUE))),
                "with " + flag + " the scalar kernels' outputs differ from this JVM's (digest " + defaultDigest(Long.MAX_VALUE) + "):\n" + out);
    }

    /**
     * Without the FMA instruction ({@code -XX:-UseFMA}, as on a CPU that has none) {@code Math.fma} runs through
     * BigDecimal and the Vector API's FMA falls back to it lane by lane: the same single rounding, so the same bits,
     * both twins and against this JVM. On the smaller cases only ({@link #NO_FMA_MACS}).
     */
    @Test
    void sameBitsWithoutTheFmaInstruction() throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        String out = KernelEquivalenceTest.forkEquivalenceMain(240, "with -XX:-UseFMA", "-XX:+IgnoreUnrecognizedVMOptions",
                "-XX:-UseFMA", "-Ddcec4j.test.maxMacs=" + NO_FMA_MACS);
        assertTrue(out.contains("kernels: vector("), "forked run did not use the vector kernels:\n" + out);
        String want = defaultDigest(NO_FMA_MACS);
        assertNotEquals(defaultDigest(Long.MAX_VALUE), want, "the limit left every case in");
        assertTrue(out.lines().anyMatch(l -> l.equals("reference digest: " + want)),
                "with -XX:-UseFMA the scalar kernels' outputs differ from this JVM's (digest " + want + "):\n" + out);
    }
}
