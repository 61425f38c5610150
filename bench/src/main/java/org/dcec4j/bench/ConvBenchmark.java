package org.dcec4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One DCEC conv or transposed-conv layer, one pass (forward | backwardInput | backwardWeight) or all
 * three ("all" = forward + backward), at batch 256 for 28×28 and 16×16. GFLOP/s = 2·MACs / time
 * (see {@link Layers}); {@link Report} prints it. Forward passes include the bias and the fused ReLU the
 * DCEC model uses (every layer but deconv1). Before timing, the pass is run once at the timed geometry (batch
 * included) and compared with the scalar reference ({@link #check}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class ConvBenchmark {

    @Param({"conv1", "conv2", "conv3", "deconv3", "deconv2", "deconv1"}) public String layer;
    @Param({"forward", "backwardInput", "backwardWeight"}) public String pass;
    @Param({"28", "16"}) public int size;
    @Param({"256"}) public int batch;
    @Param({"scalar", "vector"}) public String impl;
    @Param({"1", "2"}) public int threads;

    private Kernels k;
    private ConvGeometry g;
    private float[] x, w, b, bT, y, dx, dw;
    private boolean transposed;
    private Activation act;

    @Setup(Level.Trial)
    public void setup() {
        k = Impl.create(impl, threads);
        transposed = layer.startsWith("deconv");
        act = layer.equals("deconv1") ? Activation.NONE : Activation.RELU;
        check(k, layer, pass, size, batch);
        g = Layers.conv(layer, size, batch);
        Random r = new Random(7);
        x = Impl.random(r, g.inputSize()); w = Impl.random(r, g.weightSize()); b = Impl.random(r, g.K); bT = Impl.random(r, g.C);
        y = Impl.random(r, g.outputSize()); dx = new float[g.inputSize()]; dw = new float[g.weightSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception { Impl.close(k); }

    /**
     * The measured pass must give the scalar kernels' bits at the geometry it is timed at, batch included: the vector
     * kernels cut the batch into chunks of images and the weight gradient's sum into ranges by its size, so a batch
     * of 2 (what this checked until 2026-12-07) runs one chunk and one range where batch 256 runs many.
     */
    static void check(Kernels k, String layer, String pass, int size, int batch) {
        ConvGeometry s = Layers.conv(layer, size, batch);
        boolean transposed = layer.startsWith("deconv");
        Activation act = layer.equals("deconv1") ? Activation.NONE : Activation.RELU;
        Random r = new Random(11);
        float[] sx = Impl.random(r, s.inputSize()), sw = Impl.random(r, s.weightSize()), sy = Impl.random(r, s.outputSize());
        float[] sb = Impl.random(r, transposed ? s.C : s.K);
        ScalarKernels ref = new ScalarKernels();
        float[][] got = run(k, pass, transposed, act, s, sx, sw, sb, sy), want = run(ref, pass, transposed, act, s, sx, sw, sb, sy);
        for (int i = 0; i < got.length; i++) Impl.check(layer + " " + pass + " (" + k.name() + ")", got[i], want[i]);
    }

    private static float[][] run(Kernels kk, String p, boolean transposed, Activation act, ConvGeometry s,
                                 float[] sx, float[] sw, float[] sb, float[] sy) {
        float[] oy = new float[s.outputSize()], odx = new float[s.inputSize()], odw = new float[s.weightSize()];
        if (p.equals("forward") || p.equals("all")) {
            if (transposed) kk.convTranspose2dForward(odx, sy, sw, sb, act, s); else kk.conv2dForward(oy, sx, sw, sb, act, s);
        }
        if (p.equals("backwardInput") || p.equals("all")) {
            if (transposed) kk.conv2dForward(oy, sx, sw, null, Activation.NONE, s); else kk.conv2dBackwardInput(odx, sy, sw, s);
        }
        if (p.equals("backwardWeight") || p.equals("all")) kk.conv2dBackwardWeight(odw, sy, sx, s);
        return new float[][] {oy, odx, odw};
    }

    @Benchmark
    public Object pass() {
        // conv: x → y.  transposed conv: its input lives on the y side, its output on the x side.
        switch (pass) {
            case "forward":
                if (transposed) { k.convTranspose2dForward(dx, y, w, bT, act, g); return dx; }
                k.conv2dForward(y, x, w, b, act, g); return y;
            case "backwardInput":
                if (transposed) { k.conv2dForward(y, x, w, null, Activation.NONE, g); return y; }
                k.conv2dBackwardInput(dx, y, w, g); return dx;
            case "backwardWeight":
                k.conv2dBackwardWeight(dw, y, x, g); return dw;
            case "all":
                if (transposed) { k.convTranspose2dForward(dx, y, w, bT, act, g); k.conv2dForward(y, x, w, null, Activation.NONE, g); }
                else { k.conv2dForward(y, x, w, b, act, g); k.conv2dBackwardInput(dx, y, w, g); }
                k.conv2dBackwardWeight(dw, y, x, g);
                return dw;
            default: throw new IllegalArgumentException("pass must be forward, backwardInput, backwardWeight or all: " + pass);
        }
    }
}
