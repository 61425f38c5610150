package org.dcec4j.engine.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The pool runs every chunk exactly once, and a chunk that throws neither hangs the caller (a dead worker used to
 * leave it waiting forever) nor breaks the pool: the exception reaches the caller and the next job runs normally.
 */
class WorkerPoolTest {

    @Test void everyChunkRunsOnceForEveryThreadCount() {
        for (int threads = 1; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[] {1, 2, 7, 100}) {
                    AtomicIntegerArray count = new AtomicIntegerArray(n);
                    pool.run((w, c) -> count.incrementAndGet(c), n);
                    for (int c = 0; c < n; c++) assertEquals(1, count.get(c), "threads " + threads + ", chunk " + c + " of " + n);
                }
            }
        }
    }

    /**
     * The caller claims from the front and the workers from the back: on two threads every chunk the caller ran comes
     * before every chunk the worker ran, whatever the timing (chunks of a few µs, and some slow ones, so both threads
     * take part in most calls). That is what keeps each thread on the same images from one layer to the next.
     */
    @Test void theCallerTakesTheFirstChunksAndTheWorkerTheLast() {
        try (WorkerPool pool = new WorkerPool(2)) {
            int shared = 0;
            for (int round = 0; round < 2_000; round++) {
                int n = 2 + round % 40;
                AtomicIntegerArray ranBy = new AtomicIntegerArray(n);
                final int slow = round % n;
                pool.run((w, c) -> {
                    ranBy.set(c, w + 1);
                    if (c == slow) LockSupport.parkNanos(20_000);
                    else for (int i = 0; i < 2_000; i++) Thread.onSpinWait();
                }, n);
                int lastCaller = -1, firstWorker = n;
                for (int c = 0; c < n; c++) {
                    assertTrue(ranBy.get(c) > 0, "chunk " + c + " of " + n + " did not run");
                    if (ranBy.get(c) == 1) lastCaller = c;
                    else firstWorker = Math.min(firstWorker, c);
                }
                assertTrue(lastCaller < firstWorker, "round " + round + ": the caller ran chunk " + lastCaller
                           + ", the worker chunk " + firstWorker + " of " + n);
                if (lastCaller >= 0 && firstWorker < n) shared++;
            }
            assertTrue(shared > 0, "the worker never took part");
        }
    }

    /** A call of more chunks than one ticket counts runs as consecutive calls: every chunk once, on any thread count. */
    @Test void moreChunksThanTheTicketCountsRunOnceEach() {
        for (int threads = 1; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                int n = 2 * WorkerPool.MAX_CHUNKS + 3;
                AtomicIntegerArray count = new AtomicIntegerArray(n);
                pool.run((w, c) -> count.incrementAndGet(c), n);
                for (int c = 0; c < n; c++) assertEquals(1, count.get(c), "threads " + threads + ", chunk " + c + " of " + n);
            }
        }
    }

    /**
     * Back-to-back jobs of changing size, as in a training step, with more threads than cores: when run() returns,
     * every chunk of that job ran exactly once and none is still running. A worker that woke late for one job used to
     * read the next job's fields with the old ticket, run one of its chunks early and count it as done twice, so
     * run() could return while a chunk was still being written (the thread-dependent results of clustering).
     * The build runs this with {@code -Ddcec4j.pool.chaos=true} (random yields inside the protocol), under which the
     * old protocol failed within a few thousand rounds; without it, about once in a million.
     */
    @Test void backToBackJobsNeverOverlapOrRepeatAChunk() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int threads : new int[] {2, 3, 4, 7}) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    int[] sizes = {2, 40, 2, 3, 64, 2, 17, 2, 2, 33};
                    for (int round = 0; round < 10_000; round++) {
                        int n = sizes[round % sizes.length];
                        AtomicIntegerArray count = new AtomicIntegerArray(n);
                        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
                        pool.run((w, c) -> {
                            running.incrementAndGet();
                            count.incrementAndGet(c);
                            for (int spin = 0; spin < (c * 37) % 200; spin++) Thread.onSpinWait();
                            running.decrementAndGet();
                        }, n);
                        assertEquals(0, running.get(), "threads " + threads + ", round " + round + ": a chunk still running after run()");
                        for (int c = 0; c < n; c++)
                            assertEquals(1, count.get(c), "threads " + threads + ", round " + round + ": chunk " + c + " of " + n);
                    }
                }
            }
        });
    }

    @Test void aThrowingChunkIsRethrownAndThePoolStaysUsable() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int threads = 1; threads <= 3; threads++) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    // on the caller (worker 0) and, with threads > 1, on a pool thread (slow chunks make sure workers take some)
                    for (boolean onWorker : threads == 1 ? new boolean[] {false} : new boolean[] {false, true}) {
                        AtomicBoolean thrown = new AtomicBoolean();
                        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((w, c) -> {
                            sleep(2);
                            if ((w != 0) == onWorker && !thrown.getAndSet(true)) throw new IllegalStateException("boom in worker " + w);
                        }, 20));
                        assertEquals(onWorker, !e.getMessage().equals("boom in worker 0"), e.getMessage());
                        AtomicIntegerArray after = new AtomicIntegerArray(8);
                        pool.run((w, c) -> { sleep(1); after.incrementAndGet(c); }, 8);
                        for (int c = 0; c < 8; c++) assertEquals(1, after.get(c), "threads " + threads + ": chunk " + c + " after a failure");
                    }
                }
            }
        });
    }

    /** A chunk that fails on a worker carries, as a suppressed exception, the stack of the call that dispatched it. */
    @Test void aWorkersFailureNamesTheCallThatDispatchedIt() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                AtomicBoolean workerRan = new AtomicBoolean();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((w, c) -> {
                    if (w == 0) { while (!workerRan.get()) Thread.onSpinWait(); return; }   // leave a chunk to the worker
                    workerRan.set(true);
                    throw new IllegalStateException("boom in worker " + w);
                }, 2));
                assertEquals("boom in worker 1", e.getMessage());
                assertEquals(1, e.getSuppressed().length, "the dispatching call's trace");
                boolean fromThisTest = false;
                for (StackTraceElement f : e.getSuppressed()[0].getStackTrace())
                    fromThisTest |= f.getClassName().startsWith(WorkerPoolTest.class.getName());
                assertTrue(fromThisTest, "the suppressed trace reaches the test that made the call");
            }
        });
    }

    /**
     * A caller interrupted while it waits for a worker's chunk parks (it used to spin: park returns at once while the
     * flag is set), gets the result, and returns with its flag still set. The worker's chunk samples the caller's state
     * while it runs: parked is WAITING, spinning RUNNABLE.
     */
    @Test void anInterruptedCallerWaitsParkedAndKeepsItsFlag() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (WorkerPool pool = new WorkerPool(2)) {
                Thread caller = Thread.currentThread();
                AtomicBoolean workerRan = new AtomicBoolean();
                AtomicIntegerArray ran = new AtomicIntegerArray(2);
                int[] runnable = new int[1];
                caller.interrupt();
                pool.run((w, c) -> {
                    if (w == 0) { while (!workerRan.get()) Thread.onSpinWait(); ran.incrementAndGet(c); return; }
                    workerRan.set(true);
                    pause(100);                                  // the caller is past its spinning
                    for (int i = 0; i < 20; i++) { if (caller.getState() == Thread.State.RUNNABLE) runnable[0]++; pause(15); }
                    ran.incrementAndGet(c);
                }, 2);
                assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
                assertEquals(1, ran.get(0)); assertEquals(1, ran.get(1));
                assertTrue(runnable[0] <= 3, "the interrupted caller parks while it waits: RUNNABLE in " + runnable[0] + " of 20 samples");
            }
        });
    }

    /** An interrupted idle worker stays parked (it used to spin for as long as the pool lived) and still takes chunks. */
    @Test void anInterruptedIdleWorkerStaysParked() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (WorkerPool pool = new WorkerPool(2)) {
            List<Thread> mine = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("dcec4j-kernels-")).collect(Collectors.toList());
            assertEquals(1, mine.size(), "one worker: " + mine);
            Thread worker = mine.get(0);
            pause(200);                                          // past its spinning: parked
            worker.interrupt();
            int runnable = 0;
            for (int i = 0; i < 20; i++) { pause(15); if (worker.getState() == Thread.State.RUNNABLE) runnable++; }
            assertTrue(runnable <= 3, "the interrupted worker parks: RUNNABLE in " + runnable + " of 20 samples");
            AtomicIntegerArray count = new AtomicIntegerArray(16);
            pool.run((w, c) -> { sleep(1); count.incrementAndGet(c); }, 16);
            for (int c = 0; c < 16; c++) assertEquals(1, count.get(c));
        }
    }

    /** Sleeps about ms milliseconds whatever the interrupt flag (Thread.sleep would throw at once on an interrupted thread). */
    private static void pause(long ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        for (long left; (left = end - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
    }

    /** Two pools' threads have different names: a thread dump tells them apart. */
    @Test void thePoolsOfTwoBackendsNameTheirThreadsApart() {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (WorkerPool a = new WorkerPool(2); WorkerPool b = new WorkerPool(3)) {
            Set<String> names = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).filter(n -> n.startsWith("dcec4j-kernels-")).collect(Collectors.toSet());
            assertEquals(3, names.size(), "three workers, three names: " + names);
        }
    }

    /** Vector kernels dropped without close() have their workers stopped once they are collected. */
    @Test void droppedKernelsLoseTheirWorkers() throws Exception {
        assumeTrue(org.dcec4j.engine.Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        for (int i = 0; i < 4; i++) new VectorKernels(3);   // dropped at once
        List<Thread> made = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("dcec4j-kernels-")).collect(Collectors.toList());
        assertEquals(8, made.size(), "two workers per kernels: " + made);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (made.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(List.of(), made.stream().filter(Thread::isAlive).collect(Collectors.toList()), "workers left running");
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    /**
     * Call accounting counts every call and every chunk once, per kind of call (label, job, chunk count), and only
     * while it is on: the chunks of a call add up to its chunk count whichever thread ran them, the threads' busy time
     * fits inside threads × makespan, and turning it on again starts from nothing.
     */
    @Test void callAccountingCountsEveryCallAndChunkWhileOn() {
        for (int threads = 1; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                WorkerPool.Job spin = (w, c) -> { for (int i = 0; i < 20_000; i++) Thread.onSpinWait(); };
                pool.run(spin, 5);                                   // before accounting: not counted
                pool.account(true);
                pool.run(spin, 7);
                pool.run(spin, 7);
                pool.run(spin, 1);
                pool.run(java.util.List.of(new WorkerPool.Planned(spin, 3), new WorkerPool.Planned(spin, 2)));
                pool.label("layer 9");
                pool.run(spin, 7);                                   // the same job under a label: a kind of its own
                pool.label(null);
                pool.account(false);
                pool.run(spin, 7);                                   // after: not counted
                java.util.List<WorkerPool.CallStats> calls = pool.calls();
                assertEquals(4, calls.size(), "threads " + threads + ": kinds " + calls);
                long[] wantCalls = {2, 1, 1, 1}, wantChunks = {14, 1, 5, 7};
                for (int k = 0; k < 4; k++) {
                    WorkerPool.CallStats c = calls.get(k);
                    assertEquals(wantCalls[k], c.calls(), c.job());
                    long chunks = 0;
                    for (int t = 0; t < threads; t++) chunks += c.chunks(t);
                    assertEquals(wantChunks[k], chunks, c.job() + ", threads " + threads);
                    assertEquals(0, c.chunks(threads), c.job() + ": no thread past the pool's");
                    org.junit.jupiter.api.Assertions.assertTrue(c.busyNs() > 0 && c.busyNs() <= threads * c.makespanNs(),
                            c.job() + ": busy " + c.busyNs() + " ns against makespan " + c.makespanNs() + " × " + threads);
                    org.junit.jupiter.api.Assertions.assertTrue(c.startDelayNs() >= 0 && c.startDelayNs() <= (threads - 1) * c.makespanNs(),
                            c.job() + ": start delay " + c.startDelayNs());
                }
                assertEquals(calls.get(0).job(), calls.get(1).job().replace(" ×1", " ×7"), "the same job, another chunk count");
                org.junit.jupiter.api.Assertions.assertTrue(calls.get(2).job().contains(" + "), "a sequence names its jobs: " + calls.get(2).job());
                assertEquals("layer 9: " + calls.get(0).job(), calls.get(3).job(), "a labelled call's kind");
                String table = pool.callTable(1);
                assertEquals(4 + 2, table.lines().count(), table);  // header, four kinds, the sums
                pool.account(true);
                assertEquals(0, pool.calls().size(), "turning accounting on forgets the earlier calls");
            }
        }
    }

    /**
     * Idle threads wait {@link WorkerPool#SPIN_NANOS} and then park: a worker idle for twenty times that is parked (not
     * holding a core), and the call that wakes it counts the park in its call accounting. (How often a training step's
     * calls park is a property of the host and the chunks' lengths, measured by StepProfile's call table, not here.)
     */
    @Test void anIdleWorkerParksAndTheCallThatWakesItCountsThePark() {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (WorkerPool pool = new WorkerPool(2)) {
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("dcec4j-kernels-")).findFirst().orElseThrow();
            pool.run((w, c) -> pause(1), 4);
            pool.account(true);
            pause(20 * WorkerPool.SPIN_NANOS / 1_000_000);
            assertEquals(Thread.State.WAITING, worker.getState(), "a worker idle for 20 times its wait is parked");
            pool.run((w, c) -> pause(2), 8);                     // long enough chunks that the woken worker takes some
            WorkerPool.CallStats call = pool.calls().get(0);
            assertTrue(call.chunks(1) > 0, "the worker ran chunks");
            assertTrue(call.parks() >= 1 && call.parks() <= 2, call.parks() + " parks: the worker's wake, perhaps the caller's");
        }
    }

    /**
     * A worker that cannot start (the JVM's OutOfMemoryError "unable to create native thread", here from the factory):
     * the error reaches the caller and the worker already started ends, since the pool the caller never receives could
     * not be closed by anyone. Before, it stayed parked for the life of the JVM.
     */
    @Test void aWorkerThatCannotStartLeavesNoWorkerBehind() throws Exception {
        List<Thread> made = new java.util.ArrayList<>();
        java.util.concurrent.ThreadFactory second = r -> {
            if (made.size() == 1) throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            Thread t = new Thread(r);
            made.add(t);
            return t;
        };
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> new WorkerPool(4, second));
        assertTrue(e.getMessage().startsWith("unable to create native thread"), e.getMessage());
        assertEquals(1, made.size());
        made.get(0).join(10_000);
        assertTrue(!made.get(0).isAlive(), "the started worker is still there: " + made.get(0).getState());
    }
}
