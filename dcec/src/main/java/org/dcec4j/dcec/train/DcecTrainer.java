package org.dcec4j.dcec.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dcec4j.dcec.Cancellation;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.cluster.KMeans;
import org.dcec4j.dcec.cluster.KMeansResult;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.train.Checkpoint.ClusterState;
import org.dcec4j.dcec.train.TrainingListener.Losses;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.augment.RandomAffine;
import org.dcec4j.datasets.augment.RandomAffinePool;
import org.dcec4j.engine.StepArena;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.optim.Optimizer;

/**
 * Runs DCEC (and the paper's comparison methods) on one data set:
 * <ol>
 *   <li>pretraining: Adam (or the configured optimiser) on L_r = MSE(G(F(x)), x), a fresh seeded shuffle every epoch;</li>
 *   <li>centre initialisation: k-means (k-means++, restarts, lowest inertia) on the embeddings of all N images;</li>
 *   <li>clustering: a fresh Adam (or the configured optimiser) over the network and μ on L = L_r + γ·L_c (L_c alone for DEC-style
 *       methods), batches in order with a short last one, P recomputed from all data at iteration 0 and
 *       every T iterations, stop when fewer than tol of the labels changed (never at iteration 0), at
 *       most maxIter iterations.</li>
 * </ol>
 * The trainer writes no files: listeners do ({@code RunFolder} keeps a run's logs, weights, checkpoints,
 * model and predictions). Every checkpointEvery epochs/iterations it hands them a {@link Checkpoint};
 * {@link #resumeFrom} continues from one bit for bit, since every random choice is re-derived from
 * (seed, stream, epoch) by {@link Seeds}.
 *
 * <p>Math: docs/math/dcec.md#loop
 */
public final class DcecTrainer {
    private final DcecConfig cfg;
    private final Dataset data;
    private final float[] x;
    private final int N, C, H, W, D, K;
    private final List<TrainingListener> listeners = new ArrayList<>();
    /** Null until set: the JVM-wide shared backend is made only when a run needs one and none was given. */
    private Backend backend;
    private Cancellation cancellation = Cancellation.none();
    private final Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
    private Checkpoint.Stored resume;
    private Path pretrained;
    private boolean pretrainOnly;
    private String lastCheckpoint = "none written yet";
    /** The random transforms of the data-augmented methods (null for the others), for the length of a run. */
    private RandomAffinePool augment;

    /**
     * Checks everything that can be checked before any work and throws an IllegalArgumentException
     * that names the option to change.
     */
    public DcecTrainer(DcecConfig cfg, Dataset data) {
        this.cfg = cfg.validate();
        this.data = data;
        this.x = data.images();
        this.N = data.size(); this.C = data.channels(); this.H = data.height(); this.W = data.width();
        this.D = C * H * W; this.K = cfg.K();
        if (K > N)
            throw new ConfigException("{clusters} " + K + " is larger than the number of images (" + N + " in " + ConfigException.quote(data.name())
                    + "): lower {clusters} or use more images");
        if (cfg.method().network == Method.Network.CONV) ConvAutoencoder.check(C, H, W, K, cfg.filters());
        checkSizes(cfg, N, C, H, W);
        if (data.hasLabels()) {
            // the scores (ACC's assignment problem) need the classes × clusters table densely: past the limit they failed
            // at the first scoring, after the whole pretraining
            long classes = java.util.Arrays.stream(data.labels()).distinct().count();
            if (classes * K > org.dcec4j.dcec.metrics.Contingency.MAX_DENSE_CELLS)
                throw new ConfigException("{clusters} " + K + " with the " + classes + " classes of " + ConfigException.quote(data.name()) + "'s labels: scoring"
                        + " the clusters (ACC) needs a table of " + classes * K + " cells, more than " + org.dcec4j.dcec.metrics.Contingency.MAX_DENSE_CELLS
                        + ": lower {clusters}, or cluster the images without labels (an image folder with the images directly in it)");
        }
    }

