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
 * kernels do not (ReLU, bias add, reshapes, autograd bookkeeping, allocation). Before timing, the loss
 * of a fresh model under the measured kernels must equal the scalar kernels' loss bit for bit.
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
        float want = loss(new ConvAutoencoder(1, size, size, 10, 1L), scalar);
        float got = loss(new ConvAutoencoder(1, size, size, 10, 1L), k);
        if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want))
            throw new IllegalStateException("CAE loss with " + k.name() + " is " + got + ", scalar " + want);
        ae = new ConvAutoencoder(1, size, size, 10, 1L);
        ae.use(k);
        adam = new Adam(ae.parameters(), 1e-3f, k);
    }

    private float loss(ConvAutoencoder m, Kernels kernels) {
        m.use(kernels);
        return F.mse(m.forward(x), x).item();
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
