package org.dcec4j.dcec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.nn.Init;

/**
 * Deep Convolutional Embedded Clustering (Guo et al., ICONIP 2017) as a library: configure once, then
 * {@link #fit} data to get a {@link DcecModel} that predicts clusters of new images.
 *
 * <pre>{@code
 * try (Backend backend = Backend.create(Backend.Kind.AUTO, 2)) {
 *     Dcec dcec = Dcec.builder().clusters(10).pretrainEpochs(200).seed(0).backend(backend).build();
 *     DcecModel model = dcec.fit(images, n, 1, 28, 28);      // float[] NCHW, values in [0, 1]
 *     int[] clusters = model.predict(newImages, m);
 * }
 * }</pre>
 *
 * <p>Every hyper-parameter defaults to the paper's reference value ({@link DcecConfig#defaults()}). The
 * method can be any of the paper's comparison table ({@link Method}); {@link Method#DEC} and
 * {@link Method#IDEC} cluster plain feature vectors too ({@link #fitVectors}). A fit is deterministic: the
 * same seed gives the same model, bit for bit, on any machine, kernel width and thread count.
 *
 * <p>An instance is immutable and may be used from several threads; each {@code fit} runs on the calling
 * thread, on the instance's {@link Backend} (the JVM's shared one unless one is given). A fit stops at the
 * next mini-batch boundary when its thread is interrupted or its {@link Cancellation} is cancelled.
 * Arguments are checked before any work: a mistake is an {@link IllegalArgumentException} that names the
 * argument, a null a {@link NullPointerException} whose message is the argument's name.
 *
 * <p>Docs: docs/library.md
 */
public final class Dcec {
    private final DcecConfig config;
    private final Backend backend;
    private final List<TrainingListener> listeners;
    private final Path runFolder;
    private final boolean resume, overwrite;
    private final int channels, height, width;

    private Dcec(Builder b) {
        this.config = b.resolvedConfig().validate();
        this.backend = b.backend;
        this.listeners = List.copyOf(b.listeners);
        this.runFolder = b.runFolder;
        this.resume = b.resume;
        this.overwrite = b.overwrite;
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
    }

    /** A builder with the reference defaults. */
    public static Builder builder() { return new Builder(); }

    /** The hyper-parameters of every fit. */
    public DcecConfig config() { return config; }

    /** The kernels and threads every fit runs on. */
    public Backend backend() { return backend != null ? backend : Backend.shared(); }

    // ---------------------------------------------------------------------------------------------- fit

    /**
     * Clusters a data set (its labels, if any, only score the result). Its values must be in [0, 1], or only finite
     * for feature vectors ({@link Dataset#ofVectors}) clustered by {@link Method#DEC}, {@link Method#IDEC} or {@link Method#KMEANS}.
     */
    public DcecModel fit(Dataset data) { return fit(data, Cancellation.none()); }

    /** Clusters a data set; {@code cancellation} can stop the fit from another thread. */
    public DcecModel fit(Dataset data, Cancellation cancellation) {
        Objects.requireNonNull(data, "data");
        Inputs.checkValues("data", data.images(), 0, data.images().length, data.imageSize(),
                !Inputs.isVectors(config.method(), data.channels(), data.height()));
        Inputs.checkGeometry(config, "data (" + data.name() + ", " + data.channels() + "x" + data.height() + "x" + data.width() + ")",
                data.channels(), data.height(), data.width());
        return run(data, cancellation);
    }

