package org.dcec4j.spark.cli;

import static org.dcec4j.datasets.cli.TerminalText.printable;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.cli.DcecCommand;
import org.dcec4j.dcec.cli.HyperParameterOptions;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.run.PretrainingConfig;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.datasets.cli.Counts;
import org.dcec4j.dcec.train.TrainingDivergedException;
import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.ImageFolder;
import org.dcec4j.datasets.ImageStream;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.spark.ImageSources;
import org.dcec4j.spark.JvmOptions;
import org.dcec4j.spark.SparkDcecTrainer;
import org.dcec4j.spark.SparkErrors;
import org.dcec4j.spark.SparkInference;
import org.dcec4j.spark.SparkRun;
import org.dcec4j.spark.TrainingData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dcec-spark}: the {@code dcec} commands train, predict and embed on Apache Spark, for {@code spark-submit} or
 * a local master ({@code --master local[*]}). The options mirror {@code dcec}'s; the exit codes are the same: 0
 * success, 1 failure (I/O, unreadable images, a damaged model, a failed Spark job), 2 a bad option, 3 diverged.
 *
 * <p>Docs: docs/scale-out.md
 */
@Command(name = "dcec-spark", mixinStandardHelpOptions = true, version = "dcec4j 0.1.0",
        description = "DCEC on Apache Spark: distributed predict/embed over image files or Parquet tables, distributed training.",
        subcommands = {SparkCommand.Train.class, SparkCommand.Predict.class, SparkCommand.Embed.class, SparkCommand.Options.class},
        footer = {"", "Run through spark-submit, or with --master local[*]. Docs: docs/scale-out.md"})
