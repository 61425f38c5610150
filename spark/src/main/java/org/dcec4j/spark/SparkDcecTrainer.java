package org.dcec4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.train.Batches;
import org.dcec4j.dcec.train.ClusteringStep;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.Seeds;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingDivergedException;
import org.dcec4j.dcec.train.UsableState;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.dcec.train.TrainingListener.Losses;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.optim.Adam;

/**
 * DCEC (Algorithm 1, as {@code DcecTrainer} runs it) on a data set that stays distributed: the driver holds the
 * network and takes every mini-batch step; the executors do the work that grows with N.
 * <ol>
 *   <li>pretraining: data-parallel, by default one job per mini-batch with the batch's gradient summed over the
 *       partitions ({@link Pretraining#SYNCHRONOUS}), or by parameter averaging ({@link Pretraining#AVERAGING},
 *       {@link ParameterAveraging}); with one partition the single-machine pretraining bit for bit;</li>
 *   <li>centre initialisation: the embeddings of all N images computed on the executors, then Spark MLlib's k-means
 *       (k-means|| seeding, Lloyd iterations) with as many restarts as configured, the lowest cost kept; the centres
 *       are the means of the winning clusters, summed in partition order, the labels y⁰ MLlib's assignments;</li>
 *   <li>clustering: at iteration 0, every T iterations and at maxIter the executors recompute Q for all N images with
 *       the current weights (broadcast), y = argmax Q, the changed-label fraction δ and f_j = Σ_i q_ij
 *       ({@link TargetTable}); the driver then collects, in one job, the images and targets P of the batches the
 *       next T iterations train (batch t mod ⌈N/B⌉, in data order) and takes those T steps on L = L_r + γ·L_c exactly
 *       as the single-machine loop does; same stop rule (δ &lt; tol, never at 0), same maxIter.</li>
 * </ol>
 * Where it differs from {@code DcecTrainer}: MLlib's k-means is not dcec4j's (k-means|| instead of greedy k-means++,
 * MLlib's stopping rule), so the centres and everything after them differ from a single-machine run with the same
 * seed; f is summed per partition and the partial sums added in partition order (bit for bit the single-machine f with
 * one partition, within double rounding otherwise); pretraining with several partitions sums each batch's gradient in partition order (or averages parameters); no
 * checkpoints, no resume; methods dcec, idec, dec-conv, dec and cae-kmeans (kmeans on pixels is not distributed).
 * Listeners receive every event but {@code runFinished} and {@code checkpoint}: the result is returned instead.
 *
 * <p>Math: docs/math/dcec.md#loop. Docs: docs/scale-out.md
 */
public final class SparkDcecTrainer {
    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final DcecConfig cfg;
    private final TrainingData data;
    private final int N, C, H, W, D, K;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
    /** Null until set: the JVM-wide shared backend is made only when a run needs one and none was given. */
    private Backend backend;
    private int syncEvery;
    private Pretraining pretraining = Pretraining.SYNCHRONOUS;
    private boolean pretrainOnly;
    private byte[] pretrained;
    private String pretrainedSource = "pretrained weights";

