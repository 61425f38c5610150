package org.dcec4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.engine.F;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.optim.Adam;
import org.openjdk.jmh.annotations.*;

/**
 * One whole CAE pretraining step on a batch of 256 images: forward, MSE, backward, Adam — the real
 * {@link ConvAutoencoder} of the dcec module through the engine's ops, so it includes everything the
 * kernels do not (ReLU, bias add, reshapes, autograd bookkeeping, allocation). Before timing, two whole steps of a
 * fresh model under the measured kernels must give the scalar kernels' losses and parameters bit for bit
 * ({@link #checkAgainstScalar}).
 *
 * <p>{@code arena=true} (the default, what {@code dcec train} does) runs each step in a {@link StepArena}, so the
 * step reuses the previous step's activation and gradient arrays; {@code arena=false} allocates them anew every
 * step, which measures what the arena saves in the same run (with {@code -p arena=true,false}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class TrainStepBenchmark {
    @Param({"28", "16"}) public int size;
    @Param({"256"}) public int batch;
    @Param({"scalar", "vector"}) public String impl;
    @Param({"1", "2"}) public int threads;
    @Param({"true"}) public boolean arena;

    private Kernels k, scalar;
    private ConvAutoencoder ae;
    private Adam adam;
    private Tensor x;
    private final StepArena steps = new StepArena();

    @Setup(Level.Trial)
    public void setup() {
        k = Impl.create(impl, threads);
        Random r = new Random(9);
        float[] data = new float[batch * size * size];
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        x = Tensor.of(data, batch, 1, size, size);
        scalar = Impl.create("scalar", 1);
        checkAgainstScalar(k, scalar, x, size, arena);
        ae = new ConvAutoencoder(1, size, size, 10, 1L);
        ae.use(k);
        adam = new Adam(ae.parameters(), 1e-3f, k);
    }

    /**
     * The check before timing: two whole steps (forward, MSE, backward, Adam) of a fresh model under {@code kernels},
     * in a step arena when the timed step runs in one, must give the scalar kernels' two losses and parameters bit for
     * bit. The second step's loss sees the first step's gradients and update, the parameters the second's (which, in
     * the arena, reuses the first step's arrays); a forward alone would let a wrong backward or Adam kernel be timed.
     */
    static void checkAgainstScalar(Kernels kernels, Kernels scalar, Tensor x, int size, boolean arena) {
        float[][] want = twoSteps(scalar, x, size, arena), got = twoSteps(kernels, x, size, arena);
        Impl.check("CAE loss of steps 1 and 2 (" + kernels.name() + ")", got[0], want[0]);
        for (int i = 1; i < want.length; i++)
            Impl.check("CAE parameter " + (i - 1) + " after two steps (" + kernels.name() + ")", got[i], want[i]);
    }

    /** The losses of two steps of a fresh model, then each parameter's values after them (copies). */
    private static float[][] twoSteps(Kernels kernels, Tensor x, int size, boolean arena) {
        ConvAutoencoder m = new ConvAutoencoder(1, size, size, 10, 1L);
        m.use(kernels);
        Adam opt = new Adam(m.parameters(), 1e-3f, kernels);
        StepArena steps = arena ? new StepArena() : null;
        float[] losses = new float[2];
        for (int s = 0; s < losses.length; s++) {
            try (var step = steps != null ? steps.open() : null) {
                opt.zeroGrad();
                Tensor loss = F.mse(m.forward(x), x);
                loss.backward();
                opt.step();
                losses[s] = loss.item();
            }
        }
        java.util.List<Tensor> params = m.parameters();
        float[][] out = new float[params.size() + 1][];
        out[0] = losses;
        for (int i = 0; i < params.size(); i++) out[i + 1] = params.get(i).data.clone();
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Impl.close(k);
        Impl.close(scalar);
    }

    @Benchmark
    public float step() {
        if (!arena) return stepBody();
        try (var step = steps.open()) {
            return stepBody();
        }
    }

    private float stepBody() {
        adam.zeroGrad();
        Tensor loss = F.mse(ae.forward(x), x);
        loss.backward();
        adam.step();
        return loss.item();
    }
}
