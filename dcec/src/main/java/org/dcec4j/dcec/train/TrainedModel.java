package org.dcec4j.dcec.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.ops.StudentTOp;

/**
 * A model that assigns clusters to new images: the autoencoder's encoder (none for k-means on pixels)
 * and the centres μ [K, D] of the Student's t soft assignment. Stored as a {@link TensorFile}: metadata
 * kind=dcec-model, method, image geometry, K, filters, dense sizes, α; tensors "model.…" and "mu".
 */
public final class TrainedModel {
    public final DcecConfig config;
    public final int channels, height, width;
    /** Null for the kmeans method (the centres then live in pixel space). */
    public final Autoencoder ae;
    /** μ [K, D], D = K (embedding) or C·H·W (pixels). */
    public final float[] mu;

    /** The full configuration of the run that made the model, as stored in its file (JSON). */
    private final String configJson;

    public TrainedModel(DcecConfig config, int channels, int height, int width, Autoencoder ae, float[] mu) {
        // how often the run wrote checkpoints is not part of the model: the same weights give the same file
        this(config, channels, height, width, ae, mu, config.toBuilder().checkpointEvery(0).build().toJson());
    }

    private TrainedModel(DcecConfig config, int channels, int height, int width, Autoencoder ae, float[] mu, String configJson) {
        this.config = config; this.channels = channels; this.height = height; this.width = width; this.ae = ae; this.mu = mu;
        this.configJson = configJson;
    }

    public int K() { return config.K(); }

    /**
     * The same model (the same network, centres and {@link #config}) whose file records the settings named in
     * {@code unknown} as null ({@link DcecConfig#toJson(java.util.Set)}): a clustering run whose pretraining nothing records
     * (RunFolder).
     */
    public TrainedModel withUnknownSettings(java.util.Set<String> unknown) {
        return new TrainedModel(config, channels, height, width, ae, mu, config.toBuilder().checkpointEvery(0).build().toJson(unknown));
    }

    /** Runs the encoder on {@code backend}'s kernels from now on. Returns this. */
    public TrainedModel use(org.dcec4j.engine.Backend backend) {
        if (ae != null) ae.module().use(backend);
        return this;
    }

    /** Size of the space μ lives in. */
    public int featureSize() { return ae == null ? channels * height * width : ae.embeddingSize(); }

    /**
     * The most images one batch of {@link #features}, {@link #softAssign} or {@link #predict} can take: the batch's
     * images, every layer's output and the soft assignments each within one Java array (2³¹ − 65 elements, as
     * {@code Dataset} allows). A command that sizes its batch buffer from a batch-size option checks it against this
     * first: B·C·H·W in ints wrapped (200 images of 3×2048×2048 gave a NegativeArraySizeException, 400 a buffer of
     * the wrong size).
     */
    public int largestBatch() { return largestBatch(config, channels, height, width); }

    /** {@link #largestBatch()} of a model of {@code cfg} for C×H×W images, computed without building it. */
    public static int largestBatch(DcecConfig cfg, int C, int H, int W) {
        long most = Math.max((long) C * H * W, cfg.K());
        if (cfg.method().network == Method.Network.CONV) {
            for (long a : ConvAutoencoder.activationSizes(H, W, cfg.filters())) most = Math.max(most, a);
        } else if (cfg.method().network == Method.Network.DENSE) {
            for (int d : cfg.denseDims()) most = Math.max(most, d);
        }
        return (int) Math.max(1, (Integer.MAX_VALUE - 64) / most);
    }

    /** Embeddings [N, K] (or the pixels themselves for the kmeans method). */
    public float[] features(float[] x, int N, int batchSize) {
        return ae == null ? x : Inference.embed(ae, x, N, batchSize);
    }

    /** q [N, K] of N images [N, C, H, W]. */
    public float[] softAssign(float[] x, int N, int batchSize) {
        return Inference.softAssign(features(x, N, batchSize), N, featureSize(), mu, K(), config.alpha());
    }

    /**
     * The clusters of N images: label_i = argmax_j q_ij (the first of equal values) and confidence_i = max_j q_ij.
     *
     * @param x read, [N, C, H, W]
     */
    public Assignments predict(float[] x, int N, int batchSize) {
        float[] q = softAssign(x, N, batchSize);
        int[] labels = new int[N];
        TargetDistribution.argmax(labels, q, N, K());
        return new Assignments(labels, Inference.confidence(q, N, K()));
    }

    /** Hard cluster labels [N] and their confidences max_j q_ij [N]. */
    public record Assignments(int[] labels, float[] confidence) {}

