package org.dcec4j.engine.kernels.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of {@code threads − 1} daemon workers plus the calling thread (worker 0). A job is cut
 * into chunks that write disjoint outputs; the caller claims chunks from the front, the workers from the back, and where
 * they meet depends on the schedule; no chunk's result depends on which thread runs it or when, so the result never
 * depends on the schedule or on the number of threads. {@code threads = 1} creates no thread at all:
 * every chunk runs on the caller.
 *
 * <p>Dispatch costs a few volatile writes (closing and opening the ticket, the job, the generation) and one unpark
 * per worker; idle threads wait for up to {@link #SPIN_NANOS} before parking (spinning, then yielding), because kernels
 * arrive back to back during a training step and a parked thread takes tens of µs to wake.
 * Nothing is allocated per dispatch. A diagnostic can turn on call accounting ({@link #account}): where each
 * call's threads spent its time, chunk by chunk (it allocates a name per call while on).
 *
 * <p>Interrupts: the workers are the pool's own threads and ignore them (they stop only at {@link #close}); a caller
 * interrupted while it waits for the workers keeps waiting (parked, not spinning) and returns with its interrupt flag
 * set, for the code above to see at its next check. Threads are named {@code dcec4j-kernels-<pool>-<worker>}, the pool
 * numbered in the order pools are made, so that a thread dump tells the pools of two backends apart.
 */
final class WorkerPool implements AutoCloseable {

    /** One parallel job: {@code run(worker, chunk)} computes one chunk using worker-private workspaces. */
    interface Job {
        void run(int worker, int chunk);
    }

    /** A job and its number of chunks, prepared by a kernel family and not yet run. */
    record Planned(Job job, int chunks) {}

    /**
     * Independent jobs (disjoint outputs, nothing one writes read by another) as one: the chunks of the first, then
     * those of the second, and so on ({@code first[i]} = the number of chunks before job i). Run as one call, the threads
     * go on from one job's last chunks to the next job's instead of waiting at the end of each; a kernel family's chunk
     * sets up all of its worker's workspace that it uses, so chunks of different jobs may follow each other on one
     * worker in any order.
     */
    private record Sequence(Job[] jobs, int[] first) implements Job {
        @Override public void run(int worker, int chunk) {
            int i = jobs.length - 1;
            while (chunk < first[i]) i--;
            jobs[i].run(worker, chunk - first[i]);
        }
    }

    /**
     * How long an idle thread waits without parking: a worker between calls, the caller for the workers' last chunks.
     * 2 ms, about three times the longest chunk of the DCEC step on the Zen 5 host, so that within a step nobody parks.
     * A park costs its wake-up: 40–90 µs on that host's virtual machine (from the unpark to the first chunk), paid by
     * the call that follows. The earlier wait, 2¹⁴ spin-wait hints (0.4 ms), was shorter than the tail of a call with
     * 0.6 ms chunks, and five calls a step paid a wake-up (docs/design-notes.md#threads). A pool with more threads
     * than the JVM has processors waits only {@link #YIELD_AFTER_NANOS} ({@link #waitNanos}).
     */
    static final long SPIN_NANOS = 2_000_000L;

    /**
     * For its first 0.4 ms the wait spins on spin-wait hints alone; after that it also yields the core at every clock
     * read ({@link #SPIN_CHECK} hints), so that a waiting thread hands its core to a thread with work (other work on the
     * machine) instead of holding it for the whole wait.
     */
    private static final long YIELD_AFTER_NANOS = 400_000L;

    /** Spin-wait hints between two reads of the clock while waiting (a hint is 10–40 ns, a clock read about 25). */
    private static final int SPIN_CHECK = 64;

    /**
     * One step of an idle thread's wait, the thread idle since {@code since} (a {@link System#nanoTime} value) and
     * {@code spins} its steps so far: a spin-wait hint, a yield or nothing; false once the thread should park.
     */
    private boolean spinOn(int spins, long since) {
        if (spins % SPIN_CHECK != 0) { Thread.onSpinWait(); return true; }
        long idle = System.nanoTime() - since;
        if (idle >= waitNanos) return false;
        if (idle >= YIELD_AFTER_NANOS) Thread.yield(); else Thread.onSpinWait();
        return true;
    }

    /**
     * Test-only schedule fuzzing, off unless the JVM starts with {@code -Ddcec4j.pool.chaos=true}: threads then
     * yield at random at the points where the dispatch protocol could race (between publishing a job and opening
     * it, between waking and claiming, between claiming and running), which makes a late-waking worker likely.
     * A static final constant: when false the JIT removes the calls.
     */
    static final boolean CHAOS = Boolean.getBoolean("dcec4j.pool.chaos");

    private static void maybeYield() {
        if (CHAOS && java.util.concurrent.ThreadLocalRandom.current().nextInt(3) == 0) Thread.yield();
    }

    /** Numbers the pools of this JVM, for their threads' names. */
    private static final AtomicInteger POOLS = new AtomicInteger();

    /**
     * The most chunks one dispatch takes: the ticket counts the chunks claimed from the front and from the back in 16 bits
     * each. A call with more runs as consecutive dispatches of at most this many ({@link #run(Job, int)}).
     */
    static final int MAX_CHUNKS = 0xFFFE;

    /** Front field of a closed ticket: above every chunk count, so nothing can be claimed. */
    private static final long CLOSED = 0xFFFFL << 16;

    /** One claim from the front (the caller's) and from the back (a worker's), as added to the ticket. */
    private static final long FRONT = 1L << 16, BACK = 1L;

    private final Thread[] workers;
    /**
     * How long this pool's idle threads wait before parking: {@link #SPIN_NANOS}, or only {@link #YIELD_AFTER_NANOS} when
     * the pool has more threads than the JVM has processors. There the threads with chunks need the cores that waiting
     * threads would hold: WorkerPoolTest's stress test (up to 7 threads on 2 cores, with another process busy on both)
     * ran more than 120 s with the 2 ms wait, even with its yields, against 64 s with 0.4 ms.
     */
    private final long waitNanos;
    private volatile Job job;
    private volatile int chunks;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    /**
     * (generation &lt;&lt; 32) | (chunks claimed from the front &lt;&lt; 16) | chunks claimed from the back. The caller
     * claims from the front (chunk f, by a CAS from (g, f, b) to (g, f + 1, b)), the workers from the back (chunk n − 1 − b,
     * to (g, f, b + 1)), while f + b is below the chunk count n: every chunk is claimed once, and on two threads the
     * caller takes the first chunks of every call and the worker the last ones. The chunks of the passes over the batch
     * are images in order, so each thread works mostly on the same images from one layer to the next and reads the
     * activations it wrote itself, from its own caches (docs/design-notes.md#threads: the two vCPUs of a host here hand
     * a cache line over in about 242 ns). {@link #run} closes the new generation's ticket (front field
     * {@link #CLOSED}) before it writes
     * {@code job} and {@code chunks}, and opens it after; a worker reads the ticket first and job/chunks second. So a
     * successful CAS proves that the job and count the worker read belong to the ticket's generation: a worker that
     * slept through a whole job can never run a chunk of the next job under the old ticket (it used to, running one
     * chunk twice and counting it twice, so that run() returned while that chunk was still being written).
     */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    /** The first exception a chunk threw during the current run (rethrown by the caller), and the thread it was thrown on. */
    private volatile Throwable failure;
    private volatile Thread failedOn;

    /**
     * Call accounting ({@link #account}), off by default. While it is on, each thread times its chunks into its own
     * slot of {@code busyNs}, {@code firstNs} and {@code chunkCount} (reset by the caller before the ticket opens, read
     * by it after the last chunk is counted as done: both ordered by the ticket and {@code done}), and the caller adds
     * the call to {@code calls}, which only the caller touches.
     */
    private volatile boolean accounting;
    private final long[] busyNs, firstNs;
    private final int[] chunkCount;
    /** Per thread, 1 if it had parked before it ran its first chunk of the call (workers) or while it waited (the caller). */
    private final int[] parked;
    private final java.util.Map<String, CallStats> calls = new java.util.LinkedHashMap<>();
    /** What the caller says the next calls belong to ({@link #label}); part of their kind when accounting. */
    private String label;

    WorkerPool(int threads) {
        this(threads, Thread::new);
    }

    /**
     * The pool with its workers made by {@code factory} (a test makes one fail to start). A worker that cannot start
     * (an OutOfMemoryError: the limit on threads, or the memory for a stack) closes the pool, so that the workers
     * already started end, and the error propagates.
     */
    WorkerPool(int threads, java.util.concurrent.ThreadFactory factory) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        workers = new Thread[threads - 1];
        busyNs = new long[threads];
        firstNs = new long[threads];
        chunkCount = new int[threads];
        parked = new int[threads];
        waitNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : YIELD_AFTER_NANOS;
        final int pool = workers.length > 0 ? POOLS.incrementAndGet() : 0;
        for (int i = 0; i < workers.length; i++) {
            final int id = i + 1;
            try {
                Thread t = factory.newThread(() -> loop(id));
                t.setName("dcec4j-kernels-" + pool + "-" + id);
                t.setDaemon(true);
                t.start();
                workers[i] = t;
            } catch (Throwable e) {
                close();
                throw e;
            }
        }
    }

    int threads() { return workers.length + 1; }

    /**
     * Runs chunks 0..n−1 of {@code j}; returns when all are done. Not reentrant. If a chunk throws, the
     * other chunks still finish and the first exception is rethrown here; the pool stays usable.
     */
    void run(Job j, int n) {
        if (n <= 0) return;
        if (n > MAX_CHUNKS) {
            // more chunks than the ticket counts: consecutive calls of at most MAX_CHUNKS (chunks write disjoint outputs)
            for (int first = 0; first < n; first += MAX_CHUNKS) {
                final int offset = first;
                run((worker, chunk) -> j.run(worker, offset + chunk), Math.min(MAX_CHUNKS, n - first));
            }
            return;
        }
        if (!accounting) {
            dispatch(j, n);
            return;
        }
        java.util.Arrays.fill(busyNs, 0);
        java.util.Arrays.fill(firstNs, -1);
        java.util.Arrays.fill(chunkCount, 0);
        java.util.Arrays.fill(parked, 0);
        long t0 = System.nanoTime();
        dispatch(j, n);
        long makespan = System.nanoTime() - t0;
        String kind = (label != null ? label + ": " : "") + name(j) + " ×" + n;
        calls.computeIfAbsent(kind, k -> new CallStats(k, threads())).add(makespan, busyNs, firstNs, chunkCount, parked, t0);
    }

    /** {@link #run(Job, int)} itself: the chunks on the caller alone, or dispatched to the workers. */
    private void dispatch(Job j, int n) {
        if (workers.length == 0 || n == 1) {
            final boolean timed = accounting;
            final long a = timed ? System.nanoTime() : 0;
            for (int c = 0; c < n; c++) j.run(0, c);
            if (timed) { busyNs[0] = System.nanoTime() - a; firstNs[0] = a; chunkCount[0] = n; }
            return;
        }
        int gen = generation + 1;
        ticket.set(((long) gen << 32) | CLOSED);   // from here on no claim can succeed until the ticket opens
        caller = Thread.currentThread();
        failure = null;
        done.set(0);
        job = j;
        chunks = n;
        maybeYield();
        ticket.set((long) gen << 32);              // open: chunks 0..n−1 of this job, none claimed from either end
        generation = gen;                          // wakes the spinning workers
        for (Thread t : workers) LockSupport.unpark(t);
        work(0, false);
        int spins = 0;
        final long since = System.nanoTime();
        boolean interrupted = false;
        while (done.get() < n) {
            if (!spinOn(++spins, since)) {
                if (accounting) parked[0] = 1;
                LockSupport.park(this);
                // park returns at once while the flag is set: cleared here (or the wait would spin) and set again below
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            // thrown on a worker, its stack trace ends in the worker's loop: the call that dispatched it is added to it
            if (failedOn != Thread.currentThread())
                f.addSuppressed(new Exception("rethrown by the kernel call on " + Thread.currentThread().getName()
                        + " (this trace) from " + failedOn.getName()));
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /** Runs a planned job. */
    void run(Planned p) { run(p.job(), p.chunks()); }

    /**
     * Runs independent planned jobs as one call ({@link Sequence}), in the order given; returns when all are done. Allocates
     * the Sequence and its two small arrays (the dispatch itself allocates nothing).
     */
    void run(java.util.List<Planned> planned) {
        Job[] jobs = new Job[planned.size()];
        int[] first = new int[planned.size()];
        int n = 0;
        for (int i = 0; i < jobs.length; i++) {
            jobs[i] = planned.get(i).job();
            first[i] = n;
            n += planned.get(i).chunks();
        }
        run(new Sequence(jobs, first), n);
    }

    /** Claims and runs chunks of the open job until none is left; {@code woken}: this worker had parked since its last call. */
    private void work(int id, boolean woken) {
        while (true) {
            maybeYield();
            long t = ticket.get();
            maybeYield();
            Job j = job;                           // read after the ticket: see the field comment of ticket
            int n = chunks, front = (int) (t >>> 16) & 0xFFFF, back = (int) t & 0xFFFF;
            if (front + back >= n) return;         // all claimed, or closed while the next job is being set up
            // the caller from the front, the workers from the back: see the field comment of ticket
            final int c = id == 0 ? front : n - 1 - back;
            if (!ticket.compareAndSet(t, t + (id == 0 ? FRONT : BACK))) continue;
            maybeYield();
            try {
                // one call site for j.run, timed or not: with two (one per branch) a 2-thread StepProfile JVM boxed the
                // direct forward's vectors (57 MB allocated per step, the kernel 3.5× slower); with one, none of 12 did
                final boolean timed = accounting;
                final long a = timed ? System.nanoTime() : 0;
                j.run(id, c);
                if (timed) {
                    busyNs[id] += System.nanoTime() - a;
                    if (firstNs[id] < 0) { firstNs[id] = a; if (woken) parked[id] = 1; }
                    chunkCount[id]++;
                }
            } catch (Throwable e) {          // counted as done so the caller never waits forever; rethrown there
                synchronized (this) { if (failure == null) { failedOn = Thread.currentThread(); failure = e; } }
            }
            if (done.incrementAndGet() == n) LockSupport.unpark(caller);
        }
    }

    private void loop(int id) {
        int seen = 0;
        while (!closed) {
            int spins = 0;
            final long since = System.nanoTime();
            boolean woken = false;
            while (generation == seen && !closed) {
                if (!spinOn(++spins, since)) {
                    woken = true;
                    LockSupport.park(this);
                    Thread.interrupted();   // an interrupt means nothing to a worker; left set, park would return at once
                }
            }
            if (closed) return;
            seen = generation;
            work(id, woken);
        }
    }

    /**
     * Turns call accounting on (from now on, each call is added to {@link #calls()}) or off; turning it on also forgets
     * the calls counted so far. A diagnostic for {@code StepProfile}: it costs two clock reads per chunk while on and one
     * volatile read per chunk while off, and changes no result.
     */
    void account(boolean on) {
        if (on) calls.clear();
        accounting = on;
    }

    /**
     * Names what the following calls belong to (a kernel and its geometry, say), until the next label; null for none.
     * Only accounting uses it: calls of the same job and chunk count under different labels are counted apart.
     */
    void label(String label) { this.label = label; }

    /** The calls counted since accounting was turned on, one entry per label, job and chunk count, in first-call order. */
    java.util.List<CallStats> calls() { return java.util.List.copyOf(calls.values()); }

    /**
     * The calls counted so far as a table, every time divided by {@code per} (e.g. the number of training steps
     * counted): per kind of call, calls, chunks per call, the share of chunks the caller ran, makespan, the threads'
     * busy time, their time outside chunks during the calls (threads · makespan − busy) and the workers' start delay,
     * in ms, and the parks ({@link CallStats#parks}); then the sums.
     */
    String callTable(double per) {
        StringBuilder b = new StringBuilder(String.format("%9s %6s %7s %9s %9s %9s %9s %6s  %s%n",
                "calls", "chunks", "caller", "makespan", "busy", "idle", "start", "parks", "parallel call (ms, each divided by " + per + ")"));
        double m = 0, bz = 0, id = 0, st = 0, pk = 0;
        for (CallStats c : calls.values()) {
            long all = 0;
            for (int t = 0; t < threads(); t++) all += c.chunks(t);
            double makespan = c.makespanNs() / 1e6 / per, busy = c.busyNs() / 1e6 / per;
            double idle = threads() * makespan - busy, start = c.startDelayNs() / 1e6 / per;
            m += makespan; bz += busy; id += idle; st += start; pk += c.parks() / per;
            b.append(String.format("%9.1f %6d %6.0f%% %9.3f %9.3f %9.3f %9.3f %6.1f  %s%n", c.calls() / per, all / Math.max(1, c.calls()),
                    100.0 * c.chunks(0) / Math.max(1, all), makespan, busy, idle, start, c.parks() / per, c.job()));
        }
        b.append(String.format("%9s %6s %7s %9.3f %9.3f %9.3f %9.3f %6.1f  all parallel calls (%d threads)%n", "", "", "", m, bz, id, st, pk, threads()));
        return b.toString();
    }

    /** The job's class as Family.Job, a sequence's as their names joined by " + ". */
    private static String name(Job j) {
        if (j instanceof Sequence q) {
            StringBuilder b = new StringBuilder();
            for (Job x : q.jobs()) b.append(b.length() > 0 ? " + " : "").append(name(x));
            return b.toString();
        }
        Class<?> c = j.getClass();
        return c.getEnclosingClass() != null ? c.getEnclosingClass().getSimpleName() + "." + c.getSimpleName() : c.getName();
    }

    /**
     * Where the parallel calls of one kind (label, job and chunk count) spent their time, summed over the calls: the wall time
     * from the call to its return (makespan), the time the threads spent inside chunks (busy, all threads together),
     * the chunks each thread ran, and how long after the call each worker that ran a chunk started its first one
     * (start delay, the workers' sum). threads · makespan − busy is the threads' time outside chunks during the calls:
     * dispatch, waking, claiming, waiting for the last chunk, and all of it for a worker that ran none. Parks: the
     * workers that had parked before they ran their first chunk of a call, plus the calls in which the caller parked
     * while it waited; each costs a wake-up (tens of µs) in the start delay or the idle time.
     */
    static final class CallStats {
        private final String job;
        private long calls, makespanNs, busyNs, startDelayNs, parks;
        private final long[] chunks;

        CallStats(String job, int threads) { this.job = job; this.chunks = new long[threads]; }

        void add(long makespan, long[] busy, long[] first, int[] chunksRun, int[] parked, long t0) {
            calls++;
            makespanNs += makespan;
            for (int t = 0; t < busy.length; t++) {
                busyNs += busy[t];
                chunks[t] += chunksRun[t];
                parks += parked[t];
                if (t > 0 && first[t] >= 0) startDelayNs += first[t] - t0;
            }
        }

        String job() { return job; }
        long calls() { return calls; }
        long makespanNs() { return makespanNs; }
        long busyNs() { return busyNs; }
        long startDelayNs() { return startDelayNs; }
        /** Parks that the calls paid for: workers woken to run a chunk, and calls whose caller parked while it waited. */
        long parks() { return parks; }
        /** Chunks run by thread t (0: the caller), summed over the calls. */
        long chunks(int t) { return t < chunks.length ? chunks[t] : 0; }
    }

    /** True once {@link #close} has run: the workers are stopped, parallel calls run on the caller. */
    boolean isClosed() { return closed; }

    @Override public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
