package org.dcec4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.openjdk.jmh.annotations.*;

/** One Adam update of all 275,979 CAE parameters (28×28). Memory bound: 4 arrays read, 3 written. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class AdamBenchmark {
    @Param({"275979"}) public int n;
    @Param({"scalar", "vector"}) public String impl;
    @Param({"1", "2"}) public int threads;

    private Kernels k;
    private float[] p, m, v, g;

    @Setup(Level.Trial)
    public void setup() {
        k = Impl.create(impl, threads);
        Random r = new Random(3);
        p = Impl.random(r, n); m = Impl.random(r, n); v = Impl.random(r, n); g = Impl.random(r, n);
        for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
        float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
        new ScalarKernels().adamStep(p2, m2, v2, g, n, 0.9f, 0.999f, 1e-3f, 1e-7f);
        float[] p1 = p.clone(), m1 = m.clone(), v1 = v.clone();
        k.adamStep(p1, m1, v1, g, n, 0.9f, 0.999f, 1e-3f, 1e-7f);
        Impl.check("adam param (" + k.name() + ")", p1, p2);
        Impl.check("adam m", m1, m2);
        Impl.check("adam v", v1, v2);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception { Impl.close(k); }

    @Benchmark
    public Object step() {
        k.adamStep(p, m, v, g, n, 0.9f, 0.999f, 1e-6f, 1e-7f);
        return p;
    }
}