    private DcecModel run(Dataset data, Cancellation cancellation) {
        Objects.requireNonNull(cancellation, "cancellation");
        Backend b = backend();
        DcecTrainer trainer = new DcecTrainer(config, data).backend(b).cancellation(cancellation);
        for (TrainingListener l : listeners) trainer.listener(l);
        try {
            if (runFolder == null) return DcecModel.fitted(trainer.run(), b);
            cancellation.check("before the run folder is opened");   // nothing touched in it yet
            // creating the folder over a file failed with a bare FileAlreadyExistsException naming neither the setting nor the cause
            if (Files.exists(runFolder) && !Files.isDirectory(runFolder))
                throw new ConfigException("{runFolder} " + ConfigException.quote(runFolder) + " is a file, not a folder: give a folder for the run's files"
                        + " (it is created if missing)");
            // nor can a folder below a file be created: that failed with an UncheckedIOException wrapping a bare
            // FileSystemException, "<runFolder>: Not a directory", naming neither the setting nor the file in the way
            for (Path p = runFolder.toAbsolutePath().getParent(); p != null; p = p.getParent())
                if (Files.exists(p)) {
                    if (!Files.isDirectory(p))
                        throw new ConfigException("{runFolder} " + ConfigException.quote(runFolder) + " is below " + ConfigException.quote(p)
                                + ", a file, not a folder: give a folder for the run's files (it is created if missing)");
                    break;
                }
            RunFolder folder = new RunFolder(runFolder, config, data);
            // as dcec train --resume: taking the lock creates the folder and its lock file, which a refusal would leave
            if (resume) folder.requireCheckpoint();
            try (RunLock lock = RunLock.acquire(runFolder, "dcec4j library")) {
                folder.prepare(resume ? RunFolder.Start.RESUME : RunFolder.Start.NEW, overwrite);
                if (resume) {
                    trainer.resumeFrom(folder.readCheckpoint());
                    folder.dropEndOutputs();      // the model and predictions of an earlier end, made again at this one
                }
                trainer.listener(folder);
                DcecResult r = trainer.run();
                return DcecModel.fitted(r, b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Clusters {@code n} images stored row-major in {@code images} ([n, channels, height, width], values in
     * [0, 1]); the array is read, not copied, and must not change during the fit.
     */
    public DcecModel fit(float[] images, int n, int channels, int height, int width) {
        Inputs.checkImages("images", images, n, channels, height, width, true);
        Inputs.checkGeometry(config, "images (height " + height + ", width " + width + ")", channels, height, width);
        return fit(new Dataset("images", channels, height, width, images, null));
    }

    /** Clusters images given one per row, each [channels·height·width] values in [0, 1] (copied). */
    public DcecModel fit(float[][] images, int channels, int height, int width) {
        float[] flat = Inputs.flatten("images", images, channels, height, width, true);
        Inputs.checkGeometry(config, "images (height " + height + ", width " + width + ")", channels, height, width);
        return fit(new Dataset("images", channels, height, width, flat, null));
    }

    /**
     * Clusters decoded images, converted and resized to this instance's {@link Builder#imageSize image size}
     * and {@link Builder#channels channels} exactly as the image-folder loader does.
     */
    public DcecModel fit(List<? extends BufferedImage> images) {
        Inputs.checkGeometry(config, "images (resized to imageSize " + height + "x" + width + ")", channels, height, width);
        float[] x = Inputs.convert("images", images, channels, height, width);
        return fit(new Dataset("images", channels, height, width, x, null));
    }

    /**
     * Clusters feature vectors (one per row, all of the same length d) with a dense autoencoder: the method must
     * be {@link Method#DEC}, {@link Method#IDEC} or {@link Method#KMEANS}. Vectors need not lie in [0, 1], but must
     * be finite; scale them to unit variance or so (the autoencoder's output is linear).
     */
    public DcecModel fitVectors(float[][] vectors) {
        Objects.requireNonNull(vectors, "vectors");    // a null is named whatever the method, as every null the library is given
        if (config.method().network == Method.Network.CONV)
            throw new IllegalArgumentException("method " + config.method() + " needs images; use method dec, idec or kmeans for feature vectors");
        if (vectors.length == 0) throw new IllegalArgumentException("vectors: no rows");
        int d = vectors[0] == null ? 0 : vectors[0].length;
        if (d == 0) throw new IllegalArgumentException("vectors: row 0 is empty or null");
        // the trainer's own check counts images; before the copy, in the rows the caller passed
        if (config.K() > vectors.length)
            throw new ConfigException("{clusters} " + config.K() + " is larger than the number of vectors (" + vectors.length
                    + " rows in vectors): lower {clusters} or pass more rows");
        float[] flat = new float[Inputs.total("vectors", vectors.length, d, "rows of " + d + " values")];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null || vectors[i].length != d)
                throw new IllegalArgumentException("vectors: row " + i + " has " + (vectors[i] == null ? "no" : vectors[i].length + "") + " values, row 0 has " + d);
            for (int j = 0; j < d; j++) {
                float v = vectors[i][j];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("vectors: value " + v + " at row " + i + ", column " + j
                        + "; feature vector values must be finite");
                flat[i * d + j] = v;
            }
        }
        return run(Dataset.ofVectors("vectors", d, flat, null), Cancellation.none());
    }

    // ---------------------------------------------------------------------------------------------- builder

    /** Collects the hyper-parameters and the run's resources; {@link #build()} checks them all. */
    public static final class Builder {
        private final DcecConfig.Builder config = DcecConfig.defaults().toBuilder();
        private Backend backend;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path runFolder;
        private boolean resume, overwrite;
        private int channels = 1, height = 28, width = 28;
        /** Null until {@link #augment} is called. */
        private Boolean augment;

        private Builder() {}

        /** The hyper-parameters with {@link #augment} applied to the method. */
        private DcecConfig resolvedConfig() {
            DcecConfig c = config.build();
            if (augment == null) return c;
            if (augment) return c.toBuilder().method(c.method().augmented()).build();
            if (c.method().augments)
                throw new ConfigException("{augment} false contradicts {method} " + c.method() + ", which always augments; choose one");
            return c;
        }

        /** Which method of the paper's table runs (default {@link Method#DCEC}). */
        public Builder method(Method m) { config.method(Objects.requireNonNull(m, "method")); return this; }

        /**
         * Train on randomly rotated and shifted images (DEC-DA, docs/math/augmentation.md): DCEC becomes
         * {@link Method#DCEC_DA}, DEC_CONV {@link Method#DEC_CONV_DA}. Applied to the method by {@link #build()}, so
         * the order of the calls does not matter and the last {@code augment} call counts; a call with {@code false}
         * contradicts a data-augmented {@link #method}. It does not change the other settings: the reference runs
         * pretrain for 500 epochs ({@link #pretrainEpochs}) and recompute P every 30 iterations on small sets
         * ({@link #updateInterval}).
         */
        public Builder augment(boolean on) {
            this.augment = on;
            return this;
        }
        /** Number of clusters K, also the embedding size (default 10). */
        public Builder clusters(int k) { config.K(k); return this; }
        /** The three convolution filter counts of the CAE (default 32, 64, 128). */
        public Builder filters(int conv1, int conv2, int conv3) { config.filters(conv1, conv2, conv3); return this; }
        /** Hidden sizes of the dense autoencoder of dec/idec (default 500, 500, 2000). */
        public Builder denseDims(int... sizes) { config.denseDims(Objects.requireNonNull(sizes, "denseDims")); return this; }
        /** Degrees of freedom α of the Student's t kernel (default 1). */
        public Builder alpha(float a) { config.alpha(a); return this; }
        /** Weight γ of the clustering loss in L = L_r + γ·L_c (default 0.1). */
        public Builder gamma(float g) { config.gamma(g); return this; }
        /** Mini-batch size of both training phases (default 256). */
        public Builder batchSize(int b) { config.batchSize(b); return this; }
        /** Epochs of reconstruction-only pretraining (default 200). */
        public Builder pretrainEpochs(int e) { config.pretrainEpochs(e); return this; }
        /** k-means++ restarts of the centre initialisation, lowest inertia kept (default 20). */
        public Builder kmeansRestarts(int r) { config.kmeansRestarts(r); return this; }
        /** T: iterations between recomputations of the target distribution (default 140). */
        public Builder updateInterval(int t) { config.updateInterval(t); return this; }
        /** Stop when fewer than this fraction of the labels changed between two recomputations, in [0, 1] (default 0.001). */
        public Builder tolerance(double tol) { config.tol(tol); return this; }
        /** Most clustering iterations (default 20,000). */
        public Builder maxIterations(int n) { config.maxIter(n); return this; }
        /** Adam learning rate of both phases (default 0.001). */
        public Builder learningRate(float lr) { config.lr(lr); return this; }
        /**
         * The pretraining's optimiser (default {@link OptimizerSpec#ADAM}, at {@link #learningRate}); e.g.
         * {@code OptimizerSpec.sgd(1f, 0.9f)}, DEC-keras's for its dense autoencoder on MNIST.
         */
        public Builder pretrainOptimizer(OptimizerSpec o) { config.pretrainOptimizer(Objects.requireNonNull(o, "pretrainOptimizer")); return this; }
        /** The clustering phase's optimiser (default {@link OptimizerSpec#ADAM}, at {@link #learningRate}). */
        public Builder clusterOptimizer(OptimizerSpec o) { config.clusterOptimizer(Objects.requireNonNull(o, "clusterOptimizer")); return this; }
        /** How the autoencoder's weights are drawn (default {@link Init.Scheme#GLOROT_UNIFORM}, Keras's). */
        public Builder init(Init.Scheme scheme) { config.init(Objects.requireNonNull(scheme, "init")); return this; }
        /** Seed of every random choice (default 0). */
        public Builder seed(long seed) { config.seed(seed); return this; }

        /** The kernels and threads to run on (default {@link Backend#shared()}); the caller keeps and closes it. */
        public Builder backend(Backend b) { this.backend = Objects.requireNonNull(b, "backend"); return this; }

        /** Receives every event of every fit (progress, P updates, checkpoints, the result). */
        public Builder listener(TrainingListener l) { listeners.add(Objects.requireNonNull(l, "listener")); return this; }

        /**
         * Writes the run's files (config, logs, weights, model, predictions and, with {@code checkpointEvery} &gt; 0,
         * checkpoints) into {@code dir}, held by a lock for the fit's lifetime, as the {@code dcec train} command does.
         */
        public Builder runFolder(Path dir) { this.runFolder = Objects.requireNonNull(dir, "runFolder"); return this; }

        /** A checkpoint every {@code n} pretraining epochs and clustering iterations, in the run folder (0 = none; more needs a {@link #runFolder}). */
        public Builder checkpointEvery(int n) { config.checkpointEvery(n); return this; }

        /** Continue the killed fit whose checkpoint is in the run folder (same config and data). */
        public Builder resume(boolean on) { this.resume = on; return this; }

        /** Replace another run's files in the run folder (otherwise such a folder is refused). */
        public Builder overwrite(boolean on) { this.overwrite = on; return this; }

        /** Channels of images given as {@link BufferedImage}s: 1 (grey) or 3 (RGB) (default 1). */
        public Builder channels(int c) {
            if (c != 1 && c != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + c);
            this.channels = c;
            return this;
        }

        /** Size that {@link BufferedImage}s are resized to (default 28×28). */
        public Builder imageSize(int height, int width) {
            if (height < 1 || width < 1 || (long) height * width > 1 << 24)
                throw new IllegalArgumentException("imageSize must be positive and at most 2^24 pixels, got " + height + "x" + width);
            this.height = height;
            this.width = width;
            return this;
        }

        /** Checks every value and returns the configured instance. */
        public Dcec build() {
            if (resume && overwrite) throw new IllegalArgumentException("resume continues the run in the run folder, overwrite replaces it: choose one");
            if ((resume || overwrite) && runFolder == null) throw new IllegalArgumentException("resume and overwrite need a runFolder");
            Dcec built = new Dcec(this);
            // without a run folder the checkpoints were silently not written: a fit that was to be resumable was not
            if (runFolder == null && built.config.checkpointEvery() > 0)
                throw new IllegalArgumentException("checkpointEvery " + built.config.checkpointEvery() + " needs a runFolder to write the"
                        + " checkpoints in: set runFolder, or leave checkpointEvery at 0");
            return built;
        }
    }
}
