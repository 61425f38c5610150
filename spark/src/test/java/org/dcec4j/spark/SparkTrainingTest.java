package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.DcecModel;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed phases against the single-machine trainer. */
class SparkTrainingTest {
    static SparkSession spark;
    static JavaSparkContext sc;
    static Backend backend;
    @TempDir static Path tmp;

    @BeforeAll static void start() {
        spark = SparkTests.session();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        backend = Backend.create(Backend.Kind.AUTO, 1);
    }

    /** Small and quick: a 4/4/8 CAE on 16×16 shapes. */
    static DcecConfig config(int K, int epochs, int maxIter, int T, long seed) {
        return DcecConfig.defaults().toBuilder().K(K).filters(new int[] {4, 4, 8}).batchSize(32).pretrainEpochs(epochs)
                .kmeansRestarts(2).maxIter(maxIter).updateInterval(T).seed(seed).build();
    }

    /** Keeps the pretrained weights and the epoch losses a trainer reports. */
    static final class Capture implements TrainingListener {
        final List<float[]> weights = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();
        final List<Double> accs = new ArrayList<>();

        @Override public void pretrained(Autoencoder ae) {
            for (Tensor t : ae.module().parameters()) weights.add(t.data.clone());
        }

        @Override public void epochDone(int epoch, double loss, double seconds) { losses.add(loss); }

        @Override public void targetUpdated(int it, double delta, org.dcec4j.dcec.train.Scores s, Losses l) { accs.add(s.acc()); }
    }

    /** Raw-pixel k-means and the augmented methods stay on one machine: refused with the reason, before any job runs. */
    @Test void methodsTheDistributedTrainerDoesNotRunAreRefused() {
        TrainingData one = TrainingData.of(sc, Shapes.generate(40, 3, 16), 1);
        for (org.dcec4j.dcec.Method m : List.of(org.dcec4j.dcec.Method.KMEANS, org.dcec4j.dcec.Method.DCEC_DA, org.dcec4j.dcec.Method.DEC_CONV_DA)) {
            DcecConfig cfg = config(10, 1, 10, 5, 0).toBuilder().method(m).build();
            org.dcec4j.dcec.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(org.dcec4j.dcec.ConfigException.class,
                    () -> new SparkDcecTrainer(spark, cfg, one));
            assertTrue(e.getMessage().contains(m.cliName), e.getMessage());
        }
    }