    /** Checks what can be checked before any work; a {@link ConfigException} names the setting. */
    public SparkDcecTrainer(SparkSession spark, DcecConfig cfg, TrainingData data) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // the pretraining's optimiser only when it pretrains: weights given (pretrainedWeights) may come from a single-machine
        // pretraining with SGD, whose settings the run records (run() checks it when there are none)
        this.cfg = check(cfg, false);
        this.data = data;
        this.N = data.size(); this.C = data.channels(); this.H = data.height(); this.W = data.width();
        this.D = C * H * W; this.K = cfg.K();
        if (K > N) throw new ConfigException("{clusters} " + K + " is larger than the number of images (" + N + " in " + ConfigException.quote(data.name()) + ")");
        if (cfg.method().network == Method.Network.CONV) ConvAutoencoder.check(C, H, W, K, cfg.filters());
        org.dcec4j.dcec.train.DcecTrainer.checkSizes(cfg, N, C, H, W);
        // the model goes to the executors as a tensor file's bytes (and no checkpoint is written)
        org.dcec4j.dcec.train.DcecTrainer.checkFileSizes(cfg.toBuilder().checkpointEvery(0).build(), N, C, H, W);
    }

    /**
     * The checks of a config that need neither the data nor a Spark session: {@link DcecConfig#validate()} and what the
     * distributed trainer does not run (kmeans on pixels, the augmented methods, optimisers other than Adam). The
     * constructor makes them first (but the pretraining's optimiser, which {@link #run} checks when it pretrains); a
     * command makes them before it starts a session. Returns cfg.
     */
    public static DcecConfig check(DcecConfig cfg) { return check(cfg, true); }

    /**
     * {@link #check(DcecConfig)}, the pretraining's optimiser only when {@code pretrains}: a run from given weights does
     * not pretrain, and records the optimiser of the pretraining that made them (one on a single machine may be SGD).
     */
    public static DcecConfig check(DcecConfig cfg, boolean pretrains) {
        cfg.validate();
        if (cfg.method() == Method.KMEANS)
            throw new ConfigException("{method} kmeans clusters raw pixels on one machine; the distributed trainer runs the autoencoder methods");
        if (cfg.method().augments)
            throw new ConfigException("{method} " + cfg.method().cliName + " trains on augmented images, which the distributed trainer does not "
                    + "draw; train it with dcec on one machine, or use " + cfg.method().cliName.replace("-da", ""));
        // the workers' states are averaged as Adam's moments and step counts (docs/scale-out.md): no other optimiser
        if (pretrains && cfg.pretrainOptimizer().kind() != OptimizerSpec.Kind.ADAM)
            throw new ConfigException("{pretrainOptimizer} " + cfg.pretrainOptimizer() + ": the distributed trainer averages Adam's state "
                    + "and runs Adam only; train with SGD on one machine with dcec");
        if (cfg.clusterOptimizer().kind() != OptimizerSpec.Kind.ADAM)
            throw new ConfigException("{clusterOptimizer} " + cfg.clusterOptimizer() + ": the distributed trainer runs Adam only; "
                    + "train with SGD on one machine with dcec");
        return cfg;
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public SparkDcecTrainer listener(TrainingListener l) { listeners.add(Objects.requireNonNull(l, "listener")); return this; }

    /** The driver's kernels and threads (the executors make their own, {@link ExecutorState}). */
    public SparkDcecTrainer backend(Backend b) { this.backend = Objects.requireNonNull(b, "backend"); return this; }

    /** The driver's backend: the one given, else the JVM-wide shared one, made on first use. */
    Backend backend() { return backend != null ? backend : Backend.shared(); }

    /** How pretraining spreads over the executors (docs/scale-out.md#pretraining). */
    public enum Pretraining {
        /** One job per mini-batch, the batch's gradient summed over the partitions: single-machine training up to summation order. */
        SYNCHRONOUS,
        /** Each partition trains on its own images, the driver averages weights and Adam moments every {@link #syncEvery} batches. */
        AVERAGING
    }

    /** How pretraining spreads over the executors (default {@link Pretraining#SYNCHRONOUS}). */
    public SparkDcecTrainer pretraining(Pretraining mode) {
        this.pretraining = Objects.requireNonNull(mode, "pretraining");
        if (mode == Pretraining.AVERAGING) checkAveragingPartitions(data.partitionSizes(), C, H, W);
        return this;
    }

    /**
     * The averaging pretraining holds each partition's images in one float array (a task trains on its whole partition):
     * a partition of more images than one array holds (n·C·H·W &gt; 2³¹ − 65) is refused, naming the partition and the
     * partitions that would do. n·D was an int product: 60,000 images of 3×128×128 in one partition wrapped to a negative
     * array length in the task.
     */
    static void checkAveragingPartitions(long[] partitionSizes, int C, int H, int W) {
        long D = (long) C * H * W, total = 0, most = 0;
        int at = 0;
        for (int p = 0; p < partitionSizes.length; p++) {
            total += partitionSizes[p];
            if (partitionSizes[p] > most) { most = partitionSizes[p]; at = p; }
        }
        long limit = Integer.MAX_VALUE - 64, perPartition = limit / D;
        if (most * D > limit)
            throw new ConfigException("{pretrainMode} averaging: partition " + at + " holds " + most + " images of " + C + "x" + H + "x" + W
                    + ", " + String.format(java.util.Locale.ROOT, "%,d", most * D) + " values, more than one array holds (2,147,483,583): use at least "
                    + (total + perPartition - 1) / perPartition + " {partitions} (at most " + perPartition + " images each), or the synchronous pretraining");
    }

    /** Averaging pretraining: mini-batches each partition trains between two averages (0 = a whole epoch, the default). */
    public SparkDcecTrainer syncEvery(int steps) {
        this.syncEvery = checkSyncEvery(steps);
        return this;
    }

    /** Refuses a negative {@link #syncEvery} (needs no data: a command checks it before it starts a session); returns steps. */
    public static int checkSyncEvery(int steps) {
        if (steps < 0) throw new ConfigException("{syncEvery} must be >= 0 (0 = once per epoch), got " + steps);
        return steps;
    }

    /** Stop after pretraining. */
    public SparkDcecTrainer pretrainOnly(boolean on) { this.pretrainOnly = on; return this; }

    /** Skip pretraining: start from these autoencoder weights (a weights file's bytes). */
    public SparkDcecTrainer pretrainedWeights(byte[] weights) { return pretrainedWeights(weights, "pretrained weights"); }

    /**
     * Skip pretraining: start from these autoencoder weights, read now (wrong shapes or NaN fail here, before anything
     * is written), {@code source} naming them in messages.
     */
    public SparkDcecTrainer pretrainedWeights(byte[] weights, String source) {
        if (weights != null)
            Autoencoder.create(cfg, C, H, W, 0).loadPretrained(TensorFile.parse(weights, source), source);
        this.pretrained = weights;
        this.pretrainedSource = source;
        return this;
    }

    /** What a distributed run produced; the labels stay distributed ({@link #predictions}). */
    public record Result(TrainedModel model, Scores scores, int iterations, boolean converged, Map<Phase, Double> seconds,
                         TargetTable table, TrainingData data) {
        /** Rows (index, id, cluster, confidence[, label]) of every image: the labels of the last recomputation of P. */
        public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> predictions(SparkSession spark) {
            return Predictions.of(spark, data, table);
        }

        /** Drops the cached tables. */
        public void release() { if (table != null) table.release(); }
    }

    // ------------------------------------------------------------------------------------------ run
    /** Math: docs/math/dcec.md#loop */
    public Result run() throws IOException {
        if (pretrained == null) check(cfg, true);
        for (TrainingListener l : listeners) l.runStarted(backend());
        Autoencoder ae = Autoencoder.create(cfg, C, H, W, Seeds.derive(cfg.seed(), Seeds.WEIGHTS, 0));
        ae.module().use(backend());

        // 1. pretraining: θ ← data-parallel Adam on L_r
        if (pretrained != null) {
            ae.module().loadFrom(TensorFile.parse(pretrained, pretrainedSource), "", pretrainedSource);
        } else {
            long t0 = System.nanoTime();
            pretrain(ae);
            checkUsable("pretraining", "the end of pretraining", ae, null);
            for (TrainingListener l : listeners) l.pretrained(ae);
            phaseDone(Phase.PRETRAIN, t0);
        }
        if (pretrainOnly) return new Result(null, Scores.NONE, 0, false, seconds, null, data);

        // 2. centre initialisation: μ ← k-means||(F(x_1..x_N)), labels y⁰
        ClusteringLayer layer = new ClusteringLayer(K, ae.embeddingSize(), cfg.alpha());
        TargetTable y0 = initialiseCentres(ae, layer);
        TrainedModel model = new TrainedModel(cfg, C, H, W, ae, layer.mu.data);
        if (!cfg.method().clusters) {
            TargetTable.Update u = y0.recompute(sc, data, model.toBytes(), data.numClasses());
            return new Result(model, scores(u), 0, false, seconds, u.table(), data);
        }

        // 3. clustering
        long t0 = System.nanoTime();
        Result r = cluster(ae, layer, y0, model);
        phaseDone(Phase.CLUSTER, t0);
        return r;
    }

    // ------------------------------------------------------------------------------------ pretraining
    /** Math: docs/math/dcec.md#pretraining */
    private void pretrain(Autoencoder ae) throws IOException {
        if (pretraining == Pretraining.SYNCHRONOUS) { pretrainSynchronously(ae); return; }
        Adam opt = new Adam(ae.module().parameters(), cfg.lr(), backend().kernels());
        int E = cfg.pretrainEpochs(), B = Math.min(cfg.batchSize(), N);
        int mostBatches = 0;
        for (long n : data.partitionSizes()) mostBatches = Math.max(mostBatches, Batches.count((int) n, B));
        int S = syncEvery == 0 ? mostBatches : syncEvery;
        for (TrainingListener l : listeners) l.phaseStarted(Phase.PRETRAIN, 0, E);
        for (int epoch = 0; epoch < E; epoch++) {
            long t0 = System.nanoTime();
            double sum = 0;
            for (int from = 0; from < mostBatches; from += S) {
                List<ParameterAveraging.Round> rounds = ParameterAveraging.round(sc, data, cfg, ParameterAveraging.state(ae, opt), epoch, from, S);
                for (ParameterAveraging.Round r : rounds) {
                    if (!Float.isFinite(r.worstLoss()))
                        throw diverged("pretraining", "epoch " + (epoch + 1) + ", partition " + r.partition(), r.worstLoss());
                    sum += r.lossSum();
                }
                TensorFile avg = TensorFile.parse(ParameterAveraging.average(rounds, opt.iterations()), "averaged state");
                // an average that overflowed (Adam's v of data of about 1e10) is divergence, not a file that does not load
                UsableState.Problem p = UsableState.checkState(avg, "the averaged state");
                if (p != null) throw diverged("pretraining", "epoch " + (epoch + 1) + " (" + p.what() + ")", p.value());
                ae.module().loadFrom(avg, "model.", "averaged state");
                opt.loadState(avg, "adam.", "averaged state");
                for (TrainingListener li : listeners) li.batchDone(Phase.PRETRAIN, epoch, Math.min(from + S, mostBatches) - 1, mostBatches, Double.NaN);
            }
            for (TrainingListener l : listeners) l.epochDone(epoch + 1, sum / N, (System.nanoTime() - t0) / 1e9);
        }
        checkState("pretraining", "the end of pretraining (epoch " + E + ")", opt);
    }

    /** The single-machine loop with each batch's gradient computed on the executors. Math: docs/math/dcec.md#pretraining */
    private void pretrainSynchronously(Autoencoder ae) throws IOException {
        Adam opt = new Adam(ae.module().parameters(), cfg.lr(), backend().kernels());
        int E = cfg.pretrainEpochs(), B = Math.min(cfg.batchSize(), N), batches = Batches.count(N, B);
        for (TrainingListener l : listeners) l.phaseStarted(Phase.PRETRAIN, 0, E);
        for (int epoch = 0; epoch < E; epoch++) {
            long t0 = System.nanoTime();
            Broadcast<int[]> perm = sc.broadcast(Batches.permutation(N, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, epoch)));
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                int from = Batches.start(b, B), to = Batches.end(b, N, B), nb = to - from;
                List<SynchronousGradients.Part> parts = SynchronousGradients.step(sc, data, cfg, ae, perm, from, to);
                opt.zeroGrad();
                // L_r of the whole batch: the partitions' shares added in partition order
                float l = (float) SynchronousGradients.gather(parts, ae, nb);
                if (!Float.isFinite(l)) throw diverged("pretraining", "epoch " + (epoch + 1) + ", batch " + (b + 1), l);
                opt.step();
                for (SynchronousGradients.Part p : parts) sum += p.lossSum();
                for (TrainingListener li : listeners) li.batchDone(Phase.PRETRAIN, epoch, b, batches, l);
            }
            perm.destroy(false);
            for (TrainingListener l : listeners) l.epochDone(epoch + 1, sum / N, (System.nanoTime() - t0) / 1e9);
        }
        checkState("pretraining", "the end of pretraining (epoch " + E + ")", opt);
    }

    // ------------------------------------------------------------------------------------ k-means
    /** μ ← the centres of MLlib's k-means on the embeddings of all N images; returns the table of the labels y⁰. */
    private TargetTable initialiseCentres(Autoencoder ae, ClusteringLayer layer) throws IOException {
        long t0 = System.nanoTime();
        for (TrainingListener l : listeners) l.phaseStarted(Phase.KMEANS, 0, 1);
        Broadcast<byte[]> encoder = sc.broadcast(new TrainedModel(cfg, C, H, W, ae, new float[K * ae.embeddingSize()]).toBytes());
        int Ke = ae.embeddingSize();
        // z_i = F(x_i), per block
        JavaRDD<float[]> z = data.blocks().map(x -> ExecutorState.model(encoder).features(x.x(), x.n(), SparkInference.BATCH))
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Vector> points = z.flatMap(zb -> {
            List<Vector> out = new ArrayList<>(zb.length / Ke);
            for (int i = 0; i < zb.length / Ke; i++) {
                double[] v = new double[Ke];
                for (int j = 0; j < Ke; j++) v[j] = zb[i * Ke + j];
                out.add(Vectors.dense(v));
            }
            return out.iterator();
        }).persist(StorageLevel.MEMORY_AND_DISK());
        KMeansModel[] restarts = new KMeansModel[cfg.kmeansRestarts()];
        double[] costs = new double[restarts.length];
        for (int r = 0; r < restarts.length; r++) {
            restarts[r] = new KMeans().setK(K).setMaxIterations(KMEANS_MAX_ITERATIONS).setInitializationMode(KMeans.K_MEANS_PARALLEL())
                    .setSeed(Seeds.derive(cfg.seed(), Seeds.KMEANS, r)).run(points.rdd());
            costs[r] = cost(points, restarts[r].clusterCenters());
        }
        KMeansModel km = restarts[bestRestart(costs)];
        // y⁰: MLlib's assignments; μ_j: the mean of cluster j, per partition in row order, partitions added in order
        JavaRDD<TargetTable.Rows> labels = data.blocks().zip(z).map(t -> {
            ImageBlock x = t._1();
            float[] zb = t._2();
            int[] y = new int[x.n()];
            for (int i = 0; i < x.n(); i++) {
                double[] v = new double[Ke];
                for (int j = 0; j < Ke; j++) v[j] = zb[i * Ke + j];
                y[i] = km.predict(Vectors.dense(v));
            }
            return new TargetTable.Rows(x.first(), x.n(), null, y, 0);
        }).persist(StorageLevel.MEMORY_AND_DISK());
        int k = K;
        List<double[]> sums = labels.zipPartitions(z, (rows, zs) -> {
            double[] s = new double[k * Ke + k];         // Σ z per cluster, then the counts
            while (rows.hasNext()) {
                TargetTable.Rows r = rows.next();
                float[] zb = zs.next();
                for (int i = 0; i < r.n(); i++) {
                    int j = r.labels()[i];
                    for (int d = 0; d < Ke; d++) s[j * Ke + d] += zb[i * Ke + d];
                    s[k * Ke + j]++;
                }
            }
            return List.of(s).iterator();
        }).collect();
        float[] mu = new float[K * Ke];
        double[] total = new double[K * Ke + K];
        for (double[] s : sums) for (int i = 0; i < total.length; i++) total[i] += s[i];
        for (int j = 0; j < K; j++) {
            double[] c = km.clusterCenters()[j].toArray();
            for (int d = 0; d < Ke; d++)
                mu[j * Ke + d] = (float) (total[K * Ke + j] > 0 ? total[j * Ke + d] / total[K * Ke + j] : c[d]);
        }
        layer.setCentres(mu);
        points.unpersist(false);
        z.unpersist(false);
        encoder.unpersist(false);          // not destroyed: the table of y⁰ has it in its lineage
        phaseDone(Phase.KMEANS, t0);
        return TargetTable.initial(labels, K);
    }

    /** MLlib's iteration cap, as dcec4j's k-means (scikit-learn's default). */
    static final int KMEANS_MAX_ITERATIONS = 300;

    /** Restarts whose costs lie within this relative distance of the lowest are ties: the first of them is kept. */
    static final double KMEANS_TIE = 1e-9;

    /**
     * The restart kept: the first whose cost is within {@link #KMEANS_TIE} of the lowest. Restarts that found the same
     * clusters (in another order) differ in cost only by rounding; an exact comparison let the rounding pick one, and
     * with it the clusters' numbering.
     */
    static int bestRestart(double[] costs) {
        double min = Double.POSITIVE_INFINITY;
        for (double c : costs) min = Math.min(min, c);
        for (int r = 0; r < costs.length; r++) if (costs[r] <= min + KMEANS_TIE * Math.abs(min)) return r;
        throw new IllegalArgumentException("no finite k-means cost among " + java.util.Arrays.toString(costs));
    }

    /**
     * Σ_i min_j ‖z_i − c_j‖², each partition's sum in row order and the partitions added in order: the same bits
     * however the tasks are scheduled (MLlib's own training cost adds its partial sums in the order the tasks finish).
     */
    static double cost(JavaRDD<Vector> points, Vector[] centres) {
        double[][] c = new double[centres.length][];
        for (int j = 0; j < c.length; j++) c[j] = centres[j].toArray();
        double total = 0;
        for (double part : points.mapPartitions(it -> {
            double s = 0;
            while (it.hasNext()) {
                double[] v = it.next().toArray();
                double nearest = Double.POSITIVE_INFINITY;
                for (double[] cj : c) {
                    double d = 0;
                    for (int t = 0; t < v.length; t++) d += (v[t] - cj[t]) * (v[t] - cj[t]);
                    nearest = Math.min(nearest, d);
                }
                s += nearest;
            }
            return List.of(s).iterator();
        }).collect()) total += part;
        return total;
    }

    // ------------------------------------------------------------------------------------ clustering
    /** Math: docs/math/dcec.md#kl */
    private Result cluster(Autoencoder ae, ClusteringLayer layer, TargetTable table, TrainedModel model) throws IOException {
        boolean keepDecoder = cfg.method().keepsDecoder;
        List<Tensor> params = new ArrayList<>(keepDecoder ? ae.module().parameters() : ae.encoderModule().parameters());
        params.add(layer.mu);
        Adam opt = new Adam(params, cfg.lr(), backend().kernels());   // a fresh optimiser, not the pretraining one
        int B = Math.min(cfg.batchSize(), N), batches = Batches.count(N, B), T = cfg.updateInterval();
        int it = 0, counted = 0;
        double sumL = 0, sumLc = 0, sumLr = 0;
        Map<Integer, TargetTable.Batch> ready = new HashMap<>();
        StepArena arena = new StepArena();      // each step reuses the previous step's activations and gradients
        Scores last = Scores.NONE;
        boolean converged = false;
        for (TrainingListener l : listeners) l.phaseStarted(Phase.CLUSTER, 0, cfg.maxIter());
        while (true) {
            if (it % T == 0 || it >= cfg.maxIter()) {
                // Math: docs/math/dcec.md#target-distribution  (Q over ALL N points, on the executors)
                TargetTable.Update u = table.recompute(sc, data, model.toBytes(), data.numClasses());
                table = u.table();
                double delta = (double) u.changed() / N;
                double n = counted == 0 ? Double.NaN : counted;
                Losses means = new Losses(sumL / n, sumLc / n, keepDecoder ? sumLr / n : Double.NaN);
                last = scores(u);
                sumL = sumLc = sumLr = 0;
                counted = 0;
                for (TrainingListener l : listeners) l.targetUpdated(it, delta, last, means);
                // Math: docs/math/dcec.md#stop-rule
                if (it > 0 && delta < cfg.tol()) { converged = true; break; }
                if (it >= cfg.maxIter()) break;
                // the batches of iterations it … next update − 1, collected in one job
                int until = Math.min((it / T + 1) * T, cfg.maxIter());
                BitSet wanted = new BitSet(batches);
                for (int t = it; t < until && wanted.cardinality() < batches; t++) wanted.set(Batches.orderedBatch(t, N, B));
                ready.clear();
                for (TargetTable.Batch b : table.batches(data, u.f(), wanted, B)) ready.put(b.index(), b);
            }
            int b = Batches.orderedBatch(it, N, B);
            TargetTable.Batch batch = ready.get(b);
            int nb = batch.n();
            Tensor xt = Tensor.of(batch.x(), nb, C, H, W);
            Losses step = ClusteringStep.run(arena, ae, layer, opt, xt, batch.p(), nb, K, keepDecoder, cfg.gamma());
            float l = (float) step.L();
            if (!Float.isFinite(l)) throw diverged("clustering", "iteration " + it, l);
            sumL += l; sumLc += step.Lc(); sumLr += step.Lr(); counted++;
            for (TrainingListener li : listeners) li.batchDone(Phase.CLUSTER, it, b, batches, l);
            it++;
        }
        checkUsable("clustering", "the end of clustering (iteration " + it + ")", ae, layer);
        checkState("clustering", "the end of clustering (iteration " + it + ")", opt);
        return new Result(model, last, it, converged, seconds, table, data);
    }

    // ------------------------------------------------------------------------------------ outputs
    private Scores scores(TargetTable.Update u) {
        if (u.contingency() == null) return Scores.NONE;
        // Scores.of takes label arrays: rebuild (class, cluster) pairs from the counts (the scores depend on the counts only)
        long[][] c = u.contingency();
        int[] truth = new int[N], pred = new int[N];
        int i = 0;
        for (int a = 0; a < c.length; a++)
            for (int j = 0; j < c[a].length; j++)
                for (long m = 0; m < c[a][j]; m++, i++) { truth[i] = a; pred[i] = j; }
        return Scores.of(truth, pred);
    }

    private void phaseDone(Phase phase, long t0) {
        seconds.put(phase, (System.nanoTime() - t0) / 1e9);
        for (TrainingListener l : listeners) l.phaseDone(phase, seconds.get(phase));
    }

    /**
     * {@link UsableState#check} on the first images of the data (the losses are computed before each update, so a last
     * update that overflowed shows only here): a TrainingDivergedException naming {@code where} when it finds a problem.
     */
    private void checkUsable(String phase, String where, Autoencoder ae, ClusteringLayer layer) {
        ImageBlock first = data.blocks().first();
        int nb = Math.min(first.n(), Math.min(cfg.batchSize(), N));
        UsableState.Problem p = UsableState.check(ae, layer, cfg.alpha(), Tensor.of(java.util.Arrays.copyOf(first.x(), nb * D), nb, C, H, W));
        if (p != null) throw diverged(phase, where + " (" + p.what() + ")", p.value());
    }

    /**
     * {@link UsableState#checkState} of the phase's Adam, as the single-machine trainer checks it: a squared gradient
     * beyond float32's range (data of about 1e10) makes v infinite while the weights and the loss stay finite, and the
     * parameters stop moving without a word.
     */
    private void checkState(String phase, String where, Adam opt) {
        UsableState.Problem p = UsableState.checkState(opt, "adam.");
        if (p != null) throw diverged(phase, where + " (" + p.what() + ")", p.value());
    }

    private TrainingDivergedException diverged(String phase, String where, float value) {
        return new TrainingDivergedException(String.format(Locale.ROOT,
                "the %s loss became %s at %s: training stopped. Lower the learning rate (now %s)%s or check the images.",
                phase, Float.isNaN(value) ? "NaN" : "infinite", where, cfg.lr(),
                // the clustering loss of a method that keeps its decoder is L_r + γ·L_c: γ can be the cause too
                phase.equals("clustering") && cfg.method().keepsDecoder
                        ? String.format(Locale.ROOT, ", the clustering loss's weight gamma (now %s),", cfg.gamma()) : ""));
    }
}
