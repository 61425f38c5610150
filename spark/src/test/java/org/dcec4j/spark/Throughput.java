package org.dcec4j.spark;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.train.Batches;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.Seeds;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;

/**
 * The per-image costs docs/scale-out.md sizes a cluster with, measured in one JVM: one recomputation of Q, f and P
 * over N images on the single machine (what {@code DcecTrainer} does every T iterations) and on Spark's local master
 * (the executors' pass plus the driver's collection of the next T batches), and one pretraining epoch on the single
 * machine and in both distributed modes. Not a test: a measuring tool, run by hand (docs/scale-out.md#measured).
 *
 * <pre>java $(JvmOptions) -cp ... org.dcec4j.spark.Throughput N MASTER PARTITIONS
 * java -cp ... org.dcec4j.spark.Throughput folder DIR N      (writes N shapes as PNG files, for the predict commands)</pre>
 */
public final class Throughput {
    private Throughput() {}

    public static void main(String[] args) throws IOException {
        if (args[0].equals("folder")) {             // folder DIR N: N shapes as 28x28 PNG files in class folders
            SparkTests.writeFolder(java.nio.file.Path.of(args[1]), Shapes.generate(Integer.parseInt(args[2]), 1, 28));
            return;
        }
        if (args[0].equals("predict")) {            // predict DIR MODEL MASTER: where the time of a distributed predict goes
            predict(args[1], java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[2])), args[3]);
            return;
        }
        int N = Integer.parseInt(args[0]), partitions = Integer.parseInt(args[2]);
        String master = args[1];
        Dataset data = Shapes.generate(N, 1, 28);
        // the reference CAE (32/64/128), batch 256, T 140: the costs do not depend on the weights' values
        DcecConfig cfg = DcecConfig.defaults().toBuilder().method(Method.DCEC).K(10).pretrainEpochs(1).build();
        int threads = Runtime.getRuntime().availableProcessors();
        try (Backend backend = Backend.create(Backend.Kind.AUTO, threads)) {
            Autoencoder ae = Autoencoder.create(cfg, 1, 28, 28, Seeds.derive(0, Seeds.WEIGHTS, 0));
            ae.module().use(backend);
            float[] mu = new float[10 * 10];
            for (int i = 0; i < mu.length; i++) mu[i] = (i % 11) * 0.1f;
            TrainedModel model = new TrainedModel(cfg, 1, 28, 28, ae, mu);
            System.out.printf(Locale.ROOT, "N=%d, %s, %d processors, load average %s%n", N, backend.describe(), threads, load());

            // single machine: Q of all N images, f and P, the labels (DcecTrainer's recomputation)
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                float[] q = model.softAssign(data.images(), N, 256);
                float[] p = TargetDistribution.of(q, N, 10);
                int[] y = new int[N];
                TargetDistribution.argmax(y, q, N, 10);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "single-machine P update: %.2f s, %.0f images/s (p[0]=%s)%n", s, N / s, p[0]);
            }
            // single machine: one pretraining epoch
            long t0 = System.nanoTime();
            double[] loss = new double[1];
            new DcecTrainer(cfg, data).backend(backend).pretrainOnly(true).listener(new TrainingListener() {
                @Override public void epochDone(int epoch, double l, double seconds) { loss[0] = l; }
            }).run();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "single-machine pretraining epoch: %.1f s, %.0f images/s, loss %.6f%n", s, N / s, loss[0]);

            SparkSession spark = SparkSession.builder().master(master).appName("dcec4j throughput").config("spark.ui.enabled", "false").getOrCreate();
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            TrainingData d = TrainingData.of(sc, data, partitions);
            JavaRDD<TargetTable.Rows> zeros = d.blocks().map(b -> new TargetTable.Rows(b.first(), b.n(), null, new int[b.n()], 0)).cache();
            zeros.count();
            TargetTable table = TargetTable.initial(zeros, 10);
            int B = 256, T = 140;
            for (int rep = 0; rep < 3; rep++) {
                long a = System.nanoTime();
                TargetTable.Update u = table.recompute(sc, d, model.toBytes(), 0);
                double recompute = (System.nanoTime() - a) / 1e9;
                table = u.table();
                long b = System.nanoTime();
                BitSet wanted = new BitSet();
                for (int t = rep * T; t < (rep + 1) * T; t++) wanted.set(Batches.orderedBatch(t, N, B));
                List<TargetTable.Batch> batches = table.batches(d, u.f(), wanted, B);
                double collect = (System.nanoTime() - b) / 1e9;
                System.out.printf(Locale.ROOT, "spark %s, %d partitions: P update %.2f s (%.0f images/s), collecting the next %d batches (%d) %.2f s%n",
                        master, partitions, recompute, N / recompute, T, batches.size(), collect);
            }
            table.release();
            for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
                long a = System.nanoTime();
                double[] l = new double[1];
                new SparkDcecTrainer(spark, cfg, d).backend(backend).pretraining(mode).pretrainOnly(true).listener(new TrainingListener() {
                    @Override public void epochDone(int epoch, double v, double seconds) { l[0] = v; }
                }).run();
                double e = (System.nanoTime() - a) / 1e9;
                System.out.printf(Locale.ROOT, "spark %s, %d partitions, %s pretraining epoch: %.1f s, %.0f images/s, loss %.6f%n", master,
                        partitions, mode, e, N / e, l[0]);
            }
            System.out.println("load average after: " + load());
            d.release();
            spark.stop();
        }
    }

    static void predict(String dir, byte[] model, String master) {
        // single machine, as `dcec predict` reads and predicts: the folder streamed a batch at a time
        try (Backend backend = Backend.create(Backend.Kind.AUTO, Runtime.getRuntime().availableProcessors())) {
            TrainedModel m = TrainedModel.parse(model, "model").use(backend);
            for (int rep = 0; rep < 2; rep++) {
                System.out.println("load average: " + load());
                long t0 = System.nanoTime(), sum = 0;
                int n = 0;
                try (org.dcec4j.datasets.ImageStream s = org.dcec4j.datasets.ImageFolder.stream(java.nio.file.Path.of(dir), 1, 28, 28, Integer.MAX_VALUE)) {
                    float[] x = new float[256 * 784];
                    for (int b; (b = s.read(x, 0, 256)) > 0; n += b)
                        for (int label : m.predict(b == 256 ? x : java.util.Arrays.copyOf(x, b * 784), b, 256).labels()) sum += label;
                }
                double all = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "single machine: %d files read, decoded and predicted in %.1f s = %.0f images/s (%d)%n", n, all, n / all, sum);
            }
        }
        SparkSession spark = SparkSession.builder().master(master).appName("dcec4j throughput").config("spark.ui.enabled", "false").getOrCreate();
        for (int rep = 0; rep < 2; rep++) {
            System.out.println("load average: " + load());
            long t0 = System.nanoTime();
            ImageSources.Source src = ImageSources.files(spark, dir);
            long bytes = src.rows().javaRDD().map(r -> (long) ((byte[]) r.get(1)).length).reduce(Long::sum);
            double read = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            long ink = src.rows().javaRDD().map(r -> {
                float[] x = new float[784];
                ImageDecoder.decode(x, 0, (byte[]) r.get(1), r.getString(0), 1, 28, 28);
                return (long) (x[400] * 255);
            }).reduce(Long::sum);
            double decode = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            long n = SparkInference.run(spark, model, src, SparkInference.Output.PREDICT, false, 256).javaRDD().count();
            double all = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d files (%d partitions, %d bytes): read %.1f s, read+decode %.1f s (%d), predict %.1f s = %.0f images/s%n", n,
                    src.rows().javaRDD().getNumPartitions(), bytes, read, decode, ink, all, n / all);
        }
        spark.stop();
    }

    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
