package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

/**
 * What a call allocates on the calling thread, held under a bound (checked where the JVM counts a thread's
 * allocations): a file whose header claims more than it holds must be refused before the claim is allocated, not after
 * the reader found the data missing.
 */
final class AllocationBound {
    private AllocationBound() {
    }

    /** call's result, asserting that it allocated less than maxBytes on this thread; an OutOfMemoryError fails the test. */
    static <T> T below(long maxBytes, Supplier<T> call) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean hs = bean instanceof com.sun.management.ThreadMXBean h && h.isThreadAllocatedMemorySupported() ? h : null;
        long before = hs == null ? 0 : hs.getCurrentThreadAllocatedBytes();
        T result;
        try {
            result = call.get();
        } catch (OutOfMemoryError e) {
            // JUnit rethrows it, which would end the whole run
            throw new AssertionError("the claimed size was allocated: " + e, e);
        }
        if (hs != null) {
            long bytes = hs.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes < maxBytes, bytes + " bytes allocated");
        }
        return result;
    }
}
