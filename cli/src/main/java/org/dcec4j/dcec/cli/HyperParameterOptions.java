package org.dcec4j.dcec.cli;

import java.util.Map;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.datasets.cli.AsciiNumbers;
import org.dcec4j.engine.nn.Init;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The hyper-parameters of the training commands, shared by {@code dcec train}, {@code pretrain}, {@code cluster} and
 * {@code dcec-spark train} (a picocli mixin). An option left out keeps the value the command starts from: the
 * reference default, or on the built-in {@code shapes} set the shapes default (docs/usage.md#shapes-defaults).
 */
public final class HyperParameterOptions {
    @Option(names = {"-k", "--clusters"}, paramLabel = "K",
            description = "Number of clusters K (also the embedding size). Default: the number of classes of a labelled set, else 10.")
    Integer clusters;
    // One value each, a comma-separated list: a repeated option is refused like any single-valued one
    // (an int[] option would append the second list to the first).
    @Option(names = "--filters", paramLabel = "F1,F2,F3", converter = IntListConverter.class,
            description = "CAE filter counts. Default: 32,64,128.")
    IntList filters;
    @Option(names = "--dense-dims", paramLabel = "H1,H2,...", converter = IntListConverter.class,
            description = "Hidden sizes of the dense autoencoder (dec, idec). Default: 500,500,2000.")
    IntList denseDims;
    @Option(names = "--alpha", paramLabel = "A", description = "Degrees of freedom α > 0 of the Student's t kernel, at most 1e8. Default: 1.")
    Float alpha;
    @Option(names = "--gamma", paramLabel = "G", description = "Weight γ ≥ 0 of the clustering loss in L = Lr + γ·Lc. Default: 0.1.")
    Float gamma;
    @Option(names = "--batch-size", paramLabel = "B", description = "Mini-batch size. Default: 256 (shapes: " + DcecCommand.SHAPES_BATCH + ").")
    Integer batchSize;
    @Option(names = "--pretrain-epochs", paramLabel = "E",
            description = "Autoencoder pretraining epochs. Default: 200 (shapes: " + DcecCommand.SHAPES_EPOCHS + ").")
    Integer pretrainEpochs;
    @Option(names = "--kmeans-restarts", paramLabel = "R",
            description = "k-means restarts of the centre initialisation, 1 to 1000000, lowest inertia kept (dcec-spark: MLlib k-means|| runs). Default: 20.")
    Integer restarts;
    @Option(names = {"-T", "--update-interval"}, paramLabel = "T",
            description = "Iterations between recomputations of the target distribution P. Default: 140 (shapes: " + DcecCommand.SHAPES_T + ").")
    Integer updateInterval;
    @Option(names = "--tol", paramLabel = "TOL",
            description = "Stop when fewer than this fraction of labels (0 to 1) changed between two recomputations of P. Default: 0.001 (shapes: "
                    + DcecCommand.SHAPES_TOL + ").")
    Double tol;
    @Option(names = "--max-iter", paramLabel = "N", description = "Most clustering iterations. Default: 20000 (shapes: " + DcecCommand.SHAPES_MAX_ITER + ").")
    Integer maxIter;
    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate of both phases (an sgd:LR:MOMENTUM optimiser has its own). Default: 0.001.")
    Float lr;
    @Option(names = "--pretrain-optimizer", paramLabel = "OPT", converter = OptimizerConverter.class,
            description = "Optimiser of the pretraining: adam (at --lr) or sgd:LR:MOMENTUM (Keras's SGD, e.g. sgd:1:0.9). Default: adam.")
    OptimizerSpec pretrainOptimizer;
    @Option(names = "--cluster-optimizer", paramLabel = "OPT", converter = OptimizerConverter.class,
            description = "Optimiser of the clustering phase: adam (at --lr) or sgd:LR:MOMENTUM (e.g. sgd:0.01:0.9). Default: adam.")
    OptimizerSpec clusterOptimizer;
    @Option(names = "--init", paramLabel = "INIT", converter = InitConverter.class,
            description = "Initial weights of the autoencoder: glorot-uniform (Keras's default) or uniform-fan-in "
                    + "(U(±1/√fan_in), Keras's VarianceScaling(1/3, 'fan_in', 'uniform')). Default: glorot-uniform.")
    Init.Scheme init;

    /** The value of a list option: the integers of one comma-separated argument. */
    record IntList(int[] values) {}

    static final class IntListConverter implements CommandLine.ITypeConverter<IntList> {
        @Override public IntList convert(String value) {
            String[] parts = value.split(",", -1);
            int[] values = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    values[i] = AsciiNumbers.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("'" + parts[i] + "' is not an int (" + AsciiNumbers.DIGITS + ")");
                }
            }
            return new IntList(values);
        }
    }

    static final class OptimizerConverter implements CommandLine.ITypeConverter<OptimizerSpec> {
        @Override public OptimizerSpec convert(String value) { return OptimizerSpec.parse(value); }
    }

    static final class InitConverter implements CommandLine.ITypeConverter<Init.Scheme> {
        @Override public Init.Scheme convert(String value) { return Init.Scheme.byName(value); }
    }
    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    /**
     * The option of each setting that the library names in its messages ({@link org.dcec4j.dcec.ConfigException}):
     * the settings of these options; a command adds its own.
     */
    public static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("method", "--method"), Map.entry("clusters", "--clusters"), Map.entry("filters", "--filters"),
            Map.entry("denseDims", "--dense-dims"), Map.entry("alpha", "--alpha"), Map.entry("gamma", "--gamma"),
            Map.entry("batchSize", "--batch-size"), Map.entry("pretrainEpochs", "--pretrain-epochs"),
            Map.entry("kmeansRestarts", "--kmeans-restarts"), Map.entry("updateInterval", "--update-interval"),
            Map.entry("tolerance", "--tol"), Map.entry("maxIterations", "--max-iter"), Map.entry("learningRate", "--lr"),
            Map.entry("pretrainOptimizer", "--pretrain-optimizer"), Map.entry("clusterOptimizer", "--cluster-optimizer"),
            Map.entry("init", "--init"),
            Map.entry("seed", "--seed"), Map.entry("runFolder", "--out"), Map.entry("overwrite", "--overwrite"));

    /** {@link #OPTIONS} with a command's own settings and options added. */
    public static Map<String, String> optionsWith(Map<String, String> own) {
        Map<String, String> all = new java.util.HashMap<>(OPTIONS);
        all.putAll(own);
        return Map.copyOf(all);
    }

    /**
     * The settings that only the pretraining uses and that the command line gives explicitly (the library's names:
     * pretrainEpochs, pretrainOptimizer, init): what {@code cluster} checks against the pretraining it continues.
     */
    public java.util.Set<String> givenPretrainingSettings() {
        java.util.Set<String> given = new java.util.TreeSet<>();
        if (pretrainEpochs != null) given.add("pretrainEpochs");
        if (pretrainOptimizer != null) given.add("pretrainOptimizer");
        if (init != null) given.add("init");
        return given;
    }

    /** --seed. */
    public long seed() { return seed; }

    /**
     * Sets the seed, on {@code shapes} the shapes defaults, K (--clusters, else {@code defaultK}) and every option
     * given, in that order, so an option always wins over a default.
     */
    public DcecConfig.Builder applyTo(DcecConfig.Builder b, boolean shapes, int defaultK) {
        b.seed(seed);
        if (shapes)
            b.batchSize(DcecCommand.SHAPES_BATCH).pretrainEpochs(DcecCommand.SHAPES_EPOCHS).maxIter(DcecCommand.SHAPES_MAX_ITER)
                    .updateInterval(DcecCommand.SHAPES_T).tol(DcecCommand.SHAPES_TOL);
        b.K(clusters != null ? clusters : defaultK);
        if (filters != null) b.filters(filters.values());
        if (denseDims != null) b.denseDims(denseDims.values());
        if (alpha != null) b.alpha(alpha);
        if (gamma != null) b.gamma(gamma);
        if (batchSize != null) b.batchSize(batchSize);
        if (pretrainEpochs != null) b.pretrainEpochs(pretrainEpochs);
        if (restarts != null) b.kmeansRestarts(restarts);
        if (updateInterval != null) b.updateInterval(updateInterval);
        if (tol != null) b.tol(tol);
        if (maxIter != null) b.maxIter(maxIter);
        if (lr != null) b.lr(lr);
        if (pretrainOptimizer != null) b.pretrainOptimizer(pretrainOptimizer);
        if (clusterOptimizer != null) b.clusterOptimizer(clusterOptimizer);
        if (init != null) b.init(init);
        return b;
    }
}
