package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cell stops when the reproduction that started it has ended: a parent killed with SIGKILL left its cell running,
 * which kept the run folder locked and failed the rerun. The watch is tested on a stand-in parent process.
 */
class CellMainTest {
    @Test
    void theWatchRunsItsExitOnceTheParentHasEnded() throws Exception {
        Process parent = new ProcessBuilder("sleep", "2").start();
        CountDownLatch exited = new CountDownLatch(1);
        CellMain.exitWhenEnded(parent.toHandle(), exited::countDown);
        assertFalse(exited.await(500, TimeUnit.MILLISECONDS), "ran while the parent was alive");
        parent.destroyForcibly();      // as a SIGKILL of the reproduction
        assertTrue(exited.await(10, TimeUnit.SECONDS), "did not run after the parent ended");
    }
}
