package org.dcec4j.engine.kernels.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of {@code threads − 1} daemon workers plus the calling thread (worker 0). A job is cut
 * into chunks that write disjoint outputs; workers take chunks in any order, so the result never
 * depends on the schedule or on the number of threads. {@code threads = 1} creates no thread at all:
 * every chunk runs on the caller.
 *
 * <p>Dispatch costs one volatile write and one unpark per worker; idle workers spin briefly
 * ({@link #SPIN}) before parking, because kernels arrive back to back during a training step.
 * Nothing is allocated per dispatch.
 */
final class WorkerPool implements AutoCloseable {

    /** One parallel job: {@code run(worker, chunk)} computes one chunk using worker-private workspaces. */
    interface Job {
        void run(int worker, int chunk);
    }

    /** Spin iterations before an idle thread parks (about 20–50 µs). */
    static final int SPIN = 1 << 14;

    private final Thread[] workers;
    private volatile Job job;
    private volatile int chunks;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    /** (generation << 32) | next chunk: a worker woken for an older generation can never claim a chunk. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    /** The first exception a chunk threw during the current run (rethrown by the caller). */
    private volatile Throwable failure;

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int id = i + 1;
            Thread t = new Thread(() -> loop(id), "dcec4j-kernels-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() { return workers.length + 1; }

    /**
     * Runs chunks 0..n−1 of {@code j}; returns when all are done. Not reentrant. If a chunk throws, the
     * other chunks still finish and the first exception is rethrown here; the pool stays usable.
     */
    void run(Job j, int n) {
        if (n <= 0) return;
        if (workers.length == 0 || n == 1) {
            for (int c = 0; c < n; c++) j.run(0, c);
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        done.set(0);
        job = j;
        chunks = n;
        int gen = generation + 1;
        ticket.set((long) gen << 32);
        generation = gen;                  // publishes job/chunks/ticket to the workers
        for (Thread t : workers) LockSupport.unpark(t);
        work(0, gen, j, n);
        int spins = 0;
        while (done.get() < n) {
            if (spins < SPIN) { spins++; Thread.onSpinWait(); }
            else LockSupport.park(this);
        }
        job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    private void work(int id, int gen, Job j, int n) {
        while (true) {
            long t = ticket.get();
            int c = (int) t;
            if ((int) (t >>> 32) != gen || c >= n) return;
            if (!ticket.compareAndSet(t, t + 1)) continue;
            try {
                j.run(id, c);
            } catch (Throwable e) {          // counted as done so the caller never waits forever; rethrown there
                if (failure == null) failure = e;
            }
            if (done.incrementAndGet() == n) LockSupport.unpark(caller);
        }
    }

    private void loop(int id) {
        int seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (spins < SPIN) { spins++; Thread.onSpinWait(); }
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            Job j = job;
            int n = chunks;
            if (j != null) work(id, seen, j, n);
        }
    }

    @Override public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