    /**
     * Writes the model to {@code file} atomically ({@link OutputFiles#writeAtomically}). First deletes the temporary files
     * of that name ({@code .<name>.<digits>.tmp}) that nothing has touched for {@link #STALE_TEMP}: those of a save that
     * was killed, which nothing else would ever delete (a run folder's are deleted when the next run takes the folder),
     * not those of another save of the same name at work now. A failure to delete them does not stop the save.
     */
    public void save(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null && abs.getFileName() != null) {
            try {
                OutputFiles.removeStaleTemps(abs.getParent(), java.util.List.of(abs.getFileName().toString()), STALE_TEMP);
            } catch (IOException | RuntimeException e) {
                // the write below reports what is wrong with the folder, if anything
            }
        }
        OutputFiles.writeAtomically(file, toBytes());
    }

    /** How long a model's temporary file may go untouched before a later save of that name deletes it as a killed save's. */
    public static final java.time.Duration STALE_TEMP = java.time.Duration.ofMinutes(10);

    /** The model file's bytes (what {@link #save} writes). */
    public byte[] toBytes() {
        TensorFile.Builder b = TensorFile.builder().meta("kind", "dcec-model")
                .meta("method", config.method().cliName).meta("channels", "" + channels).meta("height", "" + height)
                .meta("width", "" + width).meta("clusters", "" + K())
                .meta("filters", join(config.filters())).meta("dense_dims", join(config.denseDims()))
                .meta("alpha", Float.toString(config.alpha())).meta("config", configJson);
        if (ae != null) ae.module().addTo(b, "model.");
        b.tensor("mu", new int[] {K(), featureSize()}, mu);
        return b.toBytes();
    }

    /**
     * Reads a model written by {@link #save}; a FormatException names the file and what is wrong, a tensor
     * holding NaN or an infinity included (its checksum may be intact: a model saved from a diverged run
     * would assign every image to cluster 0 with confidence NaN).
     */
    public static TrainedModel load(Path file) throws IOException {
        return from(TensorFile.read(file), file.toString());
    }

    /** Reads a model from the bytes {@link #toBytes} gave; {@code source} names them in error messages. */
    public static TrainedModel parse(byte[] bytes, String source) {
        return from(TensorFile.parse(bytes, source), source);
    }

    private static TrainedModel from(TensorFile f, String src) {
        for (String name : f.names()) {
            float[] v = f.get(name).data();
            for (int i = 0; i < v.length; i++)
                if (!Float.isFinite(v[i]))
                    throw new TensorFile.FormatException(src + ": tensor '" + name + "' holds " + v[i] + " at index " + i
                            + ": the model is broken (saved from a diverged run?); train it again");
        }
        if (!"dcec-model".equals(f.meta("kind")))
            throw new TensorFile.FormatException(src + ": not a dcec model (kind '" + f.meta("kind") + "'); pass the model.dc4j that `dcec train` wrote");
        int C = intMeta(f, "channels", src), H = intMeta(f, "height", src), W = intMeta(f, "width", src), K = intMeta(f, "clusters", src);
        String alpha = f.meta("alpha");
        try {
            // versions before 2026-12-05 trained with any finite α: such a model is an older version's, not a damaged file
            float a = alpha == null ? Float.NaN : Float.parseFloat(alpha);
            if (a > StudentTOp.MAX_ALPHA && Float.isFinite(a))
                throw new TensorFile.FormatException(src + ": the model was trained with alpha " + alpha + ", which a dcec4j from before"
                        + " 2026-12-05 accepted; this version takes alpha up to 1e8 (beyond it the Student's t kernel cannot tell"
                        + " distances apart in double precision): train the model again with alpha at most 1e8, or use the"
                        + " version that trained it");
        } catch (NumberFormatException e) {
            // reported below, as every value no run writes
        }
        DcecConfig cfg;
        Autoencoder ae;
        try {
            // the metadata is checked as a config is: a value no run writes (an edited file) is a damaged file
            Method method = Method.parse(need(f, "method", src));
            cfg = DcecConfig.defaults().toBuilder().method(method).K(K)
                    .filters(ints(need(f, "filters", src))).denseDims(ints(need(f, "dense_dims", src)))
                    .alpha(Float.parseFloat(need(f, "alpha", src))).build().validate();
            if (C < 1 || H < 1 || W < 1)
                throw new IllegalArgumentException("images of " + C + "x" + H + "x" + W + " (channels x height x width must be positive)");
            if (method.network != Method.Network.NONE) {
                // the network is allocated (and its weights drawn) before the file's tensors are copied into it: a file
                // of a few hundred bytes whose metadata declares 1x4096x4096 images asked for 2.7 GB first
                long need = Autoencoder.parameterCount(cfg, C, H, W), have = 0;
                for (String name : f.names())
                    if (name.startsWith("model.")) have += f.get(name).data().length;
                if (need > have)
                    throw new TensorFile.FormatException(src + ": the metadata declares a " + method.cliName + " network for "
                            + C + "x" + H + "x" + W + " images, of " + need + " weights, but the file holds only " + have
                            + " values under 'model.' (damaged, or not a model `dcec train` wrote); refused before allocating it");
            }
            ae = method.network == Method.Network.NONE ? null : Autoencoder.create(cfg, C, H, W, 0);
        } catch (IllegalArgumentException e) {      // NumberFormatException and ConfigException included
            throw new TensorFile.FormatException(src + ": the model's metadata is not one a run writes: " + e.getMessage());
        }
        if (ae != null) ae.module().loadFrom(f, "model.", src);
        TensorFile.Entry mu = f.require("mu", src);
        long D = ae == null ? (long) C * H * W : ae.embeddingSize();   // long: C·H·W of the metadata can pass 2^31
        if (mu.shape().length != 2 || mu.shape()[0] != K || mu.shape()[1] != D)
            throw new TensorFile.FormatException(src + ": centres 'mu' have shape " + Arrays.toString(mu.shape()) + ", expected [" + K + ", " + D + "]");
        String json = f.meta("config");
        return new TrainedModel(cfg, C, H, W, ae, mu.data().clone(), json != null ? json : cfg.toJson());
    }

    static String join(int[] v) {
        StringBuilder s = new StringBuilder();
        for (int x : v) s.append(s.length() == 0 ? "" : ",").append(x);
        return s.toString();
    }

    static int[] ints(String s) { return Arrays.stream(s.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray(); }

    static String need(TensorFile f, String key, String src) {
        String v = f.meta(key);
        if (v == null) throw new TensorFile.FormatException(src + ": metadata '" + key + "' is missing");
        return v;
    }

    static int intMeta(TensorFile f, String key, String src) {
        String v = need(f, key, src);
        try { return Integer.parseInt(v); } catch (NumberFormatException e) {
            throw new TensorFile.FormatException(src + ": metadata '" + key + "' should be an integer, found '" + v + "'");
        }
    }
}
