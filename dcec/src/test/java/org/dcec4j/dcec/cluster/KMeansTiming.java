package org.dcec4j.dcec.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;

/**
 * Not a test: times k-means on 70,000 × 10, K = 10, 20 restarts (the target is 2 s), for
 * docs/math/kmeans-metrics.md#timing. Usage (from the repository root, after test-compile):
 *
 * <pre>
 * java -cp dcec/target/test-classes:dcec/target/classes:$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar \
 *     org.dcec4j.dcec.cluster.KMeansTiming {commons|dcec4j|write} {blobs|uniform} [runs] [threads] [file]
 * </pre>
 *
 * {@code write} stores the data set as little-endian float32 [N, D] in {@code file}, so scikit-learn can
 * be timed on the very same points.
 */
public final class KMeansTiming {
    static final int N = 70_000;
    static final int D = 10;
    static final int K = 10;
    static final int RESTARTS = 20;

    private KMeansTiming() {
    }

    public static void main(String[] args) throws IOException {
        String what = args.length > 0 ? args[0] : "dcec4j";
        String data = args.length > 1 ? args[1] : "blobs";
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        float[] x = data.equals("uniform") ? Blobs.uniform(1, N, D) : Blobs.gaussian(null, 1, N, D, K, 1.5);
        if (what.equals("write")) {
            ByteBuffer buf = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(x);
            Files.write(Path.of(args.length > 4 ? args[4] : "/tmp/kmeans_" + data + ".f32"), buf.array());
            return;
        }
        double[] seconds = new double[runs];
        double[] cpuSeconds = new double[runs];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < runs; r++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            double inertia;
            String detail;
            if (what.equals("commons")) {
                inertia = commonsMath(x, r);
                detail = "";
            } else {
                KMeansResult result = new KMeans(K).withRestarts(RESTARTS).withSeed(r).withThreads(threads).fit(x, N, D);
                inertia = result.inertia();
                detail = " iterations " + result.iterations();
            }
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            cpuSeconds[r] = (os.getProcessCpuTime() - c0) / 1e9;
            System.out.printf("%s %s run %d: %.3f s wall, %.3f s cpu, inertia %.6f%s%n", what, data, r, seconds[r],
                    cpuSeconds[r], inertia, detail);
        }
        Arrays.sort(seconds);
        Arrays.sort(cpuSeconds);
        System.out.printf("%s %s: median %.3f s wall, %.3f s cpu over %d runs (threads %d)%n", what, data,
                seconds[runs / 2], cpuSeconds[runs / 2], runs, threads);
    }

    /** Commons Math 3.6.1: 20 trials of KMeansPlusPlusClusterer (max 300 iterations); returns the inertia. */
    static double commonsMath(float[] x, long seed) {
        List<DoublePoint> points = new ArrayList<>(N);
        for (int n = 0; n < N; n++) {
            double[] p = new double[D];
            for (int d = 0; d < D; d++) {
                p[d] = x[n * D + d];
            }
            points.add(new DoublePoint(p));
        }
        KMeansPlusPlusClusterer<DoublePoint> one =
                new KMeansPlusPlusClusterer<>(K, 300, new EuclideanDistance(), new Well19937c(seed));
        MultiKMeansPlusPlusClusterer<DoublePoint> multi = new MultiKMeansPlusPlusClusterer<>(one, RESTARTS);
        List<CentroidCluster<DoublePoint>> clusters = multi.cluster(points);
        double inertia = 0;
        for (CentroidCluster<DoublePoint> c : clusters) {
            double[] mu = c.getCenter().getPoint();
            for (DoublePoint p : c.getPoints()) {
                for (int d = 0; d < D; d++) {
                    double diff = p.getPoint()[d] - mu[d];
                    inertia += diff * diff;
                }
            }
        }
        return inertia;
    }
}