    /**
     * Refuses, naming the setting, a configuration one of whose arrays would exceed what a Java array holds
     * (2³¹ − 1 elements): the weights and activations of a mini-batch in the autoencoder, the centres (K × K, the
     * embedding having K dimensions; K × C·H·W for k-means on the pixels) and the N × K embeddings and soft
     * assignments. Counted in longs, before any
     * file is written; without it the first such tensor failed deep inside the run, after the run folder had been
     * started (and the centres only after the whole pretraining).
     */
    public static void checkSizes(DcecConfig cfg, int N, int C, int H, int W) {
        long K = cfg.K(), B = Math.min(cfg.batchSize(), N);
        // a mini-batch's images: within one array whenever the whole set is (one machine), not so for dcec-spark's sets
        fits(B * C * H * W, "{batchSize} " + B + " of " + C + "x" + H + "x" + W + " images", "{batchSize}");
        fits((long) N * K, "the " + N + " × " + K + " embeddings and soft assignments", "{clusters}");
        long E = cfg.method().network == Method.Network.NONE ? (long) C * H * W : K;   // k-means alone clusters the pixels
        fits(K * E, "the " + K + " × " + E + " cluster centres", "{clusters}");
        if (cfg.method().network == Method.Network.CONV) {
            int[] f = cfg.filters();
            long[] a = ConvAutoencoder.activationSizes(H, W, f);
            long flat = a[2];
            String filters = "{filters} " + join(f);
            fits((long) f[0] * C * 25, filters + " makes conv1's weights", "{filters}");
            fits((long) f[1] * f[0] * 25, filters + " makes conv2's weights", "{filters}");
            fits((long) f[2] * f[1] * 9, filters + " makes conv3's weights", "{filters}");
            fits(flat * K, filters + " makes the embedding layer's weights", "{filters}");
            fits(B * a[0], filters + " with {batchSize} " + B + " makes conv1's output", "{filters} or {batchSize}");
            fits(B * a[1], filters + " with {batchSize} " + B + " makes conv2's output", "{filters} or {batchSize}");
            fits(B * flat, filters + " with {batchSize} " + B + " makes conv3's output", "{filters} or {batchSize}");
        } else if (cfg.method().network == Method.Network.DENSE) {
            int[] dims = cfg.denseDims();
            long in = (long) C * H * W;
            String denseDims = "{denseDims} " + join(dims);
            for (int l = 0; l <= dims.length; l++) {
                long out = l < dims.length ? dims[l] : K;
                fits(in * out, denseDims + " makes the weights of dense layer " + (l + 1), "{denseDims}");
                fits(B * out, denseDims + " with {batchSize} " + B + " makes the output of dense layer " + (l + 1),
                        "{denseDims} or {batchSize}");
                in = out;
            }
        }
    }

    /**
     * The most bytes of a file a run writes ({@link org.dcec4j.engine.io.TensorFile} builds and reads a file in one byte
     * array, 2³¹ − 17 bytes at most), less 1 MB for the tensors' names and the metadata.
     */
    static final long MAX_FILE_BYTES = org.dcec4j.engine.io.TensorFile.MAX_BYTES - (1 << 20);

