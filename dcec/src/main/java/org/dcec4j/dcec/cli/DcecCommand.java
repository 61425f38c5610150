package org.dcec4j.dcec.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.Inference;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TargetDistribution;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingDivergedException;
import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.cli.DatasetsCommand;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.kernels.Backend;
import org.dcec4j.engine.kernels.KernelOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code dcec} command: train, pretrain, cluster, predict, embed, evaluate, datasets.
 * Exit codes: 0 success, 1 failure (I/O, bad files), 2 bad options, 3 training diverged (NaN/Inf loss).
 */
@Command(name = "dcec", mixinStandardHelpOptions = true, version = "dcec4j 0.1.0",
        description = "Deep Convolutional Embedded Clustering (Guo et al. 2017) of your images, on a from-scratch JVM engine.",
        subcommands = {DcecCommand.Train.class, DcecCommand.Pretrain.class, DcecCommand.Cluster.class, DcecCommand.Predict.class,
                DcecCommand.Embed.class, DcecCommand.Evaluate.class, DcecCommand.DatasetsStub.class},
        footer = {"", "Run `dcec <command> --help` for a command's options. Docs: docs/usage.md"})
public final class DcecCommand implements Runnable {
    /** Shapes defaults that fit "a couple of minutes on 2 cores" (docs/usage.md#shapes-defaults). */
    public static final int SHAPES_LIMIT = 4000, SHAPES_EPOCHS = 25, SHAPES_BATCH = 64, SHAPES_MAX_ITER = 2000, SHAPES_T = 100;
    /** Shapes stop rule: 0.5 % = 20 of 4,000 labels (docs/usage.md#shapes-defaults). */
    public static final double SHAPES_TOL = 0.005;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    public static void main(String[] args) { System.exit(run(args, System.out, System.err)); }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("datasets"))
            return DatasetsCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    /** The configured picocli command line (tests inspect it). */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new DcecCommand());
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter e = line.getErr();
            if (ex instanceof TrainingDivergedException) { e.println("dcec: " + ex.getMessage()); return 3; }
            if (ex instanceof IllegalArgumentException || ex instanceof DatasetException) { e.println("dcec: " + ex.getMessage()); return 2; }
            if (ex instanceof IOException || ex instanceof TensorFile.FormatException || ex instanceof java.io.UncheckedIOException) {
                e.println("dcec: " + ex.getMessage()); return 1;
            }
            throw ex;
        });
        return cl;
    }

    // ======================================================================================== options
    /** Where the images come from. */
    static final class DataOptions {
        @Option(names = "--dataset", paramLabel = "NAME|FOLDER", defaultValue = "shapes",
                description = "A built-in set (mnist, mnist-test, usps, fashion-mnist, shapes) or a folder of images "
                        + "(sub-folders = classes, used only for scoring). Default: ${DEFAULT-VALUE}.")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Folder holding the named sets' files (searched before $DCEC4J_DATA and ~/.cache/dcec4j).")
        Path dataDir;

        @Option(names = "--limit", paramLabel = "N",
                description = "Use only the first N images (quick runs). Default: all (shapes: " + SHAPES_LIMIT + ", see docs/usage.md).")
        Integer limit;

        @Option(names = "--channels", paramLabel = "C", defaultValue = "1",
                description = "Image folders: 1 (grayscale) or 3 (RGB). Default: ${DEFAULT-VALUE}.")
        int channels;

        @Option(names = "--image-size", paramLabel = "HxW", defaultValue = "28x28",
                description = "Image folders: resize every image to H×W (multiples of 4, e.g. 28x28, 32x32, 16x16; one number means square). Default: ${DEFAULT-VALUE}.")
        String imageSize;

        @Option(names = "--threads", paramLabel = "N",
                description = "Worker threads of the kernels and k-means (results are identical for any value). Default: all processors.")
        Integer threads;

        int[] hw() {
            String[] parts = imageSize.toLowerCase(Locale.ROOT).split("x");
            try {
                int h = Integer.parseInt(parts[0].trim()), w = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : h;
                if (parts.length > 2 || h < 1 || w < 1) throw new NumberFormatException();
                return new int[] {h, w};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--image-size must be HxW or one number (e.g. 28x28 or 32), not '" + imageSize + "'");
            }
        }

        void applyThreads() {
            if (threads != null) {
                if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
                System.setProperty("dcec4j.threads", Integer.toString(threads));
            }
        }

        boolean isShapes() { return "shapes".equals(dataset); }

        /** Loads the data (folders resized to C×H×W) and applies --limit. */
        Dataset load(int C, int H, int W) {
            if (dataDir != null && !Files.isDirectory(dataDir))
                throw new IllegalArgumentException("--data-dir: no folder at " + dataDir);
            if (C != 1 && C != 3) throw new IllegalArgumentException("--channels must be 1 or 3, got " + C);
            if (!Datasets.names().contains(dataset) && !Files.exists(Path.of(dataset)))
                throw new IllegalArgumentException("--dataset: '" + dataset + "' is neither a built-in set " + Datasets.names()
                        + " nor an existing folder");
            Dataset d = Datasets.load(dataset, DataSource.fromEnvironment(dataDir), C, H, W);
            Integer n = limit;
            if (n != null) {
                if (n < 1) throw new IllegalArgumentException("--limit must be at least 1, got " + n);
                if (n < d.size()) d = d.subset(0, n);
            }
            return d;
        }

        Dataset load() { int[] hw = hw(); return load(channels, hw[0], hw[1]); }
    }

    /** Every hyper-parameter; null = the reference default (or the shapes default). */
    static final class TrainOptions {
        @Option(names = "--method", paramLabel = "M", defaultValue = "dcec",
                description = "dcec, cae-kmeans, dec-conv (decoder dropped), kmeans (raw pixels), dec or idec (dense autoencoder d-500-500-2000-K). Default: ${DEFAULT-VALUE}.")
        String method;
        @Option(names = {"-k", "--clusters"}, paramLabel = "K",
                description = "Number of clusters K (also the embedding size). Default: the number of classes of a labelled set, else 10.")
        Integer clusters;
        @Option(names = "--filters", paramLabel = "F1,F2,F3", split = ",", hideParamSyntax = true, description = "CAE filter counts. Default: 32,64,128.")
        int[] filters;
        @Option(names = "--dense-dims", paramLabel = "H1,H2,...", split = ",", hideParamSyntax = true, description = "Hidden sizes of the dense autoencoder (dec, idec). Default: 500,500,2000.")
        int[] denseDims;
        @Option(names = "--alpha", paramLabel = "A", description = "Degrees of freedom α of the Student's t kernel. Default: 1.")
        Float alpha;
        @Option(names = "--gamma", paramLabel = "G", description = "Weight γ of the clustering loss in L = Lr + γ·Lc. Default: 0.1.")
        Float gamma;
        @Option(names = "--batch-size", paramLabel = "B", description = "Mini-batch size. Default: 256 (shapes: " + SHAPES_BATCH + ").")
        Integer batchSize;
        @Option(names = "--pretrain-epochs", paramLabel = "E", description = "Autoencoder pretraining epochs. Default: 200 (shapes: " + SHAPES_EPOCHS + ").")
        Integer pretrainEpochs;
        @Option(names = "--kmeans-restarts", paramLabel = "R", description = "k-means++ restarts, lowest inertia kept. Default: 20.")
        Integer restarts;
        @Option(names = {"-T", "--update-interval"}, paramLabel = "T", description = "Iterations between recomputations of the target distribution P. Default: 140 (shapes: " + SHAPES_T + ").")
        Integer updateInterval;
        @Option(names = "--tol", paramLabel = "TOL", description = "Stop when fewer than this fraction of labels changed between two recomputations. Default: 0.001 (shapes: " + SHAPES_TOL + ").")
        Double tol;
        @Option(names = "--max-iter", paramLabel = "N", description = "Most clustering iterations. Default: 20000 (shapes: " + SHAPES_MAX_ITER + ").")
        Integer maxIter;
        @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (both phases). Default: 0.001.")
        Float lr;
        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
        long seed;
        @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
                description = "Write out/checkpoint.dc4j every N pretraining epochs and every N clustering iterations (0 = never). Default: ${DEFAULT-VALUE}.")
        int checkpointEvery;
        @Option(names = "--resume", description = "Continue a killed run from its --out folder's checkpoint (same options and --seed).")
        boolean resume;
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "dcec-out", description = "Output folder. Default: ${DEFAULT-VALUE}.")
        Path out;

        DcecConfig config(Dataset d, boolean shapes) {
            DcecConfig.Builder b = DcecConfig.defaults().toBuilder().method(Method.parse(method)).seed(seed).checkpointEvery(checkpointEvery);
            if (shapes) b.batchSize(SHAPES_BATCH).pretrainEpochs(SHAPES_EPOCHS).maxIter(SHAPES_MAX_ITER).updateInterval(SHAPES_T).tol(SHAPES_TOL);
            b.K(clusters != null ? clusters : d.hasLabels() && d.numClasses() >= 2 ? d.numClasses() : 10);
            if (filters != null) b.filters(filters);
            if (denseDims != null) b.denseDims(denseDims);
            if (alpha != null) b.alpha(alpha);
            if (gamma != null) b.gamma(gamma);
            if (batchSize != null) b.batchSize(batchSize);
            if (pretrainEpochs != null) b.pretrainEpochs(pretrainEpochs);
            if (restarts != null) b.kmeansRestarts(restarts);
            if (updateInterval != null) b.updateInterval(updateInterval);
            if (tol != null) b.tol(tol);
            if (maxIter != null) b.maxIter(maxIter);
            if (lr != null) b.lr(lr);
            return b.build().validate();
        }
    }

    // ======================================================================================== training commands
    abstract static class TrainingCommand implements Callable<Integer> {
        @Mixin DataOptions data = new DataOptions();
        @Mixin TrainOptions train = new TrainOptions();
        @Spec CommandLine.Model.CommandSpec spec;

        abstract String label();

        DcecTrainer configure(DcecTrainer t) { return t; }

        @Override public Integer call() throws IOException {
            data.applyThreads();
            Method.parse(train.method);                       // fail on a bad name before loading anything
            // shapes: each quick-run default applies unless its own option is given (config() overrides field by field)
            boolean shapes = data.isShapes();
            if (shapes && data.limit == null) data.limit = SHAPES_LIMIT;
            Dataset d = data.load();
            DcecConfig cfg = train.config(d, shapes);
            PrintWriter out = spec.commandLine().getOut();
            PrintStream progress = System.err;
            DcecTrainer trainer = configure(new DcecTrainer(cfg, d, train.out).resume(train.resume));
            out.printf(Locale.ROOT, "dcec %s: %s on %s, %d images of %dx%dx%d, K=%d, seed %d%n", label(), cfg.method(), d.name(),
                    d.size(), d.channels(), d.height(), d.width(), cfg.K(), cfg.seed());
            out.println("kernels: " + Backend.describe() + ", threads: " + KernelOptions.threads());
            out.flush();
            trainer.listener(new CliProgress(progress, d.size(), cfg));
            DcecResult r = trainer.run();
            summary(out, r, d, cfg);
            return 0;
        }

        void summary(PrintWriter out, DcecResult r, Dataset d, DcecConfig cfg) throws IOException {
            out.println();
            out.println("summary");
            if (r.labels() != null) {
                out.println("  " + (r.scores().present() ? r.scores().toString() : "no labels: ACC/NMI/ARI not computed"));
                if (cfg.method().clusters)
                    out.println("  clustering iterations: " + r.iterations() + (r.converged() ? " (converged: < tol labels changed)" : " (stopped at --max-iter)"));
                int[] sizes = new int[cfg.K()];
                for (int l : r.labels()) sizes[l]++;
                out.println("  cluster sizes: " + Arrays.toString(sizes));
            }
            for (Map.Entry<Phase, Double> e : r.seconds().entrySet())
                out.printf(Locale.ROOT, "  %-9s %8.1f s%n", e.getKey().id, e.getValue());
            out.println("  kernels: " + Backend.describe() + ", threads: " + KernelOptions.threads());
            out.println("  output: " + train.out.toAbsolutePath());
            out.flush();
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"All phases: pretraining, k-means initialisation, clustering; writes logs, weights, model, predictions and report.html to --out.",
                    "With no options: DCEC on " + SHAPES_LIMIT + " images of the built-in shapes set (a couple of minutes on 2 cores)."})
    static final class Train extends TrainingCommand {
        @Option(names = "--no-report", description = "Do not write report.html.")
        boolean noReport;

        String label() { return "train"; }

        @Override void summary(PrintWriter out, DcecResult r, Dataset d, DcecConfig cfg) throws IOException {
            if (!noReport) {
                Path html = train.out.resolve(HtmlReport.FILE_NAME);
                HtmlReport.fromRunDirectory(train.out, d.images(), d.size(), d.channels(), d.height(), d.width(), d.labels(), 10).write(html);
            }
            super.summary(out, r, d, cfg);
            if (!noReport) out.println("  report: " + train.out.resolve(HtmlReport.FILE_NAME).toAbsolutePath());
            out.flush();
        }
    }

    @Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Only pretrain the autoencoder (reconstruction loss); writes cae_weights.dc4j (ae_weights.dc4j for dec/idec) and pretrain_log.csv.")
    static final class Pretrain extends TrainingCommand {
        String label() { return "pretrain"; }
        @Override DcecTrainer configure(DcecTrainer t) { return t.pretrainOnly(true); }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
            description = "k-means initialisation and clustering from saved autoencoder weights (skips pretraining).")
    static final class Cluster extends TrainingCommand {
        @Option(names = "--weights", paramLabel = "FILE", description = "Pretrained weights. Default: <out>/cae_weights.dc4j (ae_weights.dc4j for dec/idec).")
        Path weights;

        String label() { return "cluster"; }

        @Override DcecTrainer configure(DcecTrainer t) {
            Method m = Method.parse(train.method);
            return t.pretrainedWeights(weights != null ? weights : train.out.resolve(DcecTrainer.weightsFileName(m)));
        }
    }

    // ======================================================================================== model commands
    abstract static class ModelCommand implements Callable<Integer> {
        @Mixin DataOptions data = new DataOptions();
        @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model.dc4j written by `dcec train` or `dcec cluster`.")
        Path model;
        @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256", description = "Inference batch size. Default: ${DEFAULT-VALUE}.")
        int batchSize;
        @Spec CommandLine.Model.CommandSpec spec;

        TrainedModel m;
        Dataset d;

        void load() throws IOException {
            data.applyThreads();
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("--model: no file at " + model);
            if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            m = TrainedModel.load(model);
            d = data.load(m.channels, m.height, m.width);
            if (d.channels() != m.channels || d.height() != m.height || d.width() != m.width)
                throw new IllegalArgumentException(d.name() + " has " + d.channels() + "x" + d.height() + "x" + d.width()
                        + " images but the model takes " + m.channels + "x" + m.height + "x" + m.width);
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Assign clusters to images with a trained model: CSV of index,cluster,confidence (confidence = max_j q_ij).")
    static final class Predict extends ModelCommand {
        @Option(names = "--output", paramLabel = "CSV", defaultValue = "predictions.csv", description = "Output CSV. Default: ${DEFAULT-VALUE}.")
        Path output;

        @Override public Integer call() throws IOException {
            load();
            float[] q = m.softAssign(d.images(), d.size(), batchSize);
            int[] labels = new int[d.size()];
            TargetDistribution.argmax(labels, q, d.size(), m.K());
            DcecTrainer.writePredictions(output, labels, Inference.confidence(q, d.size(), m.K()), null);
            spec.commandLine().getOut().println("wrote " + d.size() + " predictions to " + output.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Embeddings z = F(x) of images: CSV of index,z0,...,z(K-1).")
    static final class Embed extends ModelCommand {
        @Option(names = "--output", paramLabel = "CSV", defaultValue = "embeddings.csv", description = "Output CSV. Default: ${DEFAULT-VALUE}.")
        Path output;

        @Override public Integer call() throws IOException {
            load();
            if (m.ae == null) throw new IllegalArgumentException("--model: a kmeans (pixel) model has no encoder to embed with");
            int N = d.size(), K = m.featureSize();
            float[] z = m.features(d.images(), N, batchSize);
            StringBuilder s = new StringBuilder("index");
            for (int j = 0; j < K; j++) s.append(",z").append(j);
            s.append('\n');
            for (int i = 0; i < N; i++) {
                s.append(i);
                for (int j = 0; j < K; j++) s.append(',').append(z[i * K + j]);
                s.append('\n');
            }
            TensorFile.writeAtomically(output, s.toString().getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("wrote " + N + " embeddings of size " + K + " to " + output.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "ACC, NMI (arithmetic and geometric) and ARI of a trained model on a labelled data set.")
    static final class Evaluate extends ModelCommand {
        @Override public Integer call() throws IOException {
            load();
            if (!d.hasLabels()) throw new IllegalArgumentException(d.name() + " has no labels: evaluate needs a labelled set (a named set or a folder with one sub-folder per class)");
            float[] q = m.softAssign(d.images(), d.size(), batchSize);
            int[] labels = new int[d.size()];
            TargetDistribution.argmax(labels, q, d.size(), m.K());
            Scores s = Scores.of(d.labels(), labels);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%s on %s (%d images): ACC %.4f  NMI %.4f  NMI(geometric) %.4f  ARI %.4f%n", m.config.method(), d.name(), d.size(),
                    s.acc(), s.nmi(), org.dcec4j.dcec.metrics.Metrics.nmi(d.labels(), labels, org.dcec4j.dcec.metrics.NmiAverage.GEOMETRIC), s.ari());
            return 0;
        }
    }

    @Command(name = "datasets", description = "Built-in data sets: list, verify, fetch, sheet (run `dcec datasets --help`).")
    static final class DatasetsStub implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Arguments of the datasets command.")
        List<String> args = new ArrayList<>();
        @Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            // reached only when picocli is called directly (DcecCommand.run intercepts "datasets" first)
            return DatasetsCommand.run(args.toArray(new String[0]), System.out, System.err);
        }
    }
}
