package org.dcec4j.dcec;

import org.dcec4j.datasets.cli.Counts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.engine.Backend;

/**
 * A trained clustering model: the encoder F and the K cluster centres μ. It assigns clusters to new images
 * ({@link #predict}), gives the soft assignments q ({@link #predictProba}) and the embeddings z = F(x)
 * ({@link #embed}), scores itself against labels ({@link #score}), and saves to and loads from files,
 * streams and byte arrays in the dcec4j model format (the {@code model.dc4j} of the command line).
 *
 * <p>Images are [channels, height, width] values in [0, 1], row-major, several of them back to back
 * ([n, C, H, W]); their size must be the model's ({@link #channels()} × {@link #height()} × {@link #width()}).
 * A model fitted on feature vectors ({@link Dcec#fitVectors}, {@link Dataset#ofVectors}) takes 1×1×d vectors of any
 * finite values instead, in every method that takes images or vectors.
 * {@link BufferedImage}s are converted and resized as the image-folder loader does.
 *
 * <p>Immutable and thread-safe: many threads may predict at once (on a shared backend their kernel calls
 * take turns). It runs on the backend it was trained or loaded with ({@link #withBackend} makes a copy on
 * another). Assignments are deterministic: the same model and images give the same bits on any machine.
 *
 * <p>Docs: docs/library.md
 */
public final class DcecModel {
    /** The outcome of the fit that made a model: its data's labels and how the run went. */
    public record Training(int[] labels, Scores scores, int iterations, boolean converged, Map<Phase, Double> seconds) {
        public Training {
            labels = Objects.requireNonNull(labels, "labels").clone();
            // EnumMap's copy constructor refuses an empty plain map
            EnumMap<Phase, Double> copy = new EnumMap<>(Phase.class);
            copy.putAll(Objects.requireNonNull(seconds, "seconds"));
            seconds = Collections.unmodifiableMap(copy);
        }

        /** The hard cluster label of every image of the fitted data (the last recomputation of P for the
         *  clustering methods, the k-means labels for cae-kmeans and kmeans). */
        @Override public int[] labels() { return labels.clone(); }

        /** Equal when every component is, the labels compared by value (a record compares an array's identity). */
        @Override public boolean equals(Object o) {
            return o instanceof Training t && java.util.Arrays.equals(labels, t.labels) && Objects.equals(scores, t.scores)
                    && iterations == t.iterations && converged == t.converged && seconds.equals(t.seconds);
        }

        @Override public int hashCode() { return Objects.hash(java.util.Arrays.hashCode(labels), scores, iterations, converged, seconds); }

        /** The components, the labels by their count ("labels=10000 images"), not by the array's identity. */
        @Override public String toString() {
            return "Training[labels=" + labels.length + " images, scores=" + scores + ", iterations=" + iterations
                    + ", converged=" + converged + ", seconds=" + seconds + "]";
        }
    }

    /** Images per forward pass of inference, fewer where a batch of 256 would not fit one array (batch()). */
    private static final int BATCH = 256;

    private final TrainedModel model;
    private final Backend backend;
    private final Training training;

    private DcecModel(TrainedModel model, Backend backend, Training training) {
        this.model = model;
        this.backend = backend;
        this.training = training;
        model.use(backend);
    }

    static DcecModel fitted(DcecResult r, Backend backend) {
        return new DcecModel(r.model(), backend, new Training(r.labels(), r.scores(), r.iterations(), r.converged(), r.seconds()));
    }

    // ---------------------------------------------------------------------------------------------- shape

    /** The method that trained it. */
    public Method method() { return model.config.method(); }
    /** Number of clusters K. */
    public int clusters() { return model.K(); }
    /** Channels of the images it takes. */
    public int channels() { return model.channels; }
    /** Height of the images it takes. */
    public int height() { return model.height; }
    /** Width of the images it takes. */
    public int width() { return model.width; }
    /** Size of the space the centres live in: K for the autoencoder methods, C·H·W for k-means on pixels. */
    public int embeddingSize() { return model.featureSize(); }
    /** The cluster centres μ [K][embeddingSize] (a copy). */
    public float[][] centres() { return rows(model.mu, clusters(), embeddingSize()); }
    /** The fit's outcome, or empty for a loaded model. */
    public Optional<Training> training() { return Optional.ofNullable(training); }
    /** The kernels and threads it runs on. */
    public Backend backend() { return backend; }

    /** The same model on another backend (a copy of the weights). */
    public DcecModel withBackend(Backend other) {
        return new DcecModel(TrainedModel.parse(model.toBytes(), "model"), Objects.requireNonNull(other, "backend"), training);
    }

    // ---------------------------------------------------------------------------------------------- inference

    /** The cluster of each of {@code n} images [n, C, H, W]: argmax_j q_ij (the lowest j on ties). */
    public int[] predict(float[] images, int n) {
        return labels(predictProbaFlat(images, n), n);
    }

