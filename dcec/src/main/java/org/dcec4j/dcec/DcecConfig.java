package org.dcec4j.dcec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.dcec4j.engine.nn.Init;
import org.dcec4j.engine.ops.StudentTOp;

/**
 * Every hyper-parameter of a run. {@link #defaults()} holds the reference values of the DCEC paper and
 * its Keras code (docs/spec.md#defaults): filters 32/64/128, K = 10, α = 1, γ = 0.1, batch 256, 200
 * pretraining epochs, 20 k-means restarts, T = 140, tol = 0.001, 20,000 iterations, Adam lr 0.001.
 *
 * @param method           which method of the paper's table runs
 * @param K                number of clusters, also the embedding size (the tight bottleneck)
 * @param filters          the three convolution filter counts of the CAE
 * @param denseDims        hidden sizes of the dense autoencoder of dec/idec (d–500–500–2000–K)
 * @param alpha            degrees of freedom α of the Student's t kernel
 * @param gamma            weight γ of the clustering loss in L = L_r + γ·L_c
 * @param batchSize        mini-batch size of both training phases
 * @param pretrainEpochs   epochs of reconstruction-only pretraining
 * @param kmeansRestarts   k-means++ restarts of the centre initialisation (lowest inertia kept)
 * @param updateInterval   T: iterations between two recomputations of the target distribution P
 * @param tol              stop when the fraction of changed hard labels between two recomputations is below this
 * @param maxIter          largest number of clustering iterations
 * @param lr               Adam learning rate of both phases (each phase has its own fresh optimiser)
 * @param seed             fixes every random choice (weights, shuffling, k-means)
 * @param checkpointEvery  write a checkpoint every this many epochs (pretraining) and iterations (clustering); 0 = never
 * @param pretrainOptimizer the optimiser of the pretraining (default {@link OptimizerSpec#ADAM}, at {@code lr})
 * @param clusterOptimizer  the optimiser of the clustering phase (default {@link OptimizerSpec#ADAM}, at {@code lr})
 * @param init             how the autoencoder's weights are drawn (default Keras's glorot-uniform)
 */
