package org.dcec4j.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.engine.F;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.vector.VectorKernels;
import org.dcec4j.engine.optim.Adam;

/**
 * Where one CAE training step spends its time, kernel call by kernel call: a diagnostic, not a benchmark
 * (no forks, no JMH statistics; the proxy adds ≈ 1 µs per call). Every {@link Kernels} call of
 * {@code steps} training steps is timed with {@link System#nanoTime()}; the second half is averaged and
 * printed per method and geometry, with the whole step (and its median and range) and what is left outside the kernels. With
 * {@code arena=true} (the default, as in {@code dcec train}) every step runs in one {@link StepArena}. With
 * {@code calls=true} (vector kernels only) it also prints where the threads spent each kind of parallel call
 * ({@link VectorKernels#callTable}): makespan, time inside chunks, time outside them, the workers' start delay, the parks.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.dcec4j.bench.StepProfile \
 *        [impl=vector] [threads=2] [steps=60] [size=28] [batch=256] [arena=true|false] [calls=false|true]
 * </pre>
 * (positional arguments, written name=default: {@code StepProfile vector 1 120 28 256 true true})
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) throws Exception {
        String impl = args.length > 0 ? args[0] : "vector";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 28;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 256;
        if (steps < 2) throw new IllegalArgumentException("steps must be at least 2, not " + steps);
        String arenaArg = args.length > 5 ? args[5] : "true";
        if (!arenaArg.equals("true") && !arenaArg.equals("false"))
            throw new IllegalArgumentException("arena must be true or false, not " + arenaArg);
        StepArena arena = arenaArg.equals("true") ? new StepArena() : null;
        String callsArg = args.length > 6 ? args[6] : "false";
        if (!callsArg.equals("true") && !callsArg.equals("false"))
            throw new IllegalArgumentException("calls must be true or false, not " + callsArg);

        Kernels real = Impl.create(impl, threads);
        if (callsArg.equals("true") && !(real instanceof VectorKernels))
            throw new IllegalArgumentException("calls=true needs the vector kernels, not " + real.name());
        final VectorKernels accounted = callsArg.equals("true") ? (VectorKernels) real : null;
        Map<String, long[]> calls = new TreeMap<>();    // key → {nanoseconds, calls}
        Kernels timed = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, a) -> {
                    String key = key(m.getName(), a);
                    if (accounted != null) accounted.labelCalls(key);    // the call table's rows name their kernel
                    long t0 = System.nanoTime();
                    Object out;
                    try {
                        out = m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    long dt = System.nanoTime() - t0;
                    long[] v = calls.computeIfAbsent(key, k -> new long[2]);
                    v[0] += dt;
                    v[1]++;
                    return out;
                });
        try {
            Random r = new Random(9);
            float[] data = new float[batch * size * size];
            for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
            Tensor x = Tensor.of(data, batch, 1, size, size);
            ConvAutoencoder ae = new ConvAutoencoder(1, size, size, 10, 1L);
            ae.use(timed);
            Adam adam = new Adam(ae.parameters(), 1e-3f, timed);
            long stepNanos = 0, allocated = 0, allocatedAll = 0;
            int measured = steps - steps / 2;
            long[] stepTimes = new long[measured];   // each measured step's time, for the median and the range
            for (int s = 0; s < steps; s++) {
                if (s == steps / 2) {                // the first half is warm-up
                    calls.clear();
                    if (accounted != null) accounted.accountCalls(true);
                }
                long t0 = System.nanoTime(), a0 = allocatedBytes(), all0 = allThreadsAllocatedBytes();
                try (var step = arena != null ? arena.open() : null) {
                    adam.zeroGrad();
                    Tensor loss = F.mse(ae.forward(x), x);
                    loss.backward();
                    adam.step();
                    loss.item();
                }
                if (s >= steps / 2) {
                    stepTimes[s - steps / 2] = System.nanoTime() - t0;
                    stepNanos += stepTimes[s - steps / 2];
                    allocated += allocatedBytes() - a0;
                    allocatedAll += allThreadsAllocatedBytes() - all0;
                }
            }
            double kernelMs = 0;
            System.out.printf(Locale.ROOT, "%s, %d threads, %dx%d, batch %d, %s: mean of the last %d of %d steps%n",
                    real.name(), threads, size, size, batch, arena != null ? "step arena" : "no step arena", measured, steps);
            System.out.printf(Locale.ROOT, "%10s %7s  %s%n", "ms/step", "calls", "kernel (geometry: C in, K out, H×W in)");
            for (Map.Entry<String, long[]> e : calls.entrySet()) {
                double ms = e.getValue()[0] / 1e6 / measured;
                kernelMs += ms;
                System.out.printf(Locale.ROOT, "%10.3f %7.1f  %s%n", ms, e.getValue()[1] / (double) measured, e.getKey());
            }
            double step = stepNanos / 1e6 / measured;
            System.out.printf(Locale.ROOT, "%10.3f          all kernels%n%10.3f          outside the kernels%n%10.3f          step%n",
                    kernelMs, step - kernelMs, step);
            // the mean above carries every stall of a shared host (a preempted vCPU costs a step milliseconds); the median does not
            java.util.Arrays.sort(stepTimes);
            System.out.printf(Locale.ROOT, "%10.3f          step, median of the %d steps (fastest %.3f, slowest %.3f)%n",
                    stepTimes[measured / 2] / 1e6, measured, stepTimes[0] / 1e6, stepTimes[measured - 1] / 1e6);
            if (accounted != null) {
                accounted.accountCalls(false);
                System.out.print(accounted.callTable(measured));
                System.out.println("(times per step; \"outside the kernels\" above is the calling thread's time between the calls)");
            }
            if (allocatedBytes() >= 0)
                System.out.printf(Locale.ROOT, "%10.1f MB       allocated per step by the calling thread (arrays are zeroed when allocated)%n",
                        allocated / 1e6 / measured);
            // the kernels' worker threads allocate nothing once their workspaces are warm; megabytes here mean that
            // compiled vector code boxes its vectors (docs/design-notes.md#lanes-backward-input)
            if (allThreadsAllocatedBytes() >= 0)
                System.out.printf(Locale.ROOT, "%10.1f MB       allocated per step by all threads (the worker pool's included)%n",
                        allocatedAll / 1e6 / measured);
        } finally {
            Impl.close(real);
        }
    }

    /**
     * Bytes allocated so far by the calling thread (HotSpot's {@code com.sun.management.ThreadMXBean}), or -1 where
     * the JVM does not offer it (then the allocation line is not printed); the difference of two readings is what a
     * step allocated.
     */
    static long allocatedBytes() {
        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
        return t instanceof com.sun.management.ThreadMXBean h ? h.getCurrentThreadAllocatedBytes() : -1;
    }

    /** Bytes allocated so far by all live threads, as {@link #allocatedBytes}, or -1 where the JVM does not offer it. */
    static long allThreadsAllocatedBytes() {
        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(t instanceof com.sun.management.ThreadMXBean h)) return -1;
        long sum = 0;
        for (long a : h.getThreadAllocatedBytes(h.getAllThreadIds())) if (a > 0) sum += a;   // -1: ended meanwhile
        return sum;
    }

    /** Method name plus the shape arguments: ints, the activation, and the conv geometry. */
    static String key(String method, Object[] args) {
        StringBuilder k = new StringBuilder(method);
        if (args == null) return k.toString();
        for (Object o : args) {
            if (o instanceof Integer) k.append(' ').append(o);
            else if (o instanceof Enum) k.append(' ').append(o);
            else if (o instanceof ConvGeometry) {
                ConvGeometry g = (ConvGeometry) o;
                k.append(" C").append(g.C).append(" K").append(g.K).append(' ').append(g.H).append('×').append(g.W);
            }
        }
        return k.toString();
    }
}
