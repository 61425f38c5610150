package org.dcec4j.engine;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The float arrays of one training step, handed out again in the next step instead of being allocated anew.
 *
 * <p>A training step of the paper's autoencoder (28×28, batch 256) makes about 50 MB of arrays: every layer's
 * output and the gradient of every output (of which a fused ReLU's is masked in place inside an arena,
 * {@link org.dcec4j.engine.kernels.Activation#backward}). Allocated fresh, each is zeroed by the
 * JVM on the calling thread, most are too large for a thread-local allocation buffer, and that costs several
 * milliseconds per step that no kernel thread shares (docs/benchmarks.md#outside-kernels). With an arena the
 * second and later steps reuse the first step's arrays: those that a kernel writes completely (layer outputs,
 * first gradients) are handed out as they are, and only the accumulated gradients are cleared.
 *
 * <pre>{@code
 * StepArena arena = new StepArena();
 * for (...) {
 *     try (var step = arena.open()) {      // every array of the previous step is free again
 *         opt.zeroGrad();
 *         Tensor loss = F.mse(ae.decode(ae.encode(x)), x);
 *         loss.backward();
 *         opt.step();
 *         lossValue = loss.item();         // read what you need inside the step
 *     }
 * }
 * }</pre>
 *
 * <p><b>The contract.</b> While an arena is open on a thread, the heavy ops ({@code conv2d}, {@code
 * conv_transpose2d}, {@code linear}, {@code relu}) take their outputs from it, and back-propagation takes the
 * gradients of computed (non-leaf) tensors and its temporary arrays from it. Those arrays belong to the step: the
 * next {@link #open()} of the same arena hands them out again, so a tensor computed in one step must not be read
 * after the next step has started. Parameters, their gradients, optimiser state and everything made with
 * {@link Tensor#zeros} are never taken from an arena. With no arena open, the same calls allocate as before; the
 * arithmetic is the same either way, bit for bit (tested on whole training loops).
 *
 * <p>Two consequences of the contract. A computed tensor must not take part in a later step either (as an input to
 * its ops or by back-propagating through it again): its gradient array would by then belong to another tensor. And
 * the arrays are made free only by {@link #open()}, so a loop of many forward passes run inside one open step
 * (inference over a data set, say) keeps every pass's arrays: run such loops outside the step.
 *
 * <p>An arena belongs to one thread at a time and cannot be opened twice at once; it is not thread-safe. It keeps
 * the arrays of every distinct length it has handed out (two batch sizes per epoch cost two sets: about 50 MB each
 * for the paper's autoencoder at 28×28, batch 256) until {@link #clear()} or until it is garbage; the trainers hold
 * one arena per phase.
 *
 * <p>Design: docs/math/autograd.md#memory
 */
public final class StepArena {
    private static final ThreadLocal<StepArena> OPEN = new ThreadLocal<>();

    /** The arrays of one length, and how many of them the current step has taken. */
    private static final class Pool {
        final int length;
        final ArrayList<float[]> arrays = new ArrayList<>();
        int taken;
        Pool(int length) { this.length = length; }
    }

    // a handful of distinct lengths per step: a linear scan beats a map and boxes nothing
    private final ArrayList<Pool> pools = new ArrayList<>();
    private Thread owner;
    private long reused, allocated;

    /**
     * Starts a step on the calling thread: every array handed out by the previous step of this arena is free
     * again. Close the returned handle (try-with-resources) to end the step.
     *
     * @throws IllegalStateException if this arena is open already, or another arena is open on this thread
     */
    public Step open() {
        if (owner != null)
            throw new IllegalStateException("step arena is already open on thread " + owner.getName());
        if (OPEN.get() != null) throw new IllegalStateException("another step arena is open on this thread");
        for (Pool p : pools) p.taken = 0;
        owner = Thread.currentThread();
        OPEN.set(this);
        return new Step();
    }

    /** The handle of an open step; {@link #close()} ends it (idempotent). */
    public final class Step implements AutoCloseable {
        private boolean closed;
        private Step() {}
        @Override public void close() {
            if (closed) return;
            if (owner != Thread.currentThread())
                throw new IllegalStateException("a step arena must be closed on the thread that opened it");
            closed = true;
            owner = null;
            OPEN.remove();
        }
    }

    /** Drops every array kept (the arena must be closed). */
    public void clear() {
        if (owner != null) throw new IllegalStateException("cannot clear an open step arena");
        pools.clear();
    }

    /** Arrays handed out again since this arena was made. */
    public long reusedArrays() { return reused; }

    /** Arrays allocated since this arena was made (the first step's, and any new lengths'). */
    public long allocatedArrays() { return allocated; }

    /** Floats held for reuse. */
    public long heldFloats() {
        long s = 0;
        for (Pool p : pools) s += (long) p.length * p.arrays.size();
        return s;
    }

    /** True when an arena is open on the calling thread. */
    public static boolean isOpen() { return OPEN.get() != null; }

    /**
     * An array of {@code n} floats whose contents are unspecified when an arena is open on this thread (the
     * caller writes every element before reading any), a new zero array otherwise. For ops and kernels' callers.
     */
    public static float[] array(int n) {
        StepArena a = OPEN.get();
        return a == null ? new float[n] : a.take(n);
    }

    /** An array of {@code n} zeros: from the arena open on this thread (cleared), or new. */
    public static float[] zeroedArray(int n) {
        StepArena a = OPEN.get();
        if (a == null) return new float[n];
        float[] z = a.take(n);
        Arrays.fill(z, 0f);
        return z;
    }

    private float[] take(int n) {
        Pool pool = null;
        for (Pool p : pools) if (p.length == n) { pool = p; break; }
        if (pool == null) pools.add(pool = new Pool(n));
        if (pool.taken < pool.arrays.size()) {
            reused++;
            return pool.arrays.get(pool.taken++);
        }
        float[] fresh = new float[n];
        pool.arrays.add(fresh);
        pool.taken++;
        allocated++;
        return fresh;
    }
}