public final class SparkCommand implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    /** No command given: a usage error (exit code 2, the usage on stderr), as a script's empty $COMMAND should not pass. */
    @Override public void run() { throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand"); }

    public static void main(String[] args) { System.exit(run(args, System.out, System.err)); }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** The command line with dcec's converters: paths, and whole numbers in ASCII digits only, as in dcec. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.registerConverter(Path.class, DcecCommand.PATHS);   // a path the locale cannot spell says why, as in dcec
        DcecCommand.registerNumberConverters(cl);              // '--limit ٣' is refused, not read as 3
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            int code = report(ex, line.getErr());
            if (code < 0) throw ex;
            return code;
        });
        return cl;
    }

    static int report(Exception ex, PrintWriter e) {
        TrainingDivergedException diverged = SparkErrors.divergedCause(ex);     // on the driver, or inside a failed job
        if (diverged != null) { e.println("dcec-spark: " + printable(diverged.getMessage())); return DcecCommand.DIVERGED; }
        if (ex instanceof ConfigException c) { e.println("dcec-spark: " + printable(c.render(OPTIONS))); return DcecCommand.BAD_OPTION; }
        if (ex instanceof java.nio.file.InvalidPathException p) { e.println("dcec-spark: " + printable(IoErrors.describe(p))); return DcecCommand.BAD_OPTION; }
        if (ex instanceof IllegalArgumentException) { e.println("dcec-spark: " + printable(ex.getMessage())); return DcecCommand.BAD_OPTION; }
        if (ex instanceof IOException io) { e.println("dcec-spark: " + printable(IoErrors.describe(io))); return DcecCommand.FAILED; }
        if (ex instanceof DatasetException || ex instanceof TensorFile.FormatException || ex instanceof SparkException
                || ex instanceof java.io.UncheckedIOException || ex instanceof org.apache.spark.sql.AnalysisException) {
            e.println("dcec-spark: " + printable(SparkErrors.describe(ex))); return DcecCommand.FAILED;
        }
        return -1;
    }

    /** The command line's option for each setting the library names in its messages. */
    static final Map<String, String> OPTIONS = HyperParameterOptions.optionsWith(Map.of("syncEvery", "--sync-every",
            "pretrainMode", "--pretrain-mode", "partitions", "--partitions", "model", "--model", "pretrainedWeights", "--weights"));

    // ======================================================================================== options
    /** The Spark session: master and settings (spark-submit's, unless given here). */
    static final class SparkOptions {
        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master, e.g. local[*] for this machine (default: the one spark-submit passes).")
        String master;

        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), as spark-submit's --conf.")
        List<String> conf = new ArrayList<>();

        /** True when this command made the session (and so stops it); a session already running in the JVM is left running. */
        boolean owns;

        /**
         * Stops the session if this command made it, then waits (10 s at most) until the executors' task threads have
         * ended: a task cancelled by the stop (the other tasks of a failed job) can still be logging its abort, a stack
         * trace of 60 lines, after stop returns, and the command's error line is to come last.
         */
        void stop(SparkSession spark) {
            if (!owns) return;
            spark.stop();
            awaitThreads(TASK_THREADS, 10_000);
        }

        /** The name Spark's executors give their task threads (a local master's included). */
        static final String TASK_THREADS = "Executor task launch worker";

        /** Waits until every live thread whose name starts with prefix has ended, or millis have passed. */
        static void awaitThreads(String prefix, long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!t.getName().startsWith(prefix) || t == Thread.currentThread()) continue;
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) return;
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        SparkSession session(String command) {
            owns = SparkSession.getDefaultSession().isEmpty();
            SparkSession.Builder b = SparkSession.builder().appName("dcec4j " + command);
            if (master != null) b.master(master);
            else if (owns && System.getProperty("spark.master") == null)
                throw new IllegalArgumentException("no Spark master: pass --master local[*] to run on this machine, or start the jar with spark-submit");
            for (String[] kv : settings()) b.config(kv[0], kv[1]);
            return b.getOrCreate();
        }

        /** --conf as {key, value} pairs. */
        List<String[]> settings() {
            List<String[]> all = new ArrayList<>();
            for (String c : conf) {
                int eq = c.indexOf('=');
                if (eq < 1) throw new IllegalArgumentException("--conf must be KEY=VALUE, not '" + c + "'");
                all.add(new String[] {c.substring(0, eq), c.substring(eq + 1)});
            }
            return all;
        }

        /**
         * A file's bytes from any Hadoop path (a local path too), read on the driver before the session starts, with the
         * Hadoop settings the session's file systems have: the running session's, if there is one (its file systems, as
         * the session reads the file), else those the session will have, made as SparkContext makes its own
         * ({@code SparkHadoopUtil.newConfiguration}) from the same Spark settings (spark-submit's spark.* system
         * properties, --master and --conf, spark.hadoop.* among them). Without a session the file system is a fresh
         * instance, closed once the file is read: Hadoop caches file systems by scheme, authority and user, not by
         * settings, so a cached one made here would be the one the session's jobs were given.
         */
        byte[] readBytes(String path, String option) throws IOException { return read(path, option); }

        /** {@link #readBytes} of a file that may be absent: null when there is no file at {@code path}. */
        byte[] readIfPresent(String path) throws IOException { return read(path, null); }

        /**
         * A file system that cannot be reached or read (an unknown host, a refused connection, a scheme with no file
         * system) is an IOException naming the option and the path, with the file system's own reason: Hadoop's
         * "java.net.UnknownHostException: namenode" alone named neither.
         */
        private byte[] read(String path, String option) throws IOException {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            scala.Option<SparkSession> running = SparkSession.getDefaultSession();
            org.apache.hadoop.conf.Configuration hadoop;
            if (running.isDefined()) {
                hadoop = running.get().sparkContext().hadoopConfiguration();
            } else {
                org.apache.spark.SparkConf sparkConf = new org.apache.spark.SparkConf();
                if (master != null) sparkConf.setMaster(master);
                for (String[] kv : settings()) sparkConf.set(kv[0], kv[1]);     // a bad --conf is the option's error, not the file's
                hadoop = org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(sparkConf);
            }
            byte[] bytes;
            try {
                if (running.isDefined()) {
                    bytes = SparkCommand.readBytes(p.getFileSystem(hadoop), path);
                } else {
                    try (org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.newInstance(p.toUri(), hadoop)) {
                        bytes = SparkCommand.readBytes(fs, path);
                    }
                }
            } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
                String why = e instanceof IOException io ? IoErrors.describe(io) : e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                throw new IOException((option == null ? "" : option + " ") + path + ": cannot read it through its file system (" + why + ")", e);
            }
            if (bytes == null && option != null) throw new IllegalArgumentException(option + ": no file at " + path);
            return bytes;
        }
    }

    /**
     * Where the images come from: --dataset (each command's own, {@link FilesInput} or {@link DataOptions}: they take
     * different things) or a table.
     */
    abstract static class InputOptions {
        String dataset;

        @Option(names = "--table", paramLabel = "PATH", description = "Instead of --dataset: a Parquet table of pixel arrays (C*H*W floats in [0, 1]).")
        String table;

        @Option(names = "--id-column", paramLabel = "NAME", defaultValue = "id", description = "--table: the id column. Default: ${DEFAULT-VALUE}.")
        String idColumn;

        @Option(names = "--pixels-column", paramLabel = "NAME", defaultValue = "pixels",
                description = "--table: the pixel column (array of float or double). Default: ${DEFAULT-VALUE}.")
        String pixelsColumn;

        boolean isNamed() { return dataset != null && Datasets.names().contains(dataset); }

        void requireOne() {
            if ((dataset == null) == (table == null)) throw new IllegalArgumentException("give either --dataset or --table");
        }
    }

    /** predict's and embed's images: a folder of files (read on the executors) or a table; no built-in set. */
    static final class FilesInput extends InputOptions {
        @Option(names = "--dataset", paramLabel = "PATH", description = "A folder of images on any Hadoop file system (file:, hdfs:, s3a:; "
                + "searched at any depth), or one image file. The built-in sets are dcec predict's.")
        void dataset(String path) { dataset = path; }

        /** Refuses a built-in set's name, before Spark starts (it was refused only after the session's start-up). */
        void check() {
            requireOne();
            if (isNamed()) throw new IllegalArgumentException("--dataset " + dataset + ": predict and embed read a folder of image files or a "
                    + "--table; use `dcec predict` for the built-in sets (a folder of that name: ./" + dataset + ")");
        }

        /** Images for a model command: a folder of files or a table. */
        ImageSources.Source source(SparkSession spark) {
            check();
            return table != null ? ImageSources.table(spark, table, idColumn, pixelsColumn) : ImageSources.files(spark, dataset);
        }
    }

    /**
     * Training's images: besides the input, the built-in sets' folder and size, and the driver's kernel threads.
     * predict and embed do not take these (they read files or a table, and their kernels run on the executors).
     */
    static final class DataOptions extends InputOptions {
        @Option(names = "--dataset", paramLabel = "NAME|PATH",
                description = "A built-in set (mnist, mnist-test, usps, fashion-mnist, shapes: read on the driver, then spread), or a folder of "
                        + "images on any Hadoop file system (file:, hdfs:, s3a:; sub-folders = classes, used only for scoring).")
        void dataset(String nameOrPath) { dataset = nameOrPath; }

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding the built-in sets' files.")
        Path dataDir;

        @Option(names = "--limit", paramLabel = "N", description = "Built-in sets: only the first N images. Default: all (shapes: "
                + DcecCommand.SHAPES_LIMIT + ").")
        Integer limit;

        @Option(names = "--threads", paramLabel = "N",
                description = "Driver threads of the kernels (executors use their cores, or spark.dcec4j.threads). Default: all processors.")
        Integer threads;

        /** Refuses --threads below 1 (before the session starts). */
        void checkThreads() {
            if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }

        Backend backend() {
            checkThreads();
            return Backend.create(Backend.Kind.AUTO, threads != null ? threads : Runtime.getRuntime().availableProcessors());
        }
    }

    /** The hyper-parameters, as {@code dcec train}'s. */
    static final class TrainOptions {
        @Option(names = "--method", paramLabel = "M", defaultValue = "dcec",
                description = "dcec, cae-kmeans, dec-conv, dec or idec. Default: ${DEFAULT-VALUE}.")
        String method;
        @Mixin HyperParameterOptions hyperParameters = new HyperParameterOptions();
        @Option(names = "--pretrain-mode", paramLabel = "MODE", defaultValue = "synchronous",
                description = "synchronous (one job per mini-batch, the single machine's training) or averaging (partitions train apart, "
                        + "weights averaged every --sync-every batches). Default: ${DEFAULT-VALUE}.")
        String pretrainMode;
        @Option(names = "--sync-every", paramLabel = "S", defaultValue = "0",
                description = "--pretrain-mode averaging: batches between two averages (0 = once per epoch). Default: ${DEFAULT-VALUE}.")
        int syncEvery;
        @Option(names = "--pretrain-only", description = "Stop after pretraining (writes the weights and pretrain_log.csv), as `dcec pretrain`.")
        boolean pretrainOnly;
        @Option(names = "--weights", paramLabel = "FILE", description = "Skip pretraining: start from these weights, as `dcec cluster`.")
        String weights;
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "dcec-out", description = "Output folder on the driver. Default: ${DEFAULT-VALUE}.")
        Path out;
        @Option(names = "--predictions", paramLabel = "PATH",
                description = "Where the Parquet predictions go (any Hadoop path; on a cluster, a shared one). Default: <out>/predictions.parquet.")
        String predictions;
        @Option(names = "--no-csv", description = "Do not stream predictions.csv through the driver (the Parquet predictions are written).")
        boolean noCsv;
        @Option(names = "--overwrite", description = "Replace the results of an earlier run in --out.")
        boolean overwrite;
        @Option(names = "--no-report", description = "Do not write report.html (sample images only when all images fit 64 MB of floats).")
        boolean noReport;

        /**
         * The run's config, K = --clusters or else {@code defaultK} (the data's number of classes), checked as the
         * distributed trainer checks it before any work ({@link SparkDcecTrainer#check}: dcec's {@code
         * DcecConfig.validate} and the methods and optimisers it does not run).
         */
        DcecConfig config(int defaultK, boolean shapes) {
            DcecConfig.Builder b = DcecConfig.defaults().toBuilder().method(Method.parse(method));
            // from --weights the run does not pretrain: the pretraining's optimiser is the one that made them
            return SparkDcecTrainer.check(hyperParameters.applyTo(b, shapes, defaultK).build(), weights == null);
        }

        /**
         * {@link #config} of a run from --weights made by {@code pretraining}: with that pretraining's own settings
         * ({@link PretrainingConfig#applyTo}; a contradicting --pretrain-epochs, --pretrain-optimizer or --init is
         * refused), as {@code dcec cluster}'s; {@code cfg} itself without --weights (pretraining null).
         */
        DcecConfig withPretraining(DcecConfig cfg, PretrainingConfig pretraining) {
            if (pretraining == null) return cfg;
            return SparkDcecTrainer.check(pretraining.applyTo(cfg, hyperParameters.givenPretrainingSettings()), false);
        }

        /** The K a set without two or more classes gets, as in dcec. */
        static final int DEFAULT_K = 10;

        /**
         * Before the session starts, every check of the hyper-parameters that needs no data: all of {@link #config}'s
         * but those of a K left to the data (taken here as {@link #DEFAULT_K}, which passes them; the data's K is
         * checked, and K against the number of images, once the data are read), and --sync-every.
         */
        void check(boolean shapes) {
            config(DEFAULT_K, shapes);
            SparkDcecTrainer.checkSyncEvery(syncEvery);
        }

        SparkDcecTrainer.Pretraining mode() {
            try {
                return SparkDcecTrainer.Pretraining.valueOf(pretrainMode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--pretrain-mode must be synchronous or averaging, not '" + pretrainMode + "'");
            }
        }
    }

    static final Pattern SIZE = Pattern.compile("([0-9]{1,9})(?:[xX]([0-9]{1,9}))?");

    /** --image-size as {H, W}. */
    static int[] hw(String imageSize) {
        String text = imageSize == null ? "28x28" : imageSize.strip();
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("--image-size must be HxW or one number (e.g. 28x28 or 32), not '" + imageSize + "'");
        long h = Long.parseLong(m.group(1)), w = m.group(2) == null ? h : Long.parseLong(m.group(2));
        if (h < 1 || w < 1 || h > ImageFolder.MAX_SIZE || w > ImageFolder.MAX_SIZE)
            throw new IllegalArgumentException("--image-size: each side must be from 1 to " + ImageFolder.MAX_SIZE + " pixels, not '" + imageSize + "'");
        return new int[] {(int) h, (int) w};
    }

    /** A file's bytes from a Hadoop file system; null when there is no file at path (nothing, or a folder). */
    static byte[] readBytes(org.apache.hadoop.fs.FileSystem fs, String path) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        if (!fs.exists(p) || fs.getFileStatus(p).isDirectory()) return null;
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    // ======================================================================================== train
    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Pretraining, k-means|| initialisation and clustering on Spark; writes logs, weights, model and predictions to --out.",
                    "With --master local[*] and no data options: DCEC on " + DcecCommand.SHAPES_LIMIT + " images of the built-in shapes set."})
    static final class Train implements Callable<Integer> {
        @Mixin SparkOptions sparkOptions = new SparkOptions();
        @Mixin DataOptions data = new DataOptions();
        @Mixin TrainOptions train = new TrainOptions();
        @Option(names = "--channels", paramLabel = "C", description = "Image folders and tables: 1 (grayscale) or 3 (RGB). Default: 1.")
        Integer channels;
        @Option(names = "--image-size", paramLabel = "HxW", description = "Image folders and tables: H×W (multiples of 4, at least 12, both or neither multiples of 8). Default: 28x28.")
        String imageSize;
        // training's only: predict and embed keep their input's partitions (an option they ignored was accepted there, even 0)
        @Option(names = "--partitions", paramLabel = "N",
                description = "Partitions of the training data. Default: Spark's default parallelism (the cores of the cluster).")
        Integer partitions;
        @Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() throws IOException {
            Method.parse(train.method);
            if (data.dataset == null && data.table == null) data.dataset = "shapes";
            data.requireOne();
            int C = channels == null ? 1 : channels;
            if (C != 1 && C != 3) throw new IllegalArgumentException("--channels must be 1 or 3, got " + C);
            int[] size = hw(imageSize);
            if (data.isNamed() && (channels != null || imageSize != null))
                throw new IllegalArgumentException("--channels and --image-size apply to image folders and tables, " + data.dataset + " has its own images");
            if (!data.isNamed() && Method.parse(train.method).network == Method.Network.CONV) checkConvSize(C, size);
            if (data.limit != null && !data.isNamed()) throw new IllegalArgumentException("--limit applies to the built-in sets");
            if (data.limit != null && data.limit < 1) throw new IllegalArgumentException("--limit must be at least 1, got " + data.limit);
            if (partitions != null && partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
            SparkDcecTrainer.Pretraining mode = train.mode();
            boolean shapes = "shapes".equals(data.dataset);
            train.check(shapes);
            data.checkThreads();
            // read on the driver, before the start (a damaged file is said then too); checked against the network once
            // the data's K and the images' size are known
            byte[] weights = train.weights == null ? null : sparkOptions.readBytes(train.weights, "--weights");
            if (weights != null) TensorFile.parse(weights, train.weights);
            // the pretraining that made them, from the config.json beside them: a contradicting option is refused now
            PretrainingConfig pretraining = weights == null ? null : pretrainingOf(train.weights);
            train.withPretraining(train.config(TrainOptions.DEFAULT_K, shapes), pretraining);
            PrintWriter out = spec.commandLine().getOut();
            SparkSession spark = sparkOptions.session("train");
            try (Backend backend = data.backend()) {
                // an output below a file cannot be made: said now, not by Hadoop ("Parent path is not a directory") once the
                // whole run had been made, nor by the run folder once the data were read
                SparkInference.requireNoFileAbove(org.apache.hadoop.fs.FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()), train.out.toString());
                if (train.predictions != null) SparkInference.requireNoFileAbove(spark, train.predictions);
                // outputs that are files: said now, not by the run folder's lock once the data were read (--out), nor as
                // "already exists: pass --overwrite" followed by --overwrite's refusal of a file (--predictions)
                if (Files.exists(train.out) && !Files.isDirectory(train.out))
                    throw new IllegalArgumentException("--out " + train.out + " is a file, not a folder: a run writes its logs, weights,"
                            + " model and predictions into a folder; choose another --out");
                if (train.predictions != null && SparkInference.isFile(spark, train.predictions))
                    throw new IllegalArgumentException("--predictions " + train.predictions + " is a file, not a folder: the predictions"
                            + " are a folder (of Spark's part files); choose another --predictions");
                // what is at --predictions is another run's or the user's: replaced only with --overwrite (the default,
                // <out>/predictions.parquet, is one of the run folder's outputs, which the run folder guards)
                if (train.predictions != null && !train.overwrite && SparkInference.exists(spark, train.predictions))
                    throw new IllegalArgumentException("--predictions " + train.predictions + " already exists: pass --overwrite to replace it, "
                            + "or choose another path");
                if (train.predictions != null && train.overwrite) SparkInference.checkReplaceable(spark, train.predictions);
                int partitions = this.partitions != null ? this.partitions : spark.sparkContext().defaultParallelism();
                // the data first, as dcec train: a bad --dataset or --table leaves no --out folder behind
                TrainingData d = load(spark, partitions, C, size, shapes);
                DcecConfig cfg = train.withPretraining(train.config(d.numClasses() >= 2 ? d.numClasses() : TrainOptions.DEFAULT_K, shapes), pretraining);
                try (RunLock lock = RunLock.acquire(train.out, "dcec-spark train")) {
                    trainLocked(spark, backend, d, cfg, mode, weights, pretraining, out);
                }
            } finally {
                sparkOptions.stop(spark);
            }
            return 0;
        }

        /**
         * The pretraining that made the weights at {@code weights} (any Hadoop path), as {@code dcec cluster --weights}
         * finds it ({@link PretrainingConfig#ofWeights}): the config.json beside them, read through the same file
         * systems as the weights ({@link SparkOptions#readIfPresent}), when the file has the name a run folder gives
         * them (cae_weights.dc4j, or ae_weights.dc4j for dec and idec); otherwise, or without that config.json,
         * {@link PretrainingConfig#unknown()}.
         */
        private PretrainingConfig pretrainingOf(String weights) throws IOException {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(weights);
            if (!p.getName().equals(RunFolder.weightsFileName(Method.parse(train.method))) || p.getParent() == null)
                return PretrainingConfig.unknown();
            String config = new org.apache.hadoop.fs.Path(p.getParent(), RunFolder.CONFIG_JSON).toString();
            byte[] bytes = sparkOptions.readIfPresent(config);
            if (bytes == null) return PretrainingConfig.unknown();
            return PretrainingConfig.parse(utf8(bytes, config), config);
        }

        /** The bytes as UTF-8 text; a byte that is not UTF-8 is refused naming the file, its offset and the byte, as dcec refuses it. */
        private static String utf8(byte[] bytes, String file) {
            try {
                return org.dcec4j.datasets.IoErrors.decodeUtf8(bytes, file);
            } catch (java.nio.file.FileSystemException e) {
                throw new ConfigException(ConfigException.quote(e.getMessage()) + " (the settings of the pretraining whose weights are beside it): repair or delete it");
            }
        }

        /**
         * The images are converted to --image-size, so a size the convolutional autoencoder cannot take is the option's
         * to change, said before Spark starts (the autoencoder's own message, after the start-up, said "resize the images").
         */
        private void checkConvSize(int C, int[] size) {
            try {
                ConvAutoencoder.check(C, size[0], size[1], 1, new int[] {1, 1, 1});
            } catch (IllegalArgumentException e) {
                String why = e.getMessage().replace(": resize the images", "");
                throw new IllegalArgumentException("--image-size " + (imageSize == null ? "28x28" : imageSize) + ": " + why
                        + "; the images are converted to this size: choose another --image-size");
            }
        }

        /** The run itself, with the data loaded and --out locked. */
        private void trainLocked(SparkSession spark, Backend backend, TrainingData d, DcecConfig cfg, SparkDcecTrainer.Pretraining mode,
                byte[] weights, PretrainingConfig pretraining, PrintWriter out) throws IOException {
            String predictions = train.predictions != null ? train.predictions : train.out.resolve("predictions.parquet").toAbsolutePath().toString();
            SparkRun run = new SparkRun(spark, cfg, d, train.out).backend(backend).pretraining(mode, train.syncEvery).pretrainOnly(train.pretrainOnly)
                    .predictions(predictions, !train.noCsv).report(!train.noReport);
            if (weights != null)
                run.pretrainedWeights(weights, train.weights).pretrainingRecord(pretraining.recorded(train.hyperParameters.givenPretrainingSettings()));
            out.printf(Locale.ROOT, "dcec-spark train: %s on %s, %s of %dx%dx%d in %d partitions, K=%d, seed %d, master %s%n", cfg.method(),
                    printable(d.name()), Counts.of(d.size(), "image"), d.channels(), d.height(), d.width(), d.blocks().getNumPartitions(), cfg.K(), cfg.seed(), spark.sparkContext().master());
            out.println("driver kernels: " + backend.describe());
            out.flush();
            SparkDcecTrainer.Result r = run.run(train.overwrite, new ProgressLines(out));
            out.println();
            out.println("summary");
            if (r.model() != null) {
                out.println("  " + (r.scores().present() ? r.scores().toString() : "no labels: ACC/NMI/ARI not computed"));
                if (cfg.method().clusters)
                    out.println("  clustering iterations: " + r.iterations() + (r.converged() ? " (converged: < tol labels changed)" : " (stopped at --max-iter)"));
            }
            for (Map.Entry<Phase, Double> e : r.seconds().entrySet()) out.printf(Locale.ROOT, "  %-9s %8.1f s%n", e.getKey().id, e.getValue());
            out.println("  output: " + train.out.toAbsolutePath() + (r.model() != null ? ", predictions: " + predictions : ""));
            out.flush();
            r.release();
            d.release();
        }

        private TrainingData load(SparkSession spark, int partitions, int C, int[] size, boolean shapes) {
            if (data.table != null)
                return TrainingData.fromTable(ImageSources.table(spark, data.table, data.idColumn, data.pixelsColumn), C, size[0], size[1], partitions);
            if (!data.isNamed()) return TrainingData.fromFiles(spark, data.dataset, C, size[0], size[1], partitions);
            int limit = data.limit != null ? data.limit : shapes ? DcecCommand.SHAPES_LIMIT : Integer.MAX_VALUE;
            try (ImageStream s = Datasets.open(data.dataset, DataSource.fromEnvironment(data.dataDir), 1, 28, 28, limit)) {
                return TrainingData.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), s.readAll(), partitions);
            }
        }
    }

    /** One line per pretraining epoch and per recomputation of P. */
    static final class ProgressLines implements org.dcec4j.dcec.train.TrainingListener {
        private final PrintWriter out;

        ProgressLines(PrintWriter out) { this.out = out; }

        @Override public void epochDone(int epoch, double loss, double seconds) {
            out.printf(Locale.ROOT, "pretrain epoch %d: loss %.6f (%.1f s)%n", epoch, loss, seconds);
            out.flush();
        }

        @Override public void targetUpdated(int iteration, double delta, org.dcec4j.dcec.train.Scores s, Losses l) {
            out.printf(Locale.ROOT, "iteration %d: delta_label %.4f%s%n", iteration, delta, s.present() ? ", " + s : "");
            out.flush();
        }

        @Override public void phaseDone(Phase phase, double seconds) {
            out.printf(Locale.ROOT, "%s done in %.1f s%n", phase.id, seconds);
            out.flush();
        }
    }

    // ======================================================================================== predict, embed
    abstract static class ModelCommand implements Callable<Integer> {
        @Mixin SparkOptions sparkOptions = new SparkOptions();
        @Mixin FilesInput data = new FilesInput();
        @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model.dc4j (local or any Hadoop path).")
        String model;
        @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256", description = "Inference batch size. Default: ${DEFAULT-VALUE}.")
        int batchSize;
        @Option(names = "--format", paramLabel = "F", defaultValue = "parquet", description = "parquet or csv (q and z spread over columns). Default: ${DEFAULT-VALUE}.")
        String format;
        @Option(names = "--with-q", description = "Also write the soft assignments q (K values per image).")
        boolean withQ;
        @Option(names = "--overwrite", description = "Replace an existing --output.")
        boolean overwrite;
        @Spec CommandLine.Model.CommandSpec spec;

        abstract SparkInference.Output output();

        abstract String outputPath();

        @Override public Integer call() throws IOException {
            SparkInference.Format f;
            try {
                f = SparkInference.Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format must be parquet or csv, not '" + format + "'");
            }
            data.check();
            SparkInference.checkBatchSize(batchSize);
            // the model is read on the driver before the session starts (as SparkInference.run checks it): a damaged
            // file, a batch size too large for its images and embed of a pixel k-means model are said before the start
            byte[] bytes = sparkOptions.readBytes(model, "--model");
            TrainedModel m = TrainedModel.parse(bytes, model);
            SparkInference.check(m, model, output(), batchSize);
            SparkSession spark = sparkOptions.session(spec.name());
            try {
                // before the images are listed (a bucket of millions of files takes minutes): write checks it again
                SparkInference.checkOutput(spark, outputPath(), overwrite);
                ImageSources.Source src = data.source(spark);
                long t0 = System.nanoTime();
                Dataset<Row> result = SparkInference.run(spark, bytes, src, output(), withQ, batchSize);
                long n = SparkInference.write(result, outputPath(), f, overwrite, m.K());
                double secs = (System.nanoTime() - t0) / 1e9;
                spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s to %s in %.1f s (%.1f images/s)%n",
                        Counts.of(n, output() == SparkInference.Output.EMBED ? "embedding" : "prediction"), outputPath(), secs, n / secs);
            } finally {
                sparkOptions.stop(spark);
            }
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Clusters of images with a trained model: path (or id), cluster, confidence (= max_j q_ij)[, q].")
    static final class Predict extends ModelCommand {
        @Option(names = "--output", paramLabel = "PATH", defaultValue = "predictions.parquet", description = "Output folder (any Hadoop path). Default: ${DEFAULT-VALUE}.")
        String output;

        @Override SparkInference.Output output() { return SparkInference.Output.PREDICT; }
        @Override String outputPath() { return output; }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Embeddings z = F(x) of images: path (or id), cluster, confidence[, q], z.")
    static final class Embed extends ModelCommand {
        @Option(names = "--output", paramLabel = "PATH", defaultValue = "embeddings.parquet", description = "Output folder (any Hadoop path). Default: ${DEFAULT-VALUE}.")
        String output;

        @Override SparkInference.Output output() { return SparkInference.Output.EMBED; }
        @Override String outputPath() { return output; }
    }

    @Command(name = "jvm-options", mixinStandardHelpOptions = true,
            description = "Print the JVM options a driver or executor needs (Spark's module opens), for spark.driver.extraJavaOptions or java.")
    static final class Options implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            spec.commandLine().getOut().println(JvmOptions.get());
            return 0;
        }
    }
}
