package org.dcec4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.openjdk.jmh.annotations.*;

/**
 * The two dense layers of the CAE at batch 256: embedding (flat → 10) and decoder dense (10 → flat),
 * forward (matmulNT), backward-input (matmulNN), backward-weight (matmulTN). FLOPs = 2·batch·in·out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class DenseBenchmark {
    @Param({"embedding", "decoder"}) public String layer;
    @Param({"forward", "backwardInput", "backwardWeight"}) public String pass;
    @Param({"28", "16"}) public int size;
    @Param({"256"}) public int batch;
    @Param({"scalar", "vector"}) public String impl;
    @Param({"1", "2"}) public int threads;

    private Kernels k;
    private int B, IN, OUT;
    private float[] x, w, y, dx, dw;

    @Setup(Level.Trial)
    public void setup() {
        k = Impl.create(impl, threads);
        B = batch;
        IN = layer.equals("embedding") ? Layers.flat(size) : 10;
        OUT = layer.equals("embedding") ? 10 : Layers.flat(size);
        Random r = new Random(5);
        x = Impl.random(r, B * IN); w = Impl.random(r, OUT * IN); y = Impl.random(r, B * OUT);
        dx = new float[B * IN]; dw = new float[OUT * IN];
        float[] want = run(new ScalarKernels()).clone(), got = run(k);
        Impl.check(layer + " " + pass + " (" + k.name() + ")", got, want);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception { Impl.close(k); }

    private float[] run(Kernels kk) {
        switch (pass) {
            case "forward":        kk.matmulNT(y, x, w, B, OUT, IN, false); return y;    // y = x·Wᵀ
            case "backwardInput":  kk.matmulNN(dx, y, w, B, IN, OUT, false); return dx;  // dx = dy·W
            case "backwardWeight": kk.matmulTN(dw, y, x, OUT, IN, B, false); return dw;  // dW = dyᵀ·x
            default: throw new IllegalArgumentException("pass: " + pass);
        }
    }

    @Benchmark
    public Object pass() { return run(k); }
}
