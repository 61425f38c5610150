package org.dcec4j.engine.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dcec4j.engine.Backend;

/**
 * Entry point of the forked equivalence run: {@code java --add-modules jdk.incubator.vector
 * -Ddcec4j.vector.bits=W … EquivalenceMain}. Runs every case of {@link KernelCases} with the vector
 * kernels (2 threads) against the scalar ones, bit for bit, prints each failure and exits 1 if there is any; prints
 * the digest of the reference outputs ({@link KernelCases#referenceDigest}). {@code -Ddcec4j.test.maxMacs=M} runs only
 * the products of at most M multiply-adds ({@link KernelCases#maxMacs}).
 */
public final class EquivalenceMain {
    public static void main(String[] args) throws Exception {
        KernelCases.maxMacs = Long.getLong("dcec4j.test.maxMacs", Long.MAX_VALUE);
        Kernels fast = Backend.create(Backend.Kind.VECTOR, 2).kernels();
        Kernels ref = new ScalarKernels();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, KernelCases.Case> e : KernelCases.CASES.entrySet()) {
            e.getValue().run(fast, ref, new Random(e.getKey().hashCode()), failures);
        }
        System.out.println("kernels: " + fast.name() + ", cases: " + KernelCases.CASES.size());
        System.out.println("reference digest: " + Long.toHexString(KernelCases.referenceDigest));
        for (String s : failures) System.out.println("MISMATCH " + s);
        ((AutoCloseable) fast).close();
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