    /** The cluster of each image, one image per row. */
    public int[] predict(float[][] images) { return predict(flatten(images), images.length); }

    /** The cluster of each decoded image. */
    public int[] predict(List<? extends BufferedImage> images) { return predict(convert(images), images.size()); }

    /** The cluster of each image of a data set (its labels are not used); a message names the argument, data. */
    public int[] predict(Dataset data) {
        checkShape(data);
        return labels(predictProbaFlat("data", data.images(), data.size()), data.size());
    }

    /**
     * The cluster of each feature vector. Only for models fitted on feature vectors ({@link Dcec#fitVectors},
     * {@link Dataset#ofVectors}): an image model refuses them, as its images must be in [0, 1] ({@link #predict}).
     */
    public int[] predictVectors(float[][] vectors) {
        Objects.requireNonNull(vectors, "vectors");    // a null is named whatever the model, as every null the library is given
        if (!takesVectors())
            throw new IllegalArgumentException("vectors: this model was fitted on " + channels() + "x" + height() + "x" + width()
                    + " images, not on feature vectors; pass its images to predict (values in [0, 1])");
        float[] flat = vectors(vectors);
        checkOutputs("vectors", vectors.length, clusters(), "soft assignments");
        return labels(softAssign("vectors", flat, vectors.length), vectors.length);
    }

    /** The soft assignments q [n][K] of n images (rows sum to 1): the Student's t kernel of DCEC. */
    public float[][] predictProba(float[] images, int n) { return rows(predictProbaFlat(images, n), n, clusters()); }

    /** The soft assignments q of images given one per row. */
    public float[][] predictProba(float[][] images) { return predictProba(flatten(images), images.length); }

    /** The embeddings z = F(x) [n][embeddingSize] of n images (the pixels themselves for k-means on pixels). */
    public float[][] embed(float[] images, int n) {
        Inputs.checkImages("images", images, n, channels(), height(), width(), !takesVectors());
        // k-means on the pixels embeds nothing: its features are the images themselves
        if (method().network != Method.Network.NONE) checkOutputs("images", n, embeddingSize(), "embedding values");
        float[] z = model.features(images, n, batch());
        for (int i = 0; i < z.length; i++)
            if (!Float.isFinite(z[i])) throw nonFinite("images", images, i / embeddingSize(), "embedding");
        return rows(z, n, embeddingSize());
    }

    /** The embeddings of images given one per row. */
    public float[][] embed(float[][] images) { return embed(flatten(images), images.length); }

    /** ACC, NMI and ARI of the model's clusters of {@code data} against its labels. */
    public Scores score(Dataset data) {
        if (!Objects.requireNonNull(data, "data").hasLabels()) throw new IllegalArgumentException("data: " + data.name() + " has no labels to score against");
        return Scores.of(data.labels(), predict(data));
    }

    /** ACC, NMI and ARI of the clusters of n images against their labels {@code truth} [n]. */
    public Scores score(float[] images, int n, int[] truth) {
        Objects.requireNonNull(truth, "truth");
        if (truth.length != n) throw new IllegalArgumentException("truth has " + Counts.of(truth.length, "label") + " for " + Counts.of(n, "image"));
        for (int i = 0; i < n; i++)
            if (truth[i] < 0) throw new IllegalArgumentException("truth: label " + truth[i] + " at " + i + " is negative");
        return Scores.of(truth, predict(images, n));
    }

    /** BATCH, or the largest batch whose arrays fit (results do not depend on the batch). */
    private int batch() { return Math.min(BATCH, model.largestBatch()); }

    private float[] predictProbaFlat(float[] images, int n) { return predictProbaFlat("images", images, n); }

    /** q of n inputs given as the argument {@code name} (images, or data for a Dataset), which the messages name. */
    private float[] predictProbaFlat(String name, float[] images, int n) {
        Inputs.checkImages(name, images, n, channels(), height(), width(), !takesVectors());
        checkOutputs(name, n, clusters(), "soft assignments");
        return softAssign(name, images, n);
    }

    /**
     * Inference holds the n embeddings and the n·K soft assignments in one array each: n inputs whose K (or embedding)
     * values a Java array cannot hold (2³¹ − 65 elements, as {@code Dataset} allows) are an IllegalArgumentException
     * naming the argument, not a NegativeArraySizeException from n·K wrapped in ints (n·K past 2³² wrapped to a
     * positive, wrong size). Only vector models meet it in practice: their K can exceed the d values of an input.
     */
    private void checkOutputs(String name, int n, int each, String what) {
        if ((long) n * each > Integer.MAX_VALUE - 64)
            throw new IllegalArgumentException(name + ": " + n + " inputs of " + each + " " + what
                    + " each make " + (long) n * each + " values, more than one Java array holds (2^31 - 65): pass at most "
                    + (Integer.MAX_VALUE - 64) / each + " at a time");
    }

