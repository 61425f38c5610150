package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImplTest {
    /** The scalar kernels have one thread: a "scalar, threads=2" row would time threads=1 again under another name. */
    @Test void scalarAtTwoThreadsIsRefusedNotTimedTwice() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Impl.create("scalar", 2));
        assertTrue(e.getMessage().contains("impl=scalar needs threads=1"), e.getMessage());
        Impl.close(Impl.create("scalar", 1));
    }
}
