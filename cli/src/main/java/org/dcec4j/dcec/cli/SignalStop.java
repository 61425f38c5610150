package org.dcec4j.dcec.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dcec4j.dcec.Cancellation;

/**
 * What a training command does on Ctrl-C (SIGINT), SIGTERM (a scheduler, {@code kill}) or SIGHUP: a JVM shutdown hook
 * cancels the run's {@link Cancellation}, the trainer stops at its next mini-batch boundary, and the command writes its
 * stop line (run.log and stderr) and releases its run folder's lock as a normal end does, while the hook waits for it,
 * at most {@link #GRACE_SECONDS}. Without it the JVM died at once: the lock file kept naming the dead run (the next run
 * reported taking over a killed one) and the user was told nothing.
 *
 * <p>The JVM's own signal handler starts the shutdown with the conventional exit status (128 + the signal's number:
 * 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP); the hooks cannot change it and need not. Which signal it was is
 * only known by watching the signals themselves, through {@code sun.misc.Signal} (module jdk.unsupported), reached by
 * reflection so that a JVM without it still gets the hook: the stop is then said to come from "a shutdown request" and
 * the command returns 143, as it does when the JVM shuts down for another reason (System.exit of a reproduction's cell
 * whose parent has ended). A signal the process ignores (SIGHUP under {@code nohup}) stays ignored; a JVM started with
 * {@code -Xrs} leaves the signals to the operating system, which ends it at once without running any hook.
 *
 * <p>The pixel baseline after the training, k-means with no batches, is interrupted (KMeans stops at its next
 * k-means++ step or Lloyd iteration). A run that does not reach a batch boundary in time (inside a Lloyd iteration,
 * or the full pass that recomputes P on a very large set) is left to die as before, after a line on stderr saying so: a stuck run cannot hang the shutdown. A
 * second signal during the wait changes nothing (the JVM runs its hooks once; the second request waits for them), so it
 * cannot interrupt the stop line or the lock's release half way; {@code kill -9} still ends the process at once.
 *
 * <p>A training command begins its stop before it reads its images (an image folder can take minutes to decode): a
 * signal then ends the reading between two images, with one line saying how many were read and that nothing was
 * written. Before that, while it lists the folder or downloads a named set, the JVM ends at once after the line the
 * command gave {@link #starting}.
 *
 * <p>Installed by the command line's {@code main} only (and by a reproduction's cells): a library caller or a test
 * that runs the command in its own JVM keeps its JVM's shutdown as it is.
 */
public final class SignalStop {
    /** The system property that sets {@link #GRACE_SECONDS}: whole seconds from 1 to 3600. */
    public static final String WAIT_PROPERTY = "dcec4j.stopWaitSeconds";

    /**
     * How long the shutdown waits for a run to stop and release its folder: {@value #WAIT_PROPERTY} when set (a run whose
     * recomputation of P takes longer on a very large set may want more), 10 s by default; -1 when the property is not
     * a whole number from 1 to 3600, which {@link #install} refuses.
     */
    public static final int GRACE_SECONDS = waitSeconds(System.getProperty(WAIT_PROPERTY));

