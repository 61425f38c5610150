package org.dcec4j.datasets.augment;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link RandomAffine} over a whole batch on T threads: the calling thread plus T − 1 daemon workers
 * that this object owns (close it to stop them; {@code threads = 1} starts none). Rows are split into
 * T fixed contiguous parts, part t = rows [B·t/T, B·(t+1)/T); every image's output depends only on its
 * input and its (seed, step, index), so the batch is bit-identical for every T.
 *
 * <p>One batch at a time ({@code apply} is synchronized). A call publishes its arguments in one job
 * object, wakes the workers, runs part 0 itself and waits until every worker has reported its part
 * done, so no worker can still be busy with a batch when the next one starts. Nothing is allocated
 * per call. Workers park between batches (a batch comes once per training step, so spinning would
 * only take a core from the training kernels).
 */
public final class RandomAffinePool implements Closeable {

    /** Spin iterations of the caller waiting for the workers before it parks (the parts are equal). */
    private static final int CALLER_SPIN = 1 << 12;

    /** The arguments of the current batch; written by the caller before it publishes a generation. */
    private static final class Job {
        float[] out, in;
        int B, C, H, W;
        long seed, step;
        int[] indices;      // data-set index per row, or null: row b is image firstIndex + b
        int firstIndex;
    }

    private final RandomAffine augment;
    private final Thread[] workers;
    private final Job job = new Job();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    /**
     * @param augment the transform and its parameter ranges
     * @param threads T ≥ 1: the caller plus T − 1 workers
     */
    public RandomAffinePool(RandomAffine augment, int threads) {
        this(augment, threads, Thread::new);
    }

    /**
     * The pool with its workers made by {@code factory} (a test makes one fail to start). A worker that cannot start
     * (an OutOfMemoryError: the limit on threads, or the memory for a stack) closes the pool, so that the workers
     * already started end, and the error propagates.
     */
    RandomAffinePool(RandomAffine augment, int threads, java.util.concurrent.ThreadFactory factory) {
        if (augment == null) {
            throw new IllegalArgumentException("augment is null");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.augment = augment;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int part = i + 1;
            try {
                Thread t = factory.newThread(() -> loop(part));
                t.setName("dcec4j-augment-" + part);
                t.setDaemon(true);
                t.start();
                workers[i] = t;
            } catch (Throwable e) {
                close();
                throw e;
            }
        }
    }

    /** T: the calling thread plus the workers. */
    public int threads() {
        return workers.length + 1;
    }

    public RandomAffine augment() {
        return augment;
    }

    /**
     * Augments a shuffled batch: row b of x_out[B, C, H, W] is written with row b of x_in under the
     * parameters of (seed, step, indices[b]) — indices[b] is the data-set index of row b.
     * {@code in} and {@code indices} are only read.
     */
    public synchronized void apply(float[] out, float[] in, int B, int C, int H, int W, long seed, long step,
                                   int[] indices) {
        RandomAffine.checkBatch(out, in, C, H, W, 0, B);
        if (indices == null || indices.length < B) {
            throw new IllegalArgumentException("indices must hold a data-set index for each of the " + B
                    + " rows, got " + (indices == null ? "null" : "length " + indices.length));
        }
        run(out, in, B, C, H, W, seed, step, indices, 0);
    }

    /**
     * Augments a batch of consecutive data-set images: row b of x_out[B, C, H, W] is written with row b
     * of x_in under the parameters of (seed, step, firstIndex + b).
     */
    public synchronized void apply(float[] out, float[] in, int B, int C, int H, int W, long seed, long step,
                                   int firstIndex) {
        RandomAffine.checkBatch(out, in, C, H, W, 0, B);
        if (firstIndex < 0 || (long) firstIndex + B - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("firstIndex must be >= 0 with firstIndex + B − 1 fitting an int, got "
                    + firstIndex + " for B = " + B);
        }
        run(out, in, B, C, H, W, seed, step, null, firstIndex);
    }

    private void run(float[] out, float[] in, int B, int C, int H, int W, long seed, long step,
                     int[] indices, int firstIndex) {
        if (closed) {
            throw new IllegalStateException("this RandomAffinePool is closed");
        }
        Job j = job;
        j.out = out;
        j.in = in;
        j.B = B;
        j.C = C;
        j.H = H;
        j.W = W;
        j.seed = seed;
        j.step = step;
        j.indices = indices;
        j.firstIndex = firstIndex;
        if (workers.length > 0) {
            caller = Thread.currentThread();
            failure = null;
            pending.set(workers.length);
            generation = generation + 1;               // publishes the job (volatile write after the fields)
            for (Thread t : workers) LockSupport.unpark(t);
        }
        Throwable own = null;
        try {
            part(0);
        } catch (Throwable e) {                        // still wait: the workers are writing into out
            own = e;
        }
        if (workers.length > 0) {
            int spins = 0;
            boolean interrupted = false;
            while (pending.get() != 0) {               // the workers' writes happen-before their decrement
                if (spins < CALLER_SPIN) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted(); // left set, park would return at once: set again below
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        j.out = null;                                  // hold no reference to the caller's arrays
        j.in = null;
        j.indices = null;
        Throwable f = own != null ? own : failure;
        failure = null;
        if (f != null) {
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /** Rows [B·t/T, B·(t+1)/T) of the current job. */
    private void part(int t) {
        Job j = job;
        int T = workers.length + 1;
        int from = (int) ((long) j.B * t / T), to = (int) ((long) j.B * (t + 1) / T);
        if (j.indices != null) {
            augment.applyBatch(j.out, j.in, j.C, j.H, j.W, j.seed, j.step, j.indices, from, to);
        } else {
            augment.applyBatch(j.out, j.in, j.C, j.H, j.W, j.seed, j.step, j.firstIndex, from, to);
        }
    }

    private void loop(int t) {
        int seen = 0;
        while (true) {
            while (generation == seen && !closed) {
                LockSupport.park(this);
                Thread.interrupted();                  // the pool's own thread: an interrupt means nothing; left set, park would spin
            }
            if (closed) return;
            seen = generation;                         // the volatile read that makes the job fields visible
            try {
                part(t);
            } catch (Throwable e) {                    // reported to the caller; the pool stays usable
                if (failure == null) failure = e;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    /** Stops the workers once the batch in progress, if any, is done; later calls to {@code apply} fail. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