    /**
     * Refuses, naming the settings, a configuration whose model file (model.dc4j, which also bounds the pretrained
     * weights' file) or, when checkpoints are on, whose checkpoint would be larger than a tensor file can be. Each
     * weight tensor fitting an array ({@link #checkSizes}) did not make the file fit one: a run folder's weights failed
     * to be written only after the whole pretraining ("tensor file too large: 2182049412 bytes" for {clusters} 32 on
     * 1×2048×2048 images). A checkpoint holds the model, the optimiser's state (Adam 2 values a parameter, SGD 1) and
     * in clustering P [N, K] and the labels. Called by whatever writes or ships the files ({@code RunFolder}, the
     * distributed trainer), not by a fit that keeps its model in memory. Checks {@link #checkSizes} first.
     */
    public static void checkFileSizes(DcecConfig cfg, int N, int C, int H, int W) {
        checkSizes(cfg, N, C, H, W);     // first the arrays, each of which then fits an int: the sums below do not overflow
        long K = cfg.K(), D = (long) C * H * W;
        long[] p = parameters(cfg, C, H, W);
        long all = p[0], encoder = p[1];
        Method.Network net = cfg.method().network;
        String geometry = "on " + C + "x" + H + "x" + W + " images";
        String lower = net == Method.Network.CONV ? "{clusters} or {filters}, or use smaller images"
                : net == Method.Network.DENSE ? "{clusters} or {denseDims}, or use smaller images" : "{clusters}, or use smaller images";
        String model = net == Method.Network.CONV ? "{filters} " + join(cfg.filters()) + " and {clusters} " + K
                : net == Method.Network.DENSE ? "{denseDims} " + join(cfg.denseDims()) + " and {clusters} " + K : "{clusters} " + K;
        long modelFloats = all + K * (net == Method.Network.NONE ? D : K);
        fitsFile(4 * modelFloats, model + " " + geometry + " make a model file (model.dc4j) of ", lower);
        if (cfg.checkpointEvery() > 0 && net != Method.Network.NONE) {
            long pretrain = cfg.method().pretrains ? all * (1 + stateValues(cfg.pretrainOptimizer())) : 0;
            long trained = (cfg.method().keepsDecoder ? all : encoder) + K * K;
            long cluster = cfg.method().clusters ? all + K * K + trained * stateValues(cfg.clusterOptimizer()) + (long) N * K + N : 0;
            fitsFile(4 * Math.max(pretrain, cluster), model + " " + geometry + " make a checkpoint (checkpoint.dc4j) of ",
                    lower + ", or write no checkpoints ({checkpointEvery} 0)");
        }
    }

    private static void fitsFile(long bytes, String what, String lower) {
        if (bytes > MAX_FILE_BYTES)
            throw new ConfigException(what + String.format(java.util.Locale.ROOT, "%,d", bytes) + " bytes, more than a dcec4j tensor file holds ("
                    + String.format(java.util.Locale.ROOT, "%,d", MAX_FILE_BYTES) + "): lower " + lower);
    }

    /** Optimiser state a checkpoint stores per parameter: Adam's m and v, SGD's momentum buffer. */
    private static long stateValues(OptimizerSpec o) { return o.kind() == OptimizerSpec.Kind.ADAM ? 2 : 1; }

    /**
     * The autoencoder's parameters for C×H×W images, weights and biases, counted without building it:
     * {all, the encoder's}; {0, 0} for k-means on the pixels.
     */
    static long[] parameters(DcecConfig cfg, int C, int H, int W) {
        if (cfg.method().network == Method.Network.NONE) return new long[] {0, 0};
        return new long[] {Autoencoder.parameterCount(cfg, C, H, W), Autoencoder.encoderParameterCount(cfg, C, H, W)};
    }