    /** q of n inputs [n, C, H, W] that passed the checks of argument {@code name}. */
    private float[] softAssign(String name, float[] x, int n) {
        float[] q = model.softAssign(x, n, batch());
        for (int i = 0; i < q.length; i++)
            if (!Float.isFinite(q[i])) throw nonFinite(name, x, i / clusters(), "assignment");
        return q;
    }

    /**
     * The exception for input {@code row} of {@code x} whose embedding or assignment came out NaN or infinite. A vector
     * model takes finite values of any range, but the encoder computes in float32: a vector of values near
     * {@link Float#MAX_VALUE} overflows it. That is the input's scale, an IllegalArgumentException naming the argument and
     * the vector; an image model's inputs are in [0, 1], so there it is the model's (an IllegalStateException).
     */
    private RuntimeException nonFinite(String name, float[] x, int row, String what) {
        int d = channels() * height() * width();
        if (!takesVectors())
            return new IllegalStateException("the model gave a non-finite " + what + " for image " + row + " of " + name);
        float largest = 0;
        for (int j = row * d; j < (row + 1) * d; j++) largest = Math.max(largest, Math.abs(x[j]));
        return new IllegalArgumentException(name + ": vector " + row + " (largest magnitude " + largest + ") overflows the"
                + " encoder's float32 arithmetic: its " + what + " is not finite; scale the vectors down to the range the model"
                + " was fitted on");
    }

    private int[] labels(float[] q, int n) {
        int[] labels = new int[n];
        TargetDistribution.argmax(labels, q, n, clusters());
        return labels;
    }

    // ---------------------------------------------------------------------------------------------- files

    /** Writes the model to {@code file} atomically (temp file, fsync, rename). */
    public void save(Path file) throws IOException { model.save(Objects.requireNonNull(file, "file")); }

    /** Writes the model's bytes to {@code out} (not closed). */
    public void save(OutputStream out) throws IOException { Objects.requireNonNull(out, "out").write(model.toBytes()); }

    /** The model's bytes, as {@link #save(Path)} writes them. */
    public byte[] toBytes() { return model.toBytes(); }

    /** Reads a model file (written by {@link #save} or by {@code dcec train}); runs on the shared backend. */
    public static DcecModel load(Path file) throws IOException { return load(file, Backend.shared()); }

    /** Reads a model file; runs on {@code backend}. */
    public static DcecModel load(Path file, Backend backend) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backend, "backend");        // before the file is read
        return new DcecModel(TrainedModel.load(file), backend, null);
    }

    /** Reads a model from a stream to its end (not closed); runs on the shared backend. */
    public static DcecModel load(InputStream in) throws IOException { return load(Objects.requireNonNull(in, "in").readAllBytes()); }

    /** Reads a model from the bytes {@link #toBytes} gave; runs on the shared backend. */
    public static DcecModel load(byte[] bytes) { return load(bytes, Backend.shared()); }

    /** Reads a model from bytes; runs on {@code backend}. */
    public static DcecModel load(byte[] bytes, Backend backend) {
        return new DcecModel(TrainedModel.parse(Objects.requireNonNull(bytes, "bytes"), "model bytes"), Objects.requireNonNull(backend, "backend"), null);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private float[] flatten(float[][] images) { return Inputs.flatten("images", images, channels(), height(), width(), !takesVectors()); }

    private float[] convert(List<? extends BufferedImage> images) {
        return Inputs.convert("images", images, channels(), height(), width());
    }

    private float[] vectors(float[][] vectors) {
        Objects.requireNonNull(vectors, "vectors");
        int d = channels() * height() * width();
        if (vectors.length == 0) throw new IllegalArgumentException("vectors: no rows");
        float[] flat = new float[Inputs.total("vectors", vectors.length, d, "rows of " + d + " values")];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null || vectors[i].length != d)
                throw new IllegalArgumentException("vectors: row " + i + " has " + (vectors[i] == null ? "no" : "" + vectors[i].length)
                        + " values, the model takes " + d);
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(vectors[i][j])) throw new IllegalArgumentException("vectors: value " + vectors[i][j] + " at row " + i + ", column " + j
                        + "; feature vector values must be finite");
                flat[i * d + j] = vectors[i][j];
            }
        }
        return flat;
    }

    /** Whether the model was fitted on feature vectors rather than images. */
    private boolean takesVectors() { return Inputs.isVectors(method(), channels(), height()); }

    private void checkShape(Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.channels() != channels() || data.height() != height() || data.width() != width())
            throw new IllegalArgumentException("data: " + data.name() + " has " + data.channels() + "x" + data.height() + "x" + data.width()
                    + " images, the model takes " + channels() + "x" + height() + "x" + width());
    }

    private static float[][] rows(float[] flat, int n, int d) {
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * d, out[i], 0, d);
        return out;
    }

    @Override public String toString() {
        return "DcecModel[" + method() + ", K=" + clusters() + ", " + channels() + "x" + height() + "x" + width() + "]";
    }
}