    /** The wait a value of {@value #WAIT_PROPERTY} sets: 10 for none, -1 for one outside 1 to 3600 whole seconds. */
    static int waitSeconds(String value) {
        if (value == null) return 10;
        try {
            int s = org.dcec4j.datasets.cli.AsciiNumbers.parseInt(value.strip());
            return s >= 1 && s <= 3600 ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The exit code when the signal is not known (see the class comment): that of SIGTERM. */
    public static final int UNKNOWN_SIGNAL_EXIT = 143;

    private static SignalStop installed;

    private final PrintStream err;
    private final Thread hook = new Thread(this::onShutdown, "dcec-signal-stop");
    private volatile String signal;
    private volatile int signalNumber;
    private Run active;
    private String starting;
    private boolean toldStarting;
    private boolean shuttingDown, hooked;

    private SignalStop(PrintStream err) { this.err = err; }

    /**
     * Installs the hook and watches SIGINT, SIGTERM and SIGHUP (once per JVM; later calls return the first one); an
     * IllegalArgumentException naming {@value #WAIT_PROPERTY} when its value is not one {@link #GRACE_SECONDS} takes.
     */
    public static synchronized SignalStop install(PrintStream err) {
        if (GRACE_SECONDS < 0)
            throw new IllegalArgumentException(WAIT_PROPERTY + "=" + System.getProperty(WAIT_PROPERTY) + ": expected whole seconds from 1 to 3600"
                    + " (how long a stopped run may take to reach its next batch boundary; 10 without the property)");
        if (installed != null) return installed;
        SignalStop s = new SignalStop(err);
        for (String name : new String[] {"INT", "TERM", "HUP"}) s.watch(name);
        Runtime.getRuntime().addShutdownHook(s.hook);
        s.hooked = true;
        installed = s;
        return s;
    }

    /** The installed instance, or null (the command runs inside another program: no signal handling of its own). */
    static synchronized SignalStop current() { return installed; }

    /** Removes the hook before a normal exit; does nothing once the shutdown has begun. */
    public synchronized void uninstall() {
        if (!hooked) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            hooked = false;
        } catch (IllegalStateException e) {
            // the shutdown has begun: the hook is running and returns once the run has finished its stop
        }
    }

    /** "SIGTERM", "SIGINT", "SIGHUP", or "a shutdown request" when the JVM does not say which signal it was. */
    String cause() {
        String s = signal;
        return s != null ? s : "a shutdown request";
    }

    /** 128 + the signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP), {@link #UNKNOWN_SIGNAL_EXIT} when not known. */
    int exitCode() {
        return signal != null ? 128 + signalNumber : UNKNOWN_SIGNAL_EXIT;
    }

    /**
     * Marks the start of a run that the hook may stop through {@code c}; {@link Run#close()} marks its end, once its
     * outputs are complete and its lock released. One run at a time.
     */
    synchronized Run begin(Cancellation c) {
        return begin(c, TRAINING_NOT_STOPPED);
    }

    /** What the shutdown says of a training run that did not stop within the wait. */
    static final String TRAINING_NOT_STOPPED = "the run did not reach a batch boundary within " + GRACE_SECONDS + " s (the k-means"
            + " initialisation and the recomputation of P are not interrupted); it ends now without releasing its --out folder: the"
            + " next run takes it over, and --resume continues from its last checkpoint if it wrote one";

    /**
     * {@link #begin(Cancellation)} of a command that is not a training run (predict, embed, evaluate), with what the
     * shutdown says on stderr when the run does not stop within {@link #GRACE_SECONDS}: a run folder and a checkpoint are
     * a training's words.
     */
    synchronized Run begin(Cancellation c, String notStoppedInTime) {
        // the hook has already said the command stopped before its run began, and the JVM is ending: no second line
        while (toldStarting) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("stopped by " + cause() + " before the run began");
            }
        }
        Run r = new Run(c, notStoppedInTime);
        active = r;
        starting = null;
        if (shuttingDown) c.cancel("stopped by " + cause());   // the hook has already looked: stop at the first boundary
        return r;
    }

    /**
     * What the shutdown says on stderr (after "dcec: stopped by SIGTERM ") when a signal comes before the command has
     * begun its {@link Run} (a training command listing its image folder or downloading a named set: nothing to wait
     * for, nothing written): the JVM then ends at once, after that one line. Cleared by {@link #begin}.
     */
    synchronized void starting(String line) { starting = line; }

    /** A run the hook waits for. */
    final class Run implements AutoCloseable {
        private final Cancellation cancellation;
        /** The stderr line (after "dcec: SIGTERM: ") when the run has not stopped within the wait. */
        private volatile String notStoppedInTime;
        private final CountDownLatch done = new CountDownLatch(1);

        private Run(Cancellation c, String notStoppedInTime) {
            this.cancellation = c;
            this.notStoppedInTime = notStoppedInTime;
        }

        /**
         * Changes what the shutdown says when the run does not stop within the wait: a training command reads its images
         * first (nothing written yet), then takes its folder.
         */
        void notStoppedInTime(String line) { this.notStoppedInTime = line; }

        /** Whether the hook asked this run to stop (a CancellationException of the run is then the stop, not a bug). */
        boolean stopRequested() { return cancellation.isCancelled(); }

        String cause() { return SignalStop.this.cause(); }

        int exitCode() { return SignalStop.this.exitCode(); }

        /** The thread to interrupt on a stop while it runs {@link #interruptibly}; guarded by this Run. */
        private Thread interruptible;

        /**
         * Runs {@code task}, which stops on an interrupt of this thread with a CancellationException (k-means), so that a
         * stop interrupts it; throws that exception at once if the stop came first. The interrupt is confined to the task:
         * the thread's flag is cleared when it ends, so no later write of the run (an NIO channel) meets it.
         */
        <T> T interruptibly(java.util.function.Supplier<T> task) {
            synchronized (this) {
                if (stopRequested()) throw new java.util.concurrent.CancellationException("stopped by " + cause());
                interruptible = Thread.currentThread();
            }
            try {
                return task.get();
            } finally {
                synchronized (this) {
                    interruptible = null;
                    Thread.interrupted();
                }
            }
        }

        /** Cancels the run, and interrupts the task of {@link #interruptibly} if one is running. */
        private void stop() {
            cancellation.cancel("stopped by " + cause());
            synchronized (this) {
                if (interruptible != null) interruptible.interrupt();
            }
        }

        /** The run has ended (normally, by the stop, or by a failure): the hook may return. */
        @Override public void close() {
            synchronized (SignalStop.this) {
                if (active == this) active = null;
            }
            done.countDown();
        }
    }

    private void onShutdown() {
        Run r;
        String before;
        synchronized (this) {
            shuttingDown = true;
            r = active;
            before = starting;
            toldStarting = r == null && before != null;
        }
        if (r == null) {
            // no run under way (a training command getting its images, datasets, …): nothing to finish, the JVM ends now
            if (before != null) err.println("dcec: stopped by " + cause() + " " + before);
            return;
        }
        r.stop();
        try {
            if (!r.done.await(GRACE_SECONDS, TimeUnit.SECONDS))
                err.println("dcec: " + cause() + ": " + r.notStoppedInTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Notes which signal it was before the JVM's own handler starts the shutdown: sun.misc.Signal through reflection
     * (class comment). A handler that was not the JVM's (the default action under -Xrs, or ignored under nohup) is put
     * back as it was.
     */
    private void watch(String name) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal"), handlerClass = Class.forName("sun.misc.SignalHandler");
            Object sig = signalClass.getConstructor(String.class).newInstance(name);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass), handleOne = handlerClass.getMethod("handle", signalClass);
            Method number = signalClass.getMethod("getNumber");
            Object[] previous = new Object[1];
            Object mine = Proxy.newProxyInstance(SignalStop.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, m, args) -> {
                if (m.getDeclaringClass() == Object.class)
                    return switch (m.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "dcec signal watch (SIG" + name + ")";
                    };
                synchronized (this) {
                    if (signal == null) {          // the first signal is the cause; a second one only reaches the JVM's handler
                        signalNumber = (Integer) number.invoke(args[0]);
                        signal = "SIG" + name;
                    }
                }
                try {
                    handleOne.invoke(previous[0], args[0]);    // the JVM's: System.exit(128 + number), which runs the hooks
                } catch (InvocationTargetException e) {
                    System.exit(128 + (Integer) number.invoke(args[0]));
                }
                return null;
            });
            previous[0] = handle.invoke(null, sig, mine);
            if (previous[0] == handlerClass.getField("SIG_DFL").get(null) || previous[0] == handlerClass.getField("SIG_IGN").get(null))
                handle.invoke(null, sig, previous[0]);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // no sun.misc.Signal, or a signal the JVM keeps for itself: the hook still stops the run, naming no signal
        }
    }
}