public record DcecConfig(Method method, int K, int[] filters, int[] denseDims, float alpha, float gamma,
                         int batchSize, int pretrainEpochs, int kmeansRestarts, int updateInterval, double tol,
                         int maxIter, float lr, long seed, int checkpointEvery,
                         OptimizerSpec pretrainOptimizer, OptimizerSpec clusterOptimizer, Init.Scheme init) {

    public DcecConfig {
        filters = Objects.requireNonNull(filters, "filters").clone();
        denseDims = Objects.requireNonNull(denseDims, "denseDims").clone();
        Objects.requireNonNull(pretrainOptimizer, "pretrainOptimizer");
        Objects.requireNonNull(clusterOptimizer, "clusterOptimizer");
        Objects.requireNonNull(init, "init");
    }

    /** The reference values. */
    public static DcecConfig defaults() {
        return new DcecConfig(Method.DCEC, 10, new int[] {32, 64, 128}, new int[] {500, 500, 2000}, 1f, 0.1f,
                256, 200, 20, 140, 0.001, 20_000, 1e-3f, 0, 0, OptimizerSpec.ADAM, OptimizerSpec.ADAM, Init.Scheme.GLOROT_UNIFORM);
    }

    /**
     * The reference values of {@code method} on the named data set: {@link #defaults()}, except that the
     * data-augmented methods (DEC-DA's run_exp.py) pretrain for 500 epochs and recompute P every 30 iterations on
     * the small sets (mnist-test, usps) and every 140 on the others (docs/spec.md#augmentation).
     */
    public static DcecConfig referenceDefaults(Method method, String dataset) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(dataset, "dataset");
        Builder b = defaults().toBuilder().method(method);
        if (method.augments) b.pretrainEpochs(500).updateInterval(dataset.equals("mnist-test") || dataset.equals("usps") ? 30 : 140);
        return b.build();
    }

    @Override public int[] filters() { return filters.clone(); }
    @Override public int[] denseDims() { return denseDims.clone(); }

    /**
     * Throws a {@link ConfigException} that names the setting to change when a value is out of range.
     * Data-dependent checks (K ≤ N, image sizes) are in {@link org.dcec4j.dcec.train.DcecTrainer}.
     */
    public DcecConfig validate() {
        if (method == null) throw bad("{method} must be set, to one of " + Arrays.toString(Method.values()));
        if (K < 2) throw bad("{clusters} must be at least 2, got " + K);
        if (filters.length != 3) throw bad("{filters} needs three counts (e.g. 32,64,128), got " + filters.length);
        for (int f : filters) if (f < 1) throw bad("{filters} must be positive, got " + Arrays.toString(filters));
        if (denseDims.length < 1) throw bad("{denseDims} needs at least one hidden size");
        for (int f : denseDims) if (f < 1) throw bad("{denseDims} must be positive, got " + Arrays.toString(denseDims));
        if (!(alpha > 0) || alpha > StudentTOp.MAX_ALPHA)
            throw bad("{alpha} must be a positive number up to 1e8, got " + alpha + (alpha > StudentTOp.MAX_ALPHA
                    ? " (beyond 1e8 the Student's t kernel cannot tell distances apart in double precision)" : ""));
        if (!(gamma >= 0) || Float.isInfinite(gamma)) throw bad("{gamma} must be a number >= 0, got " + gamma);
        if (batchSize < 1) throw bad("{batchSize} must be at least 1, got " + batchSize);
        if (pretrainEpochs < 0) throw bad("{pretrainEpochs} must be >= 0, got " + pretrainEpochs);
        if (kmeansRestarts < 1) throw bad("{kmeansRestarts} must be at least 1, got " + kmeansRestarts);
        // each restart's seed is drawn up front, in order (one long each): a bound far above any use keeps that small
        if (kmeansRestarts > MAX_KMEANS_RESTARTS)
            throw bad("{kmeansRestarts} must be at most " + MAX_KMEANS_RESTARTS + ", got " + kmeansRestarts);
        if (updateInterval < 1) throw bad("{updateInterval} must be at least 1, got " + updateInterval);
        if (!(tol >= 0 && tol <= 1)) throw bad("{tolerance} is a fraction of labels and must be from 0 to 1, got " + tol);
        if (maxIter < 0) throw bad("{maxIterations} must be >= 0, got " + maxIter);
        if (!(lr > 0) || Float.isInfinite(lr)) throw bad("{learningRate} must be a positive number, got " + lr);
        if (checkpointEvery < 0) throw bad("{checkpointEvery} must be >= 0 (0 = never), got " + checkpointEvery);
        pretrainOptimizer.validate("pretrainOptimizer");
        clusterOptimizer.validate("clusterOptimizer");
        return this;
    }

    /** The most k-means restarts accepted (the reference uses 20). */
    public static final int MAX_KMEANS_RESTARTS = 1_000_000;

    private static ConfigException bad(String template) { return new ConfigException(template); }

    /** A JSON object of every field (stable key order). */
    public String toJson() { return toJson(Set.of()); }

    /**
     * {@link #toJson()} with the settings named in {@code unknown} (config.json's keys {@code pretrain_epochs},
     * {@code pretrain_optimizer}, {@code init}) written as JSON null: a clustering of weights whose pretraining nothing
     * records does not know them. An unknown optimiser or initialisation is written even where the reference's would be
     * left out, since leaving it out says "the reference's". A config without a method is refused as {@link #validate} refuses it.
     */
    public String toJson(Set<String> unknown) {
        Objects.requireNonNull(unknown, "unknown");
        if (method == null) throw bad("{method} must be set, to one of " + Arrays.toString(Method.values()));
        for (String key : unknown)
            if (!UNKNOWABLE.contains(key)) throw new IllegalArgumentException("not a pretraining setting: " + key);
        return "{\n"
                + "  \"method\": \"" + method.cliName + "\",\n"
                + "  \"clusters\": " + K + ",\n"
                + "  \"filters\": " + Arrays.toString(filters) + ",\n"
                + "  \"dense_dims\": " + Arrays.toString(denseDims) + ",\n"
                + "  \"alpha\": " + alpha + ",\n"
                + "  \"gamma\": " + gamma + ",\n"
                + "  \"batch_size\": " + batchSize + ",\n"
                + "  \"pretrain_epochs\": " + (unknown.contains("pretrain_epochs") ? "null" : pretrainEpochs) + ",\n"
                + "  \"kmeans_restarts\": " + kmeansRestarts + ",\n"
                + "  \"update_interval\": " + updateInterval + ",\n"
                + "  \"tol\": " + tol + ",\n"
                + "  \"max_iter\": " + maxIter + ",\n"
                + "  \"lr\": " + lr + ",\n"
                + "  \"seed\": " + seed + ",\n"
                + "  \"checkpoint_every\": " + checkpointEvery
                + nonDefaults(unknown).stream().map(kv -> ",\n  \"" + kv[0] + "\": " + (kv[1] == null ? "null" : "\"" + kv[1] + "\""))
                        .collect(Collectors.joining())
                + "\n}";
    }

    /** The settings {@link #toJson(Set)} can write as unknown: those only the pretraining uses. */
    public static final List<String> UNKNOWABLE = List.of("pretrain_epochs", "pretrain_optimizer", "init");

    /**
     * The optimisers and the initialisation where they differ from the reference's (Adam, Adam, glorot-uniform), as
     * (JSON key, value) pairs: only such settings are written, so a reference run's config file, checkpoint and model
     * are byte for byte what they were before these settings existed.
     */
    private List<String[]> nonDefaults() { return nonDefaults(Set.of()); }

    /** {@link #nonDefaults()}, with each key of {@code unknown} present and its value null. */
    private List<String[]> nonDefaults(Set<String> unknown) {
        List<String[]> out = new ArrayList<>();
        if (unknown.contains("pretrain_optimizer")) out.add(new String[] {"pretrain_optimizer", null});
        else if (!pretrainOptimizer.equals(OptimizerSpec.ADAM)) out.add(new String[] {"pretrain_optimizer", pretrainOptimizer.toString()});
        if (!clusterOptimizer.equals(OptimizerSpec.ADAM)) out.add(new String[] {"cluster_optimizer", clusterOptimizer.toString()});
        if (unknown.contains("init")) out.add(new String[] {"init", null});
        else if (init != Init.Scheme.GLOROT_UNIFORM) out.add(new String[] {"init", init.cliName});
        return out;
    }

    /**
     * The fields that must match for {@code --resume} to continue a run (everything except
     * checkpointEvery, which may change between the killed and the resumed run). A config without a method (which
     * {@link #validate} refuses) reads "method=null" here and in {@link #toString}.
     */
    public String identity() {
        StringBuilder extra = new StringBuilder();
        for (String[] kv : nonDefaults()) extra.append(' ').append(kv[0]).append('=').append(kv[1]);
        return String.format(Locale.ROOT, "%s K=%d filters=%s dense=%s alpha=%s gamma=%s batch=%d epochs=%d restarts=%d T=%d tol=%s maxIter=%d lr=%s seed=%d",
                method == null ? "method=null" : method.cliName, K, Arrays.toString(filters), Arrays.toString(denseDims), alpha, gamma, batchSize,
                pretrainEpochs, kmeansRestarts, updateInterval, tol, maxIter, lr, seed) + extra;
    }

    @Override public boolean equals(Object o) {
        return o instanceof DcecConfig c && identity().equals(c.identity()) && checkpointEvery == c.checkpointEvery;
    }

    @Override public int hashCode() { return identity().hashCode() * 31 + checkpointEvery; }

    @Override public String toString() { return identity() + " checkpointEvery=" + checkpointEvery; }

    public Builder toBuilder() { return new Builder(this); }

    /** Changes a few fields of a config. */
    public static final class Builder {
        public Method method; public int K; public int[] filters, denseDims; public float alpha, gamma;
        public int batchSize, pretrainEpochs, kmeansRestarts, updateInterval; public double tol;
        public int maxIter; public float lr; public long seed; public int checkpointEvery;
        public OptimizerSpec pretrainOptimizer, clusterOptimizer; public Init.Scheme init;

        Builder(DcecConfig c) {
            method = c.method; K = c.K; filters = c.filters(); denseDims = c.denseDims(); alpha = c.alpha; gamma = c.gamma;
            batchSize = c.batchSize; pretrainEpochs = c.pretrainEpochs; kmeansRestarts = c.kmeansRestarts;
            updateInterval = c.updateInterval; tol = c.tol; maxIter = c.maxIter; lr = c.lr; seed = c.seed;
            checkpointEvery = c.checkpointEvery;
            pretrainOptimizer = c.pretrainOptimizer; clusterOptimizer = c.clusterOptimizer; init = c.init;
        }

        public Builder method(Method v) { method = v; return this; }
        public Builder K(int v) { K = v; return this; }
        public Builder filters(int... v) { filters = Objects.requireNonNull(v, "filters").clone(); return this; }
        public Builder denseDims(int... v) { denseDims = Objects.requireNonNull(v, "denseDims").clone(); return this; }
        public Builder alpha(float v) { alpha = v; return this; }
        public Builder gamma(float v) { gamma = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder pretrainEpochs(int v) { pretrainEpochs = v; return this; }
        public Builder kmeansRestarts(int v) { kmeansRestarts = v; return this; }
        public Builder updateInterval(int v) { updateInterval = v; return this; }
        public Builder tol(double v) { tol = v; return this; }
        public Builder maxIter(int v) { maxIter = v; return this; }
        public Builder lr(float v) { lr = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder pretrainOptimizer(OptimizerSpec v) { pretrainOptimizer = v; return this; }
        public Builder clusterOptimizer(OptimizerSpec v) { clusterOptimizer = v; return this; }
        public Builder init(Init.Scheme v) { init = v; return this; }

        public DcecConfig build() {
            return new DcecConfig(method, K, filters, denseDims, alpha, gamma, batchSize, pretrainEpochs, kmeansRestarts,
                    updateInterval, tol, maxIter, lr, seed, checkpointEvery, pretrainOptimizer, clusterOptimizer, init);
        }
    }
}
