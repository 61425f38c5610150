package org.dcec4j.dcec;

import java.util.concurrent.CancellationException;

/**
 * A handle that stops a running {@link Dcec#fit fit} from another thread: {@link #cancel()} asks, and the
 * training loop stops at its next mini-batch boundary by throwing a {@link CancellationException} (k-means, which
 * has no batches, at its next k-means++ step or Lloyd iteration). An
 * interrupt of the training thread ({@link Thread#interrupt()}) stops it the same way (the thread stays
 * interrupted). Checkpoints already written are complete and stay as they were, so a cancelled run can
 * be continued with {@code resume}. Thread-safe.
 */
public final class Cancellation {
    private volatile boolean requested;
    private volatile String reason = "cancelled";

    /** Asks the run to stop at its next batch boundary. */
    public void cancel() { cancel("cancelled"); }

    /** Asks the run to stop at its next batch boundary; {@code reason} goes into the exception's message (null: "cancelled"). */
    public void cancel(String reason) {
        this.reason = reason == null ? "cancelled" : reason;
        requested = true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean isCancelled() { return requested; }

    /**
     * Throws a {@link CancellationException} naming {@code where} when this handle was cancelled or the
     * current thread was interrupted; returns quietly otherwise. The training loop calls it between batches.
     */
    public void check(String where) {
        if (requested) throw new CancellationException(reason + " (" + where + ")");
        if (Thread.currentThread().isInterrupted())
            throw new CancellationException("interrupted (" + where + ")");
    }

    /** A handle nobody cancels: only an interrupt stops the run. */
    public static Cancellation none() { return new Cancellation(); }
}