    /**
     * A last update that overflows (one step at learning rate 1e30) is divergence, as on one machine, in both pretraining
     * modes: the weights were handed on with outputs that are all NaN before the end-of-phase check existed.
     */
    @Test void anOverflowInTheLastStepIsDivergence() {
        Dataset data = Shapes.generate(40, 3, 16);
        DcecConfig cfg = config(4, 1, 0, 10, 7).toBuilder().batchSize(40).lr(1e30f).build();
        for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
            TrainingData one = TrainingData.of(sc, data, 1);
            Capture spread = new Capture();
            org.dcec4j.dcec.train.TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.dcec4j.dcec.train.TrainingDivergedException.class,
                    () -> new SparkDcecTrainer(spark, cfg, one).backend(backend).pretraining(mode).pretrainOnly(true).listener(spread).run());
            one.release();
            assertTrue(e.getMessage().contains("the end of pretraining"), mode + ": " + e.getMessage());
            assertTrue(spread.weights.isEmpty(), mode + ": no weights handed on");
        }
    }

    /**
     * Data of about 1e10: a squared gradient overflows float32 and Adam's v becomes infinite while the weights and the
     * loss stay finite; the run stops as diverged, naming the state, in both pretraining modes, as on one machine
     * (TrainerTest.anOptimiserStateThatOverflowsIsDivergenceNotACheckpoint). Data of about 1e8 train.
     */
    @Test void anOptimiserStateThatOverflowsIsDivergence() {
        float[] big = new float[40 * 4];
        for (int i = 0; i < big.length; i++) big[i] = (i % 7 + 1) * 1e10f;
        DcecConfig cfg = config(4, 1, 0, 10, 7).toBuilder().method(org.dcec4j.dcec.Method.DEC).denseDims(8).pretrainEpochs(2).build();
        for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
            TrainingData one = TrainingData.of(sc, Dataset.ofVectors("big", 4, big, new int[40]), 1);
            Capture spread = new Capture();
            org.dcec4j.dcec.train.TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.dcec4j.dcec.train.TrainingDivergedException.class,
                    () -> new SparkDcecTrainer(spark, cfg, one).backend(backend).pretraining(mode).pretrainOnly(true).listener(spread).run());
            one.release();
            // synchronous: Adam on the driver, checked at the end of the phase; asynchronous: the partitions' averaged
            // state, checked before it is loaded (it was a FormatException of the "averaged state" that did not load)
            String where = mode == SparkDcecTrainer.Pretraining.SYNCHRONOUS ? "the end of pretraining (epoch 2) (the optimiser state 'adam.v."
                    : "epoch 1 (the averaged state 'adam.v.";
            assertTrue(e.getMessage().startsWith("the pretraining loss became infinite at " + where), mode + ": " + e.getMessage());
            assertTrue(spread.weights.isEmpty(), mode + ": no weights handed on");
        }
        float[] fine = big.clone();
        for (int i = 0; i < fine.length; i++) fine[i] = (i % 7 + 1) * 1e8f;
        TrainingData ok = TrainingData.of(sc, Dataset.ofVectors("fine", 4, fine, new int[40]), 1);
        Capture spread = new Capture();
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> new SparkDcecTrainer(spark, cfg, ok).backend(backend).pretrainOnly(true).listener(spread).run());
        ok.release();
        assertFalse(spread.weights.isEmpty(), "the weights of a run on data of about 1e8 are handed on");
    }

    /** Pretrained weights of another shape are refused when given, naming their source, before anything runs or is written. */
    @Test void weightsOfAnotherShapeAreRefusedWhenGiven() throws IOException {
        Dataset data = Shapes.generate(40, 3, 16);
        TrainingData one = TrainingData.of(sc, data, 1);
        Capture pre = new Capture();
        Path w = tmp.resolve("w16.dc4j");
        Autoencoder ae = Autoencoder.create(config(4, 1, 0, 10, 7), 1, 12, 12, 0);     // a 12x12 network's weights
        java.nio.file.Files.write(w, ae.module().toBytes());
        byte[] bytes = java.nio.file.Files.readAllBytes(w);
        org.dcec4j.engine.io.TensorFile.FormatException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.dcec4j.engine.io.TensorFile.FormatException.class,
                () -> new SparkDcecTrainer(spark, config(4, 1, 0, 10, 7), one).listener(pre).pretrainedWeights(bytes, w.toString()));
        one.release();
        assertTrue(e.getMessage().startsWith(w + ": parameter") && e.getMessage().contains("has shape"), e.getMessage());
    }

    /**
     * On one partition both modes are the single-machine pretraining bit for bit (weights and epoch losses), averaging
     * also when an epoch is split into rounds (--sync-every 2: rounds of 2, 2 and 1 of the 5 batches): each round hands
     * the partition's weights and Adam state through unchanged, and Adam's step count advances by the batches the
     * round trained (2 + 2 + 1 per epoch, not 3 rounds of 2), as the bias corrections of the next epoch show.
     */
    @Test void pretrainingOnOnePartitionIsTheSingleMachinePretrainingBitForBitInBothModes() throws IOException {
        Dataset data = Shapes.generate(150, 11, 16);
        DcecConfig cfg = config(4, 2, 0, 10, 7);
        Capture single = new Capture();
        new DcecTrainer(cfg, data).backend(backend).pretrainOnly(true).listener(single).run();
        for (int syncEvery : new int[] {0, 2})
            for (SparkDcecTrainer.Pretraining mode : SparkDcecTrainer.Pretraining.values()) {
                if (syncEvery != 0 && mode != SparkDcecTrainer.Pretraining.AVERAGING) continue;
                String what = mode + ", syncEvery " + syncEvery;
                TrainingData one = TrainingData.of(sc, data, 1);
                Capture spread = new Capture();
                new SparkDcecTrainer(spark, cfg, one).backend(backend).pretraining(mode).syncEvery(syncEvery).pretrainOnly(true).listener(spread).run();
                one.release();
                assertEquals(single.weights.size(), spread.weights.size());
                for (int i = 0; i < single.weights.size(); i++) assertArrayEquals(single.weights.get(i), spread.weights.get(i), 0f, what + ": parameter " + i);
                assertEquals(single.losses, spread.losses, what);
            }
    }

    /**
     * Averaging on two partitions of unequal size (40 and 88 images), one round per epoch: partition p trains a fresh
     * copy on its own images in the order of its own permutation, drawn from (seed, SHUFFLE, e·P + p), and the weights
     * are the partitions' weighted by the images each trained (40/128 and 88/128, in double, partition order); the
     * epoch loss is the mean over all 128 images. Oracle: the single-machine pretraining of each partition's images
     * alone, rearranged so that its own permutation of epoch 0 (stream 0) visits them in the order stream p gives.
     */
    @Test void averagingIsTheImageWeightedAverageOfEachPartitionsSingleMachinePretraining() throws IOException {
        Dataset data = Shapes.generate(128, 13, 16);
        DcecConfig cfg = config(4, 1, 0, 10, 7);
        int[] from = {0, 40}, to = {40, 128};
        int D = data.imageSize(), N = data.size();
        List<ImageBlock> blocks = new ArrayList<>();
        List<Capture> single = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int n = to[p] - from[p];
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) ids[i] = Integer.toString(from[p] + i);
            Dataset part = data.subset(from[p], to[p]);
            blocks.add(new ImageBlock(from[p], ids, part.labels(), part.images()));
            // the single machine walks x'[π₀[k]] at step k; partition p walks x[π_p[k]]: x'[π₀[k]] = x[π_p[k]]
            int[] own = org.dcec4j.dcec.train.Batches.permutation(n, org.dcec4j.dcec.train.Seeds.rng(cfg.seed(), org.dcec4j.dcec.train.Seeds.SHUFFLE, p));
            int[] first = org.dcec4j.dcec.train.Batches.permutation(n, org.dcec4j.dcec.train.Seeds.rng(cfg.seed(), org.dcec4j.dcec.train.Seeds.SHUFFLE, 0));
            float[] x = new float[n * D];
            for (int k = 0; k < n; k++) System.arraycopy(part.images(), own[k] * D, x, first[k] * D, D);
            Capture c = new Capture();
            new DcecTrainer(cfg, part.withImages(1, 16, 16, x)).backend(backend).pretrainOnly(true).listener(c).run();
            single.add(c);
        }
        TrainingData two = TrainingData.of("shapes", 1, 16, 16, data.numClasses(), sc.parallelize(blocks, 2));
        assertArrayEquals(new long[] {40, 88}, two.partitionSizes());
        Capture spread = new Capture();
        new SparkDcecTrainer(spark, cfg, two).backend(backend).pretraining(SparkDcecTrainer.Pretraining.AVERAGING).pretrainOnly(true)
                .listener(spread).run();
        two.release();
        assertEquals(single.get(0).weights.size(), spread.weights.size());
        for (int i = 0; i < spread.weights.size(); i++) {
            float[] a = single.get(0).weights.get(i), b = single.get(1).weights.get(i), want = new float[a.length];
            for (int j = 0; j < a.length; j++) want[j] = (float) (0.0 + (double) 40 / N * a[j] + (double) 88 / N * b[j]);
            assertArrayEquals(want, spread.weights.get(i), 0f, "parameter " + i);
        }
        double loss = (single.get(0).losses.get(0) * 40 + single.get(1).losses.get(0) * 88) / N;
        assertEquals(loss, spread.losses.get(0), 1e-12 * loss);
    }

    @Test void synchronousPretrainingOnSeveralPartitionsIsTheSingleMachineOneToSummationOrder() throws IOException {
        Dataset data = Shapes.generate(150, 11, 16);
        DcecConfig cfg = config(4, 2, 0, 10, 7);
        Capture single = new Capture();
        new DcecTrainer(cfg, data).backend(backend).pretrainOnly(true).listener(single).run();
        TrainingData three = TrainingData.of(sc, data, 3);
        Capture spread = new Capture();
        new SparkDcecTrainer(spark, cfg, three).backend(backend).pretrainOnly(true).listener(spread).run();
        three.release();
        double worst = 0, scale = 0;
        for (int i = 0; i < single.weights.size(); i++)
            for (int j = 0; j < single.weights.get(i).length; j++) {
                worst = Math.max(worst, Math.abs(single.weights.get(i)[j] - spread.weights.get(i)[j]));
                scale = Math.max(scale, Math.abs(single.weights.get(i)[j]));
            }
        // 10 Adam steps from the same start, gradients differing only by float rounding
        assertTrue(worst < 1e-4 * scale, "largest weight difference " + worst + " (largest weight " + scale + ")");
        for (int e = 0; e < 2; e++) assertEquals(single.losses.get(e), spread.losses.get(e), 1e-5 * single.losses.get(e));
    }

    @Test void averagingOnSeveralPartitionsIsFixedByTheSeedAndLowersTheLoss() throws IOException {
        Dataset data = Shapes.generate(150, 11, 16);
        DcecConfig cfg = config(4, 3, 0, 10, 7);
        List<Capture> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            TrainingData three = TrainingData.of(sc, data, 3);
            Capture c = new Capture();
            new SparkDcecTrainer(spark, cfg, three).backend(backend).pretraining(SparkDcecTrainer.Pretraining.AVERAGING).pretrainOnly(true)
                    .syncEvery(2).listener(c).run();
            three.release();
            runs.add(c);
        }
        for (int i = 0; i < runs.get(0).weights.size(); i++) assertArrayEquals(runs.get(0).weights.get(i), runs.get(1).weights.get(i), 0f);
        List<Double> l = runs.get(0).losses;
        assertTrue(l.get(2) < l.get(0), "loss falls over the epochs: " + l);
    }

    /**
     * The k-means restart kept: the first within a relative 10⁻⁹ of the lowest cost (restarts that found the same
     * clusters in another order differ by rounding only, and MLlib's own cost, summed in task-completion order, let
     * that rounding pick the numbering from one run to the next); the cost is summed per partition in row order and
     * the partitions in order: the same bits as that sum done by hand.
     */
    @Test void theKMeansRestartKeptIsTheFirstOfTheNearTiesByACostSummedInOrder() {
        assertEquals(1, SparkDcecTrainer.bestRestart(new double[] {5.0, 4.0, 4.0 * (1 - 1e-12), 4.5}));
        assertEquals(2, SparkDcecTrainer.bestRestart(new double[] {5.0, 4.0, 4.0 * (1 - 1e-6)}));
        assertEquals(0, SparkDcecTrainer.bestRestart(new double[] {0.0, 0.0}));
        java.util.Random rnd = new java.util.Random(3);
        List<org.apache.spark.mllib.linalg.Vector> points = new ArrayList<>();
        for (int i = 0; i < 50; i++) points.add(org.apache.spark.mllib.linalg.Vectors.dense(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()));
        org.apache.spark.mllib.linalg.Vector[] centres = {org.apache.spark.mllib.linalg.Vectors.dense(0.5, 0, 0),
                org.apache.spark.mllib.linalg.Vectors.dense(-0.5, 0.2, 1)};
        JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = sc.parallelize(points, 3);
        List<List<org.apache.spark.mllib.linalg.Vector>> parts = rdd.glom().collect();
        double want = 0;
        for (List<org.apache.spark.mllib.linalg.Vector> part : parts) {
            double s = 0;
            for (org.apache.spark.mllib.linalg.Vector v : part) {
                double nearest = Double.POSITIVE_INFINITY;
                for (org.apache.spark.mllib.linalg.Vector c : centres) {
                    double d = 0;
                    for (int t = 0; t < 3; t++) d += (v.apply(t) - c.apply(t)) * (v.apply(t) - c.apply(t));
                    nearest = Math.min(nearest, d);
                }
                s += nearest;
            }
            want += s;
        }
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(SparkDcecTrainer.cost(rdd, centres)));
    }

    /**
     * A soft assignment that is not finite at a recomputation of Q is a divergence, as on one machine (exit code 3): the
     * executor's TrainingDivergedException reaches the driver inside Spark's job failure, naming the image (it was an
     * IllegalStateException, exit code 1). Images of 3e38 drive the encoder past the float range.
     */
    @Test void aNonFiniteAssignmentOnAnExecutorIsADivergence() {
        Dataset data = Shapes.generate(40, 12, 28);
        DcecModel m = SparkTests.model(data, 3);
        float[] huge = new float[20 * 784];
        java.util.Arrays.fill(huge, 3e38f);
        String[] ids = new String[20];
        for (int i = 0; i < 20; i++) ids[i] = "big-" + i;
        TrainingData d = TrainingData.of("huge", 1, 28, 28, 0, sc.parallelize(List.of(new ImageBlock(0, ids, null, huge)), 1));
        JavaRDD<TargetTable.Rows> zeros = d.blocks().map(b -> new TargetTable.Rows(b.first(), b.n(), null, new int[b.n()], 0));
        Exception e = assertThrows(Exception.class, () -> TargetTable.initial(zeros, m.clusters()).recompute(sc, d, m.toBytes(), 0));
        org.dcec4j.dcec.train.TrainingDivergedException diverged = SparkErrors.divergedCause(e);
        assertTrue(diverged != null && diverged.getMessage().contains("soft assignment of image big-"), String.valueOf(e));
    }

    /** With spark.checkpoint.dir set, each new target table is written there and its lineage cut (it never was). */
    @Test void aCheckpointDirectoryCheckpointsEachTargetTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        Dataset data = Shapes.generate(60, 12, 28);
        DcecModel m = SparkTests.model(data, 3);
        TrainingData d = TrainingData.of(sc, data, 2);
        sc.setCheckpointDir(dir.toString());
        try {
            JavaRDD<TargetTable.Rows> zeros = d.blocks().map(b -> new TargetTable.Rows(b.first(), b.n(), null, new int[b.n()], 0)).cache();
            TargetTable.Update u = TargetTable.initial(zeros, m.clusters()).recompute(sc, d, m.toBytes(), data.numClasses());
            assertTrue(u.table().rows.rdd().isCheckpointed(), "the new table is checkpointed");
            try (var files = java.nio.file.Files.walk(dir)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("rdd-")), "rdd-* written under " + dir);
            }
            u.table().release();
        } finally {
            sc.sc().checkpointDir_$eq(scala.Option.empty());      // the other tests run without one
            d.release();
        }
    }

    /**
     * A recomputation of Q on one and on three partitions against the single-machine model: the changed count, f (exactly
     * on one partition, to double rounding on several), each batch's images and P (bit for bit, within an ulp), and the
     * predictions made from the table (index, id, cluster = argmax Q, confidence = max_j q_ij, label) bit for bit.
     */
    @Test void fAndPAreTheSingleMachineOnesExactlyOnOnePartitionAndToRoundingOnSeveral() {
        Dataset data = Shapes.generate(200, 12, 28);
        // an untrained CAE with the embeddings of images 0, 40, …, 160 as centres: every cluster holds images (the quickly
        // trained model of SparkTests.model put all 200 in cluster 0, where argmax, the changed count and max_j q_ij
        // could not tell the clusters apart)
        int K = 5, N = data.size();
        DcecConfig cfg = DcecConfig.defaults().toBuilder().K(K).filters(new int[] {4, 4, 8}).build();
        Autoencoder ae = Autoencoder.create(cfg, 1, 28, 28, 3);
        float[] first = new float[K * 784];
        for (int j = 0; j < K; j++) System.arraycopy(data.images(), j * 40 * 784, first, j * 784, 784);
        float[] mu = new TrainedModel(cfg, 1, 28, 28, ae, new float[K * ae.embeddingSize()]).features(first, K, K);
        TrainedModel model = new TrainedModel(cfg, 1, 28, 28, ae, mu);
        byte[] bytes = model.toBytes();
        float[] q = model.softAssign(data.images(), N, 256);
        double[] f = new double[K];
        for (int i = 0; i < N; i++) for (int j = 0; j < K; j++) f[j] += q[i * K + j];     // TargetDistribution's sum
        float[] p = TargetDistribution.of(q, N, K);
        int[] labels = new int[N];
        TargetDistribution.argmax(labels, q, N, K);
        assertEquals(K, java.util.Arrays.stream(labels).distinct().count(), "every cluster holds images");
        for (int partitions : new int[] {1, 3}) {
            TrainingData d = TrainingData.of(sc, data, partitions);
            JavaRDD<TargetTable.Rows> zeros = d.blocks().map(b -> new TargetTable.Rows(b.first(), b.n(), null, new int[b.n()], 0)).cache();
            TargetTable.Update u = TargetTable.initial(zeros, K).recompute(sc, d, bytes, data.numClasses());
            long changed = 0;
            for (int y : labels) if (y != 0) changed++;
            assertEquals(changed, u.changed(), "changed labels against all-zero ones");
            BitSet all = new BitSet();
            all.set(0, (N + 31) / 32);
            List<TargetTable.Batch> batches = u.table().batches(d, u.f(), all, 32);
            int worstUlps = 0;
            for (TargetTable.Batch b : batches)
                for (int r = 0; r < b.n(); r++)
                    for (int j = 0; j < K; j++) {
                        int i = b.index() * 32 + r;
                        worstUlps = Math.max(worstUlps, Math.abs(Float.floatToIntBits(p[i * K + j]) - Float.floatToIntBits(b.p()[r * K + j])));
                        assertEquals(Float.floatToIntBits(data.images()[i * 784 + 300]), Float.floatToIntBits(b.x()[r * 784 + 300]));
                    }
            for (int j = 0; j < K; j++) {
                if (partitions == 1) assertEquals(f[j], u.f()[j], 0.0, "f exactly, one partition");
                else assertEquals(f[j], u.f()[j], 1e-12 * f[j], "f to double rounding, several partitions");
            }
            if (partitions == 1) assertEquals(0, worstUlps, "P bit for bit on one partition");
            else assertTrue(worstUlps <= 1, "P within an ulp on several partitions, was " + worstUlps);
            // the run's predictions from this table: image i's id, argmax Q, max_j q_ij and label, bit for bit
            List<Row> rows = Predictions.of(spark, d, u.table()).orderBy("index").collectAsList();
            assertEquals(N, rows.size());
            for (int i = 0; i < N; i++) {
                float best = q[i * K];
                for (int j = 1; j < K; j++) best = Math.max(best, q[i * K + j]);
                Row r = rows.get(i);
                String what = partitions + " partitions, image " + i;
                assertEquals(i, r.getLong(0), what);
                assertEquals(Integer.toString(i), r.getString(1), what);
                assertEquals(labels[i], r.getInt(2), what);
                assertEquals(Float.floatToIntBits(best), Float.floatToIntBits(r.getFloat(3)), what + ": confidence");
                assertEquals(data.labels()[i], r.getInt(4), what);
            }
            u.table().release();
            d.release();
        }
    }

    // ------------------------------------------------------------------------------------ a whole run
    static final Dataset SHAPES = Shapes.generate(400, 21, 16);
    static final DcecConfig RUN = config(10, 8, 240, 40, 1);
    private static SparkDcecTrainer.Result baseline;
    private static Path baselineFolder;

    static synchronized SparkDcecTrainer.Result baseline() throws IOException {
        if (baseline == null) {
            TrainingData d = TrainingData.of(sc, SHAPES, 2);
            baselineFolder = tmp.resolve("run");
            SparkRunFolder folder = new SparkRunFolder(baselineFolder, RUN, d, "local[2,2]");
            folder.prepare(true);
            baseline = new SparkDcecTrainer(spark, RUN, d).backend(backend).listener(folder).run();
            folder.finish(baseline, spark, baselineFolder.resolve(SparkRunFolder.PREDICTIONS_PARQUET).toString(), true, true);
        }
        return baseline;
    }

    @Test void aDistributedRunReachesTheSingleMachineAccuracyAndWritesTheRunFiles() throws IOException {
        SparkDcecTrainer.Result r = baseline();
        double[] single = new double[3];
        for (int s = 0; s < 3; s++) {
            DcecConfig c = config(10, 8, 240, 40, s + 1);
            DcecResult one = new DcecTrainer(c, SHAPES).backend(backend).run();
            single[s] = one.scores().acc();
        }
        double lo = Math.min(single[0], Math.min(single[1], single[2])), hi = Math.max(single[0], Math.max(single[1], single[2]));
        System.out.printf("shapes 400x16x16: distributed ACC %.4f, single-machine seeds 1-3: %.4f %.4f %.4f%n", r.scores().acc(), single[0], single[1], single[2]);
        assertTrue(r.scores().acc() >= lo - 0.05, "distributed ACC " + r.scores().acc() + " within seed noise of the single-machine runs " + lo + ".." + hi);
        // the run's files: logs as the single-machine run writes them, a model that predicts the reported clusters
        for (String f : List.of("config.json", "pretrain_log.csv", "dcec_log.csv", "cae_weights.dc4j", "model.dc4j", "predictions.csv", "report.html"))
            assertTrue(Files.isRegularFile(baselineFolder.resolve(f)), f);
        assertEquals(RUN.pretrainEpochs() + 1, Files.readAllLines(baselineFolder.resolve("pretrain_log.csv")).size());
        String report = Files.readString(baselineFolder.resolve("report.html"));
        String accCell = String.format(java.util.Locale.ROOT, "<tr><th>DCEC</th><td>%.4f</td>", r.scores().acc());
        assertTrue(report.contains(accCell) && report.contains("id=\"cluster-"), "report with the run's scores and sample images, " + accCell);
        List<String> csv = Files.readAllLines(baselineFolder.resolve("predictions.csv"));
        assertEquals("index,cluster,confidence,label", csv.get(0));
        assertEquals(SHAPES.size() + 1, csv.size());
        int[] predicted = DcecModel.load(baselineFolder.resolve("model.dc4j"), backend).predict(SHAPES);
        for (int i = 0; i < SHAPES.size(); i++) {
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(i, Integer.parseInt(cells[0]));
            assertEquals(predicted[i], Integer.parseInt(cells[1]), "image " + i + ": the model predicts the reported cluster");
            assertEquals(SHAPES.labels()[i], Integer.parseInt(cells[3]));
        }
        List<Row> parquet = spark.read().parquet(baselineFolder.resolve("predictions.parquet").toString()).orderBy("index").collectAsList();
        assertEquals(SHAPES.size(), parquet.size());
        for (int i = 0; i < SHAPES.size(); i++) assertEquals(predicted[i], parquet.get(i).getInt(2));
    }

    /** Armed once pretraining is done: from then on the first attempt of every task computing partition 0 fails. */
    static final AtomicBoolean ARMED = new AtomicBoolean();

    @Test void failedTasksAreRetriedWithoutChangingTheResult() throws IOException {
        SparkDcecTrainer.Result expected = baseline();
        JavaRDD<ImageBlock> flaky = TrainingData.of(sc, SHAPES, 2).blocks().map(b -> {
            TaskContext t = TaskContext.get();
            if (ARMED.get() && t.partitionId() == 0 && t.attemptNumber() == 0) throw new IllegalStateException("injected failure");
            return b;
        });
        TrainingData d = TrainingData.of("shapes", 1, 16, 16, 10, flaky);
        TrainingListener arm = new TrainingListener() {
            @Override public void pretrained(Autoencoder ae) {
                d.blocks().unpersist(true);        // every later job recomputes the blocks through the failing function
                ARMED.set(true);
            }
        };
        SparkDcecTrainer.Result got;
        try {
            got = new SparkDcecTrainer(spark, RUN, d).backend(backend).listener(arm).run();
        } finally {
            ARMED.set(false);
        }
        assertArrayEquals(expected.model().toBytes(), got.model().toBytes(), "the same model, bit for bit");
        assertEquals(expected.iterations(), got.iterations());
        List<Row> a = expected.predictions(spark).orderBy("index").collectAsList(), b = got.predictions(spark).orderBy("index").collectAsList();
        assertEquals(a, b);
    }
}
