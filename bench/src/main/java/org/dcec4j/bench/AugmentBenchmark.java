package org.dcec4j.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dcec4j.datasets.augment.RandomAffine;
import org.dcec4j.datasets.augment.RandomAffinePool;
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
 * DEC-DA's random affine augmentation of one training batch (default 256 MNIST-sized 1×28×28 images,
 * a shuffled batch: row b holds data-set image indices[b]) through {@link RandomAffinePool} at 1 and 2
 * threads. Each invocation is the next step, so the parameters change as in training. Run it with
 * {@code TrainStepBenchmark} in the same JMH run to get its share of a training step. Before timing,
 * the pool's batch must equal the single-threaded {@link RandomAffine#applyBatch} bit for bit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class AugmentBenchmark {
    @Param({"28"}) public int size;
    @Param({"256"}) public int batch;
    @Param({"1"}) public int channels;
    @Param({"1", "2"}) public int threads;

    private RandomAffinePool pool;
    private float[] in, out;
    private int[] indices;
    private long seed = 1L, step;

    @Setup(Level.Trial)
    public void setup() {
        int n = channels * size * size;
        SplittableRandom r = new SplittableRandom(3);
        in = new float[batch * n];
        for (int i = 0; i < in.length; i++) in[i] = r.nextInt(256) / 255f;
        out = new float[batch * n];
        indices = new int[batch];
        for (int b = 0; b < batch; b++) indices[b] = r.nextInt(60_000);   // a shuffled MNIST batch
        RandomAffine augment = RandomAffine.decDa();
        pool = new RandomAffinePool(augment, threads);
        float[] want = new float[batch * n];
        augment.applyBatch(want, in, channels, size, size, seed, 0L, indices, 0, batch);
        pool.apply(out, in, batch, channels, size, size, seed, 0L, indices);
        if (!Arrays.equals(want, out)) throw new IllegalStateException("pool at " + threads + " threads differs from the single-threaded batch");
        if (Arrays.equals(want, in)) throw new IllegalStateException("the augmentation changed nothing");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] augment() {
        pool.apply(out, in, batch, channels, size, size, seed, step++, indices);
        return out;
    }
}
