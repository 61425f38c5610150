package org.dcec4j.bench;

import java.util.concurrent.TimeUnit;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;
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
 * The whole-data-set passes of a DCEC run, on 10,000 images of 28×28 with the paper's CAE (random weights:
 * speed does not depend on them), so that the command line's phase times can be compared with the kernels':
 * <ul>
 *   <li>{@code encode}: z = F(x) of all images in batches of 256 (the inference the next two are made of);</li>
 *   <li>{@code targetUpdate}: one recomputation of P as the clustering phase does it every T iterations —
 *       encode everything, Student's t soft assignments q, the target distribution p, the hard labels;</li>
 *   <li>{@code predict}: {@link TrainedModel#predict} (what {@code dcec predict} runs per batch);</li>
 *   <li>{@code kmeans}: the centre initialisation, 70,000 points × 10 dimensions (MNIST-full's embeddings),
 *       K = 10, 20 restarts, on the same threads.</li>
 * </ul>
 * Throughput is images (or points) per second = N / time. Before timing, the encoder's features of the first 512
 * images must equal the scalar kernels' bit for bit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class PipelineBenchmark {
    static final int N = 10_000, KMEANS_N = 70_000, K = 10;

    @Param({"vector"}) public String impl;
    @Param({"1", "2"}) public int threads;

    private Backend backend;
    private TrainedModel model;
    private float[] x, points, p;
    private int[] labels;

    @Setup(Level.Trial)
    public void setup() {
        backend = Backend.create(impl.equals("scalar") ? Backend.Kind.SCALAR : Backend.Kind.VECTOR, threads);
        Dataset d = Shapes.generate(N, 1, 28);
        x = d.images();
        DcecConfig cfg = DcecConfig.defaults();
        Autoencoder ae = Autoencoder.create(cfg, 1, 28, 28, 5);
        float[] mu = new float[K * K];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < mu.length; i++) mu[i] = (float) r.nextGaussian();
        model = new TrainedModel(cfg, 1, 28, 28, ae, mu).use(backend);
        float[] head = java.util.Arrays.copyOf(x, 512 * 784);
        try (Backend scalar = Backend.scalar()) {
            TrainedModel ref = new TrainedModel(cfg, 1, 28, 28, Autoencoder.create(cfg, 1, 28, 28, 5), mu).use(scalar);
            Impl.check("encode (" + backend.describe() + ")", model.features(head, 512, 256), ref.features(head, 512, 256));
        }
        points = new float[KMEANS_N * K];
        for (int i = 0; i < points.length; i++) points[i] = (float) (r.nextGaussian() + 3 * ((i / K) % 7 == i % K ? 1 : 0));
        p = new float[N * K];
        labels = new int[N];
    }

    @TearDown(Level.Trial)
    public void tearDown() { backend.close(); }

    @Benchmark
    public float[] encode() {
        return model.features(x, N, 256);
    }

    @Benchmark
    public int[] targetUpdate() {
        float[] q = model.softAssign(x, N, 256);
        TargetDistribution.argmax(labels, q, N, K);
        TargetDistribution.compute(p, q, N, K);
        return labels;
    }

    @Benchmark
    public int[] predict() {
        return model.predict(x, N, 256).labels();
    }

    @Benchmark
    public double kmeans() {
        return new KMeans(K).withRestarts(20).withSeed(1).withThreads(backend.threads()).fit(points, KMEANS_N, K).inertia();
    }
}