    private static String join(int[] v) {
        return java.util.Arrays.stream(v).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    private static void fits(long elements, String what, String lower) {
        if (elements > Integer.MAX_VALUE)
            throw new ConfigException(what + " hold " + String.format(java.util.Locale.ROOT, "%,d", elements)
                    + " elements, more than a Java array holds (2,147,483,647): lower " + lower);
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public DcecTrainer listener(TrainingListener l) { listeners.add(l); return this; }

    /** The kernels and threads every phase runs on (default: {@link Backend#shared()}). */
    public DcecTrainer backend(Backend b) { this.backend = java.util.Objects.requireNonNull(b, "backend"); return this; }

    /** The backend the run uses. */
    public Backend backend() { return backend != null ? backend : Backend.shared(); }

    /**
     * Stops the run at the next mini-batch boundary when {@code c} is cancelled or the running thread is
     * interrupted, with a {@link java.util.concurrent.CancellationException}; checkpoints already handed to the
     * listeners stay as they are.
     */
    public DcecTrainer cancellation(Cancellation c) { this.cancellation = java.util.Objects.requireNonNull(c, "cancellation"); return this; }

    /**
     * Continue from a checkpoint of a killed run with the same config and data. A pretraining's checkpoint cannot be
     * continued by a run that starts from {@link #pretrainedWeights} (it would pretrain again and ignore them), nor a
     * clustering run's by {@link #pretrainOnly} (there is no pretraining left to do): both are refused.
     */
    public DcecTrainer resumeFrom(Checkpoint.Stored checkpoint) {
        checkResumeKind(checkpoint);
        this.resume = checkpoint;
        // the last good checkpoint until the run writes one: a divergence before that said "none written yet"
        if (checkpoint != null)
            lastCheckpoint = checkpoint.source() + " (" + checkpoint.phase().id + ", "
                    + (checkpoint.phase() == Phase.PRETRAIN ? "epoch " : "iteration ") + checkpoint.step() + ")";
        return this;
    }

    /** The refusals of {@link #resumeFrom}, checked there and again when the run starts (the setters may come in any order). */
    private void checkResumeKind(Checkpoint.Stored resume) {
        if (resume != null && pretrained != null && resume.phase() == Phase.PRETRAIN)
            throw new ConfigException("{resume}: the checkpoint is a pretraining's (after epoch " + resume.step()
                    + "), and {pretrainedWeights} skips pretraining: continue the pretraining first (pretrain with {resume}), "
                    + "then cluster from its weights without {resume}");
        if (resume != null && pretrainOnly && resume.phase() == Phase.CLUSTER)
            throw new ConfigException("{resume}: the checkpoint is a clustering run's (after iteration " + resume.step()
                    + "), which has no pretraining left: continue it with the command that started it (train or cluster with {resume})");
    }

    /** Skip pretraining: start from these autoencoder weights (the `cluster` command). */
    public DcecTrainer pretrainedWeights(Path weights) {
        if (weights != null && !Files.isRegularFile(weights))
            throw new ConfigException("{pretrainedWeights}: no file at " + ConfigException.quote(weights) + " (pass the weights file that a pretraining wrote)");
        if (weights != null && !cfg.method().pretrains)
            throw new ConfigException("{pretrainedWeights}: method " + cfg.method() + " has no autoencoder");
        if (weights != null) {
            // read them now, before anything is written: wrong shapes or NaN fail here, naming the file
            try {
                Autoencoder.create(cfg, C, H, W, 0).loadPretrained(TensorFile.read(weights), weights.toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        this.pretrained = weights;
        return this;
    }

    /** Stop after pretraining (the `pretrain` command). */
    public DcecTrainer pretrainOnly(boolean on) { this.pretrainOnly = on; return this; }

    // ------------------------------------------------------------------------------------------ run
    /** Math: docs/math/dcec.md#loop */
    public DcecResult run() throws IOException {
        if (!cfg.method().augments) return runAlgorithm();
        try (RandomAffinePool pool = new RandomAffinePool(RandomAffine.decDa(), backend().threads())) {
            augment = pool;
            return runAlgorithm();
        } finally {
            augment = null;
        }
    }

    private DcecResult runAlgorithm() throws IOException {
        checkResumeKind(resume);
        for (TrainingListener l : listeners) l.runStarted(backend());
        if (cfg.method() == Method.KMEANS) return kmeansOnPixels();
        Phase resumeAt = resume == null ? null : resume.phase();
        Autoencoder ae = Autoencoder.create(cfg, C, H, W, Seeds.derive(cfg.seed(), Seeds.WEIGHTS, 0));
        ae.module().use(backend());

        // 1. pretraining: θ ← Adam (or the configured optimiser) on L_r = mean (G(F(x)) − x)²
        if (pretrained != null && resumeAt == null) {
            ae.module().load(pretrained);
        } else if (resumeAt != Phase.CLUSTER) {
            long t0 = System.nanoTime();
            pretrain(ae);
            for (TrainingListener l : listeners) l.pretrained(ae);
            phaseDone(Phase.PRETRAIN, t0);
        }
        if (pretrainOnly) return new DcecResult(null, null, Scores.NONE, null, 0, false, seconds);

        // 2. centre initialisation: μ ← k-means(F(x_1..x_N)), labels y⁰ (a resumed clustering phase has its own μ)
        ClusteringLayer layer = new ClusteringLayer(K, ae.embeddingSize(), cfg.alpha());
        int[] y0 = resumeAt == Phase.CLUSTER ? null : initialiseCentres(ae, layer);
        TrainedModel model = new TrainedModel(cfg, C, H, W, ae, layer.mu.data);
        if (!cfg.method().clusters) return finish(model, y0, model.softAssign(x, N, cfg.batchSize()), 0, false);

        // 3. clustering: Adam' on L = L_r + γ·L_c, P recomputed every T iterations, until δ < tol or maxIter
        long t0 = System.nanoTime();
        ClusterOutcome c = cluster(ae, layer, y0);
        phaseDone(Phase.CLUSTER, t0);
        return finish(model, c.labels, c.q, c.iterations, c.converged);
    }

    // ------------------------------------------------------------------------------------ pretraining
    /** Math: docs/math/dcec.md#pretraining */
    private void pretrain(Autoencoder ae) throws IOException {
        Optimizer opt = optimizer(cfg, Phase.PRETRAIN, ae, null, backend().kernels());
        int first = 0;
        if (resume != null && resume.phase() == Phase.PRETRAIN) {
            resume.restore(ae, opt, null);
            first = resume.step();
        }
        int E = cfg.pretrainEpochs(), B = Math.min(cfg.batchSize(), N);
        // the augmented pretraining (DEC-DA) takes ⌊N/B⌋ full batches per epoch: the reference's step count
        // (fit_generator's steps_per_epoch = ⌊N/B⌋); docs/math/augmentation.md#training says how its batches differ
        int batches = augment != null ? N / B : Batches.count(N, B);
        StepArena arena = new StepArena();      // each step reuses the previous step's activations and gradients
        float[] full = new float[B * D], tail = new float[(N - (batches - 1) * B) * D];
        float[] transformed = augment != null ? new float[B * D] : null;
        int[] rows = augment != null ? new int[B] : null;
        long augmentSeed = Seeds.derive(cfg.seed(), Seeds.AUGMENT_PRETRAIN, 0);
        for (TrainingListener l : listeners) l.phaseStarted(Phase.PRETRAIN, first, E);
        for (int epoch = first; epoch < E; epoch++) {
            long t0 = System.nanoTime();
            int[] perm = Batches.permutation(N, Seeds.rng(cfg.seed(), Seeds.SHUFFLE, epoch));
            double sum = 0;
            long trained = 0;       // N, or ⌊N/B⌋·B with augmentation: the epoch's loss is the mean over the images trained
            for (int b = 0; b < batches; b++) {
                cancellation.check("pretraining, epoch " + (epoch + 1) + ", batch " + (b + 1));
                int from = Batches.start(b, B), to = Batches.end(b, N, B), nb = to - from;
                float[] buf = nb == B ? full : tail;
                Batches.gather(buf, x, D, perm, from, to);
                Tensor xb = Tensor.of(buf, nb, C, H, W);
                if (augment != null) {
                    // x̃ = a random rotation and shift of each image, drawn from (seed, epoch, image index); x̃ is also the target
                    System.arraycopy(perm, from, rows, 0, nb);
                    augment.apply(transformed, buf, nb, C, H, W, augmentSeed, epoch, rows);
                    xb = Tensor.of(transformed, nb, C, H, W);
                }
                // L_r = (1/(B·C·H·W)) Σ (G(F(x)) − x)², then backward and the optimiser's step
                float l = PretrainingStep.run(arena, ae, opt, xb);
                if (!Float.isFinite(l) && trained == 0 && epoch == first)
                    // the loss of the weights the phase started with, before any update of this run: not the learning rate
                    throw new TrainingDivergedException(String.format(Locale.ROOT, "the pretraining loss was %s at epoch %d, "
                            + "batch 1, before any update: the learning rate is not the cause. Check the scale of the data "
                            + "(a squared error of values beyond about 1.8e19 overflows float32) or the weights the run started from.",
                            Float.isNaN(l) ? "NaN" : "infinite", epoch + 1));
                if (!Float.isFinite(l)) throw diverged(Phase.PRETRAIN, "epoch " + (epoch + 1) + ", batch " + (b + 1), l);
                sum += (double) l * nb;
                trained += nb;
                for (TrainingListener li : listeners) li.batchDone(Phase.PRETRAIN, epoch, b, batches, l);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            for (TrainingListener l : listeners) l.epochDone(epoch + 1, sum / trained, secs);
            if (checkpointDue(epoch + 1) || (cfg.checkpointEvery() > 0 && epoch + 1 == E))   // and after the last epoch
                checkpoint(new Checkpoint(Phase.PRETRAIN, epoch + 1, ae, opt, null, null));
        }
        checkUsable(Phase.PRETRAIN, "the end of pretraining (epoch " + E + ")", ae, null, opt);
    }

    // ------------------------------------------------------------------------------------ k-means
    /** μ ← the k-means centres of the embeddings of all N images; returns the k-means labels y⁰. */
    private int[] initialiseCentres(Autoencoder ae, ClusteringLayer layer) throws IOException {
        long t0 = System.nanoTime();
        for (TrainingListener l : listeners) l.phaseStarted(Phase.KMEANS, 0, 1);
        cancellation.check("centre initialisation");
        float[] z = Inference.embed(ae, x, N, cfg.batchSize(), cancellation, "centre initialisation");
        for (int i = 0; i < z.length; i++)
            if (!Float.isFinite(z[i])) {
                String image = "image " + i / ae.embeddingSize();
                if (pretrained != null)
                    throw new org.dcec4j.engine.io.TensorFile.FormatException(pretrained + ": these weights give a non-finite embedding ("
                            + z[i] + ") of " + image + "; expected weights from a pretraining that ended normally");
                throw diverged(Phase.PRETRAIN, "the embedding of " + image + " before k-means", z[i]);
            }
        KMeansResult km = kmeans(z, ae.embeddingSize());
        layer.setCentres(km.centresAsFloat());
        phaseDone(Phase.KMEANS, t0);
        return km.labels().clone();
    }

    /**
     * k-means has no batches: its restarts poll the run's cancellation themselves (each k-means++ step and Lloyd
     * iteration), and a cancel that came while they ran ends the run here, not with the model of a cancelled fit.
     */
    private KMeansResult kmeans(float[] points, int dims) {
        return new KMeans(K).withRestarts(cfg.kmeansRestarts()).withSeed(Seeds.derive(cfg.seed(), Seeds.KMEANS, 0))
                .withThreads(backend().threads()).fit(points, N, dims, cancellation);
    }

    private DcecResult kmeansOnPixels() throws IOException {
        long t0 = System.nanoTime();
        for (TrainingListener l : listeners) l.phaseStarted(Phase.KMEANS, 0, 1);
        cancellation.check("k-means on the pixels");
        KMeansResult km = kmeans(x, D);
        phaseDone(Phase.KMEANS, t0);
        float[] mu = km.centresAsFloat();
        TrainedModel model = new TrainedModel(cfg, C, H, W, null, mu);
        return finish(model, km.labels().clone(), Inference.softAssign(x, N, D, mu, K, cfg.alpha()), 0, false);
    }

    // ------------------------------------------------------------------------------------ clustering
    private record ClusterOutcome(int[] labels, float[] q, int iterations, boolean converged) {}

    /** Math: docs/math/dcec.md#kl */
    private ClusterOutcome cluster(Autoencoder ae, ClusteringLayer layer, int[] y0) throws IOException {
        boolean keepDecoder = cfg.method().keepsDecoder;
        Optimizer opt = optimizer(cfg, Phase.CLUSTER, ae, layer, backend().kernels());
        int Ke = ae.embeddingSize();
        float[] p = new float[N * K];
        int[] previous = y0, current = new int[N];        // as in the reference: the first δ compares with the k-means labels
        int it = 0;
        double sumL = 0, sumLc = 0, sumLr = 0;
        int counted = 0;
        if (resume != null && resume.phase() == Phase.CLUSTER) {
            resume.restore(ae, opt, layer);
            ClusterState s = resume.clusterState();
            it = resume.step();
            System.arraycopy(s.p(), 0, p, 0, N * K);
            previous = s.previousLabels().clone();
            sumL = s.sumL(); sumLc = s.sumLc(); sumLr = s.sumLr(); counted = s.counted();
        }
        int B = Math.min(cfg.batchSize(), N), batches = Batches.count(N, B), T = cfg.updateInterval();
        StepArena arena = new StepArena();      // each step reuses the previous step's activations and gradients
        float[] xFull = new float[B * D], pFull = new float[B * K];
        int tailN = N - (batches - 1) * B;
        float[] xTail = new float[tailN * D], pTail = new float[tailN * K];
        float[] transformed = augment != null ? new float[B * D] : null, transformedTail = augment != null ? new float[tailN * D] : null;
        long augmentSeed = Seeds.derive(cfg.seed(), Seeds.AUGMENT_CLUSTER, 0);
        float[] q = null;
        boolean converged = false;
        for (TrainingListener l : listeners) l.phaseStarted(Phase.CLUSTER, it, cfg.maxIter());
        while (true) {
            cancellation.check("clustering, iteration " + it);
            if (it % T == 0 || it >= cfg.maxIter()) {
                // Math: docs/math/dcec.md#target-distribution  (Q and P over ALL N points)
                q = Inference.softAssign(Inference.embed(ae, x, N, cfg.batchSize(), cancellation, "clustering, iteration " + it + " (the target update)"),
                        N, Ke, layer.mu.data, K, cfg.alpha());
                for (int i = 0; i < q.length; i++)
                    if (!Float.isFinite(q[i])) throw diverged(Phase.CLUSTER, "iteration " + it + " (the soft assignment of image " + i / K + ")", q[i]);
                TargetDistribution.argmax(current, q, N, K);
                double delta = TargetDistribution.changedFraction(previous, current);
                TargetDistribution.compute(p, q, N, K);
                double n = counted == 0 ? Double.NaN : counted;
                Losses means = new Losses(sumL / n, sumLc / n, keepDecoder ? sumLr / n : Double.NaN);
                Scores s = Scores.of(data.labels(), current);
                sumL = sumLc = sumLr = 0;
                counted = 0;
                int[] t = previous; previous = current; current = t;
                for (TrainingListener l : listeners) l.targetUpdated(it, delta, s, means);
                // Math: docs/math/dcec.md#stop-rule
                if (it > 0 && delta < cfg.tol()) { converged = true; break; }
                if (it >= cfg.maxIter()) break;
            }
            int b = Batches.orderedBatch(it, N, B);
            int from = Batches.start(b, B), nb = Batches.end(b, N, B) - from;
            float[] xb = nb == B ? xFull : xTail, pb = nb == B ? pFull : pTail;
            System.arraycopy(x, from * D, xb, 0, nb * D);
            System.arraycopy(p, from * K, pb, 0, nb * K);
            Tensor xt = Tensor.of(xb, nb, C, H, W);
            if (augment != null) {
                // the batch is trained on x̃ (a random transform from (seed, iteration, image index)); P came from the clean images
                float[] xtb = nb == B ? transformed : transformedTail;
                augment.apply(xtb, xb, nb, C, H, W, augmentSeed, it, from);
                xt = Tensor.of(xtb, nb, C, H, W);
            }
            Losses step = ClusteringStep.run(arena, ae, layer, opt, xt, pb, nb, K, keepDecoder, cfg.gamma());
            float l = (float) step.L();
            if (!Float.isFinite(l)) throw diverged(Phase.CLUSTER, "iteration " + it, l);
            sumL += l; sumLc += step.Lc(); sumLr += step.Lr(); counted++;
            for (TrainingListener li : listeners) li.batchDone(Phase.CLUSTER, it, b, batches, l);
            it++;
            if (checkpointDue(it))
                checkpoint(new Checkpoint(Phase.CLUSTER, it, ae, opt, layer, new ClusterState(p, previous, sumL, sumLc, sumLr, counted)));
        }
        checkUsable(Phase.CLUSTER, "the end of clustering (iteration " + it + ")", ae, layer, opt);
        return new ClusterOutcome(previous, q, it, converged);
    }

    // ------------------------------------------------------------------------------------ checkpoints
    /**
     * A fresh optimiser of a phase over the parameters it trains: in pretraining the whole autoencoder; in clustering a
     * new one (not the pretraining's; Adam by default, as the reference) over the network, or its encoder alone for the
     * methods that drop the decoder, and the centres μ of {@code layer}. The trainer and a check of a checkpoint's
     * optimiser state before a resume ({@code RunFolder.readCheckpoint}) both make it here, so both see the same list.
     */
    public static Optimizer optimizer(DcecConfig cfg, Phase phase, Autoencoder ae, ClusteringLayer layer,
                                      org.dcec4j.engine.kernels.Kernels kernels) {
        if (phase == Phase.PRETRAIN) return cfg.pretrainOptimizer().create(ae.module().parameters(), cfg.lr(), kernels);
        List<Tensor> params = new ArrayList<>(cfg.method().keepsDecoder ? ae.module().parameters() : ae.encoderModule().parameters());
        params.add(layer.mu);
        return cfg.clusterOptimizer().create(params, cfg.lr(), kernels);
    }

    private boolean checkpointDue(int counter) {
        int every = cfg.checkpointEvery();
        return every > 0 && counter % every == 0;
    }

    /** Hands a checkpoint to the listeners after checking that its state is usable ({@link UsableState}: a bad state never replaces a good one). */
    private void checkpoint(Checkpoint state) throws IOException {
        String counter = (state.phase() == Phase.PRETRAIN ? "epoch " : "iteration ") + state.step();
        checkUsable(state.phase(), counter, state.ae(), state.layer(), state.optimizer());
        for (TrainingListener l : listeners) {
            Path file = l.checkpoint(state);
            if (file == null) continue;
            lastCheckpoint = file + " (" + state.phase().id + ", " + counter + ")";
            for (TrainingListener other : listeners) other.checkpointWritten(state.phase(), state.step(), file);
        }
    }

    /**
     * {@link UsableState#check} on the first batch, then {@link UsableState#checkState} of the phase's optimiser (named
     * as the checkpoint names its state): a TrainingDivergedException naming {@code where} when either finds a problem.
     */
    private void checkUsable(Phase phase, String where, Autoencoder ae, ClusteringLayer layer, Optimizer optimizer) {
        int nb = Math.min(cfg.batchSize(), N);
        UsableState.Problem p = UsableState.check(ae, layer, cfg.alpha(), Tensor.of(java.util.Arrays.copyOf(x, nb * D), nb, C, H, W));
        if (p == null)
            p = UsableState.checkState(optimizer, (phase == Phase.PRETRAIN ? cfg.pretrainOptimizer() : cfg.clusterOptimizer()).statePrefix());
        if (p != null) throw diverged(phase, where + " (" + p.what() + ")", p.value());
    }

    private TrainingDivergedException diverged(Phase phase, String where, float value) {
        return new TrainingDivergedException(String.format(Locale.ROOT,
                "the %s loss became %s at %s: training stopped. Last good checkpoint: %s. "
                        + "Lower the learning rate (now %s)%s or check the images; a run with checkpoints can resume from the last one.",
                phase == Phase.PRETRAIN ? "pretraining" : "clustering", Float.isNaN(value) ? "NaN" : "infinite", where,
                lastCheckpoint, rateOf(phase), gammaAdvice(phase)));
    }

    /** In the clustering phase of a method that keeps its decoder, the loss is L_r + γ·L_c: γ can be the cause too. */
    private String gammaAdvice(Phase phase) {
        return phase == Phase.CLUSTER && cfg.method().keepsDecoder
                ? String.format(Locale.ROOT, ", the clustering loss's weight gamma (now %s),", cfg.gamma()) : "";
    }

    /** The learning rate of a phase's optimiser, as the diverged message names it. */
    private String rateOf(Phase phase) {
        OptimizerSpec o = phase == Phase.PRETRAIN ? cfg.pretrainOptimizer() : cfg.clusterOptimizer();
        return o.kind() == OptimizerSpec.Kind.ADAM ? Float.toString(cfg.lr()) : o.lr() + ", " + o;
    }

    // ------------------------------------------------------------------------------------ outputs
    private void phaseDone(Phase phase, long t0) {
        seconds.put(phase, (System.nanoTime() - t0) / 1e9);
        for (TrainingListener l : listeners) l.phaseDone(phase, seconds.get(phase));
    }

    private DcecResult finish(TrainedModel model, int[] labels, float[] q, int iterations, boolean converged) throws IOException {
        DcecResult r = new DcecResult(labels, q, Scores.of(data.labels(), labels), model, iterations, converged, seconds);
        for (TrainingListener l : listeners) l.runFinished(r);
        return r;
    }
}
