package org.dcec4j.dcec.cli;

import org.dcec4j.datasets.cli.Counts;
import static org.dcec4j.datasets.cli.TerminalText.printable;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.Cancellation;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.report.ReportException;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.PixelBaseline;
import org.dcec4j.dcec.run.PredictionsCsv;
import org.dcec4j.dcec.run.PretrainingConfig;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.dcec.train.Checkpoint;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TrainedModel;
import org.dcec4j.dcec.train.TrainingDivergedException;
import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.ImageFolder;
import org.dcec4j.datasets.ImageStream;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.datasets.cli.AsciiNumbers;
import org.dcec4j.datasets.cli.DatasetsCommand;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.kernels.KernelOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code dcec} command: train, pretrain, cluster, predict, embed, evaluate, datasets.
 * Exit codes, the same for every subcommand: 0 success, 1 failure (failed I/O, a bad, unreadable or missing
 * data file, a failed download, a damaged model, out of memory), 2 a bad option or argument (the message says
 * which), 3 training diverged (NaN/Inf loss), and 128 + the signal's number when a signal stopped the process (130 for
 * Ctrl-C, 143 for SIGTERM: {@link SignalStop}). Every expected failure is one line on stderr, never a stack trace.
 */
@Command(name = "dcec", mixinStandardHelpOptions = true, versionProvider = DcecCommand.Version.class,
        description = "Deep Convolutional Embedded Clustering (Guo et al. 2017) of your images, on a from-scratch JVM engine.",
        subcommands = {DcecCommand.Train.class, DcecCommand.Pretrain.class, DcecCommand.Cluster.class, DcecCommand.Predict.class,
                DcecCommand.Embed.class, DcecCommand.Evaluate.class, InfoCommand.class, ReportCommand.class, DcecCommand.DatasetsStub.class,
                org.dcec4j.dcec.repro.ReproduceCommand.class},
        footer = {"", "Run `dcec <command> --help` for a command's options. Docs: docs/usage.md"})
public final class DcecCommand implements Runnable {
    /** Shapes defaults that fit "a couple of minutes on 2 cores" (docs/usage.md#shapes-defaults). */
    public static final int SHAPES_LIMIT = 4000, SHAPES_EPOCHS = 25, SHAPES_BATCH = 64, SHAPES_MAX_ITER = 2000, SHAPES_T = 100;
    /** Shapes stop rule: 0.5 % = 20 of 4,000 labels (docs/usage.md#shapes-defaults). */
    public static final double SHAPES_TOL = 0.005;

    @Spec CommandLine.Model.CommandSpec spec;

    /** {@code dcec --version}: the release, the commit the jar was built from (its build stamp) and the arithmetic version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() { return new String[] {org.dcec4j.dcec.Version.describe()}; }
    }

    /** The standard error stream the command line was given: the training commands' progress goes there. */
    final PrintStream err;

    DcecCommand(PrintStream err) { this.err = err; }

    /** No command given: a usage error (exit code 2, the usage on stderr), as a script's empty $COMMAND should not pass. */
    @Override public void run() { throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand"); }

    /** The command line: a signal stops a training run at its next batch boundary ({@link SignalStop}). */
    public static void main(String[] args) {
        SignalStop stop;
        try {
            stop = SignalStop.install(System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("dcec: " + e.getMessage());
            System.exit(BAD_OPTION);
            return;
        }
        int code = run(args, System.out, System.err);
        stop.uninstall();
        System.exit(code);
    }

    /** Exit codes. */
    public static final int OK = 0, FAILED = 1, BAD_OPTION = 2, DIVERGED = 3;

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("datasets"))
            return DatasetsCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            CommandLine.ParseResult parsed = cl.getParseResult();
            boolean modelCommand = parsed != null && parsed.subcommand() != null
                    && parsed.subcommand().commandSpec().userObject() instanceof ModelCommand;
            err.println(outOfMemory(e, Runtime.getRuntime().maxMemory(), modelCommand));
            return FAILED;
        }
    }

    /**
     * The line for an OutOfMemoryError. The JVM throws one for two unrelated shortages: the heap, and a thread it could not
     * start ("unable to create native thread": the process/thread limit, ulimit -u, or the memory for its stack), which no
     * heap size or --limit cures; fewer --threads does (1 starts no thread). A larger heap is advised above the one that
     * failed: -Xmx4g would shrink a default heap that is already larger.
     */
    static String outOfMemory(OutOfMemoryError e, long maxHeapBytes, boolean modelCommand) {
        String m = e.getMessage();
        if (m != null && m.contains("unable to create native thread"))
            return "dcec: could not start a thread (" + m + "): run with fewer threads (--threads 1 starts none) or raise the"
                    + " limit on processes and threads (ulimit -u)";
        long mb = maxHeapBytes >> 20, gb = DatasetsCommand.largerHeapGb(maxHeapBytes);
        // predict, embed and evaluate hold one batch, not the images: --limit would only drop images, --batch-size cures it
        String fewer = modelCommand ? "use a smaller --batch-size (the results do not depend on it)" : "use fewer images (--limit)";
        return "dcec: out of memory (the Java heap holds at most " + mb + " MB): " + fewer + " or give Java more memory"
                + " (java -Xmx" + gb + "g -jar ...); docs/usage.md#memory";
    }

    /** The command line's option for each setting the library names in its messages ({@link ConfigException}). */
    static final Map<String, String> OPTIONS = HyperParameterOptions.optionsWith(Map.of("checkpointEvery", "--checkpoint-every",
            "resume", "--resume", "pretrainedWeights", "--weights", "augment", "--augment",
            // the data a run folder's checkpoint was written for: the options that choose the images
            "data", "--dataset, --limit, --image-size and --channels"));

    /** Prints the line that reports an expected failure and returns its exit code; -1 for anything else (a bug). */
    static int report(Exception ex, PrintWriter e) {
        // messages name files and folders of the data and model (an image file named with ESC [2J), printed as text
        if (ex instanceof TrainingDivergedException) { e.println("dcec: " + printable(ex.getMessage())); return DIVERGED; }
        if (ex instanceof ConfigException c) { e.println("dcec: " + printable(c.render(OPTIONS))); return BAD_OPTION; }
        if (ex instanceof java.nio.file.InvalidPathException p) { e.println("dcec: " + printable(IoErrors.describe(p))); return BAD_OPTION; }
        if (ex instanceof IllegalArgumentException) { e.println("dcec: " + printable(ex.getMessage())); return BAD_OPTION; }
        // a -Ddcec4j.… setting the engine refuses (dcec4j.kernels=vector without the Vector API module)
        if (ex instanceof IllegalStateException && ex.getMessage() != null && ex.getMessage().startsWith("dcec4j.")) {
            e.println("dcec: " + printable(ex.getMessage())); return BAD_OPTION;
        }
        if (ex instanceof IOException io) { e.println("dcec: " + printable(IoErrors.describe(io))); return FAILED; }
        if (ex instanceof java.io.UncheckedIOException io) { e.println("dcec: " + printable(IoErrors.describe(io))); return FAILED; }
        if (ex instanceof DatasetException || ex instanceof TensorFile.FormatException || ex instanceof ReportException) {
            e.println("dcec: " + printable(ex.getMessage())); return FAILED;
        }
        return -1;
    }

    /**
     * Path options: a path this JVM cannot spell (a non-ASCII name under LANG=C) says why and what to do, not only the
     * JDK's "Malformed input" (dcec-spark's command line converts its paths with it too).
     */
    public static final CommandLine.ITypeConverter<Path> PATHS = s -> {
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw new CommandLine.TypeConversionException(IoErrors.describe(e));
        }
    };

    /**
     * Whole-number options (int, Integer, long, Long): ASCII digits only, with the sign picocli's own converters take
     * (they use Integer.valueOf, which read `--limit ٣`, an Arabic-Indic three, as 3). The message is picocli's, naming
     * the option and the value: "Invalid value for option '--limit': '٣' is not an int (digits 0-9)". Decimal options
     * need none for their digits (Float.valueOf and Double.valueOf take ASCII digits only), but a float option (--lr,
     * --gamma, --alpha) refuses a number that a float cannot hold: Float.valueOf made `--gamma 1e-50` a silent 0 (no
     * clustering loss) and `--lr 1e-50` "--lr must be a positive number, got 0.0". dcec-spark's command line registers
     * them too.
     */
    public static void registerNumberConverters(CommandLine cl) {
        CommandLine.ITypeConverter<Integer> ints = s -> {
            try {
                return AsciiNumbers.parseInt(s);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not an int (" + AsciiNumbers.DIGITS + ")");
            }
        };
        CommandLine.ITypeConverter<Long> longs = s -> {
            try {
                return AsciiNumbers.parseLong(s);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a long (" + AsciiNumbers.DIGITS + ")");
            }
        };
        CommandLine.ITypeConverter<Float> floats = s -> {
            float f;
            try {
                f = Float.valueOf(s);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a float");
            }
            double d = Double.parseDouble(s);
            if (d != 0 && !Double.isInfinite(d) && (f == 0 || Float.isInfinite(f)))
                throw new CommandLine.TypeConversionException("'" + s + "' is outside the range of a float (magnitudes from about"
                        + " 1.4e-45 to 3.4e38), which would hold it as " + f);
            return f;
        };
        cl.registerConverter(Integer.class, ints).registerConverter(int.class, ints);
        cl.registerConverter(Float.class, floats).registerConverter(float.class, floats);
        cl.registerConverter(Long.class, longs).registerConverter(long.class, longs);
    }

    /** The configured picocli command line (tests inspect it). */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new DcecCommand(err));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.registerConverter(Path.class, PATHS);
        registerNumberConverters(cl);
        CommandLine.IParameterExceptionHandler parameters = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> {
            // the model commands have no --channels or --image-size: say why, then picocli's own message
            if (ex instanceof CommandLine.UnmatchedArgumentException u && u.getCommandLine().getCommand() instanceof ModelCommand)
                for (String a : u.getUnmatched())
                    if (a.startsWith("--channels") || a.startsWith("--image-size"))
                        u.getCommandLine().getErr().println("dcec: " + a.split("=")[0] + ": " + u.getCommandLine().getCommandName()
                                + " reads images at the model's own size and channels (folders are resized to them); drop it");
            return parameters.handleParseException(ex, args);
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            int code = report(ex, line.getErr());
            if (code < 0) throw ex;      // a bug: picocli prints the stack trace
            return code;
        });
        return cl;
    }

    // ======================================================================================== options
    /** The images of the training commands: where from (see {@link ImageOptions}), how many, and how image folders are read. */
    static final class DataOptions extends ImageOptions {
        @Option(names = "--limit", paramLabel = "N",
                description = "Use only the first N images (quick runs). Default: all (shapes: " + SHAPES_LIMIT + ", see docs/usage.md).")
        Integer limit;

        @Option(names = "--channels", paramLabel = "C",
                description = "Image folders: 1 (grayscale) or 3 (RGB). Default: 1.")
        Integer channels;

        @Option(names = "--image-size", paramLabel = "HxW",
                description = "Image folders: resize every image to H×W (multiples of 4, at least 12, both or neither multiples of 8, e.g. 28x28, 32x32, 16x16; one number means square; at most "
                        + ImageFolder.MAX_SIZE + "). Default: 28x28.")
        String imageSize;

        static final Pattern SIZE = Pattern.compile("([0-9]{1,9})(?:[xX]([0-9]{1,9}))?");

        /** --image-size as {H, W}: digits, an optional x and digits, each side from 1 to ImageFolder.MAX_SIZE. */
        int[] hw() {
            String text = imageSize == null ? "28x28" : imageSize.strip();
            Matcher m = SIZE.matcher(text);
            if (!m.matches())
                throw new IllegalArgumentException("--image-size must be HxW or one number (e.g. 28x28 or 32), not '" + imageSize + "'");
            long h = Long.parseLong(m.group(1)), w = m.group(2) == null ? h : Long.parseLong(m.group(2));
            if (h < 1 || w < 1 || h > ImageFolder.MAX_SIZE || w > ImageFolder.MAX_SIZE)
                throw new IllegalArgumentException("--image-size: each side must be from 1 to " + ImageFolder.MAX_SIZE + " pixels, not '" + imageSize + "'");
            return new int[] {(int) h, (int) w};
        }

        /**
         * --channels and --image-size describe how folders are read: refused where they would be ignored; {@code why}
         * follows "it applies" or "they apply".
         */
        void refuseFolderOptions(String why) {
            List<String> given = new ArrayList<>();
            if (channels != null) given.add("--channels");
            if (imageSize != null) given.add("--image-size");
            if (!given.isEmpty())
                throw new IllegalArgumentException(String.join(" and ", given) + ": " + (given.size() == 1 ? "it applies" : "they apply")
                        + why + "; drop " + String.join(" and ", given));
        }

        @Override Integer limit() { return limit; }

        /** The images a training command reads ({@link #readAll}): a named set (downloaded if need be) or a folder, listed. */
        ImageStream openAll(PrintWriter err) {
            if (Datasets.names().contains(dataset))
                refuseFolderOptions(" to image folders only, and " + dataset + " has its own images (" + namedGeometry(dataset) + ")");
            int[] hw = hw();
            return open(channels == null ? 1 : channels, hw[0], hw[1], err);
        }

        /**
         * Every image of {@code s}, with the set's class names and file names. A folder's images are decoded one at a time, and
         * {@code stop} is looked at before each and after the last: a CancellationException ("stopped by SIGTERM (reading
         * the images, 1024 of 50000 read)") ends the reading with nothing kept. A named set is in memory once opened, read
         * whole.
         */
        Dataset readAll(ImageStream s, Cancellation stop) {
            int N = s.size();
            if (Datasets.names().contains(dataset)) {
                Dataset d = s.readAll();
                stop.check("reading the images, " + N + " of " + N + " read");
                return d;
            }
            int D = s.imageSize();
            float[] x = Dataset.newImageArray(s.name(), N, s.channels(), s.height(), s.width());
            for (int done = 0, r; ; done += r) {
                stop.check("reading the images, " + done + " of " + N + " read");
                if (done == N) break;
                if ((r = s.read(x, done * D, 1)) <= 0)
                    throw new IllegalStateException(s.name() + ": the stream ended after " + done + " of " + Counts.of(N, "image"));
            }
            Dataset d = new Dataset(s.name(), s.channels(), s.height(), s.width(), x, s.labels(), s.numClasses()).withFileNames(s.fileNames());
            return s.classNames().isEmpty() ? d : d.withClassNames(s.classNames());
        }
    }

    /** Where the images come from and on how many threads they are processed: what every command that reads images shares. */
    abstract static class ImageOptions {
        @Option(names = "--dataset", paramLabel = "NAME|FOLDER", defaultValue = "shapes",
                description = "A built-in set (mnist, mnist-test, usps, fashion-mnist, shapes) or a folder of images "
                        + "(sub-folders = classes, used only for scoring). Default: ${DEFAULT-VALUE}.")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Folder holding the named sets' files (searched before $DCEC4J_DATA and ~/.cache/dcec4j).")
        Path dataDir;

        @Option(names = "--threads", paramLabel = "N",
                description = "Worker threads (results are identical for any value; at most " + THREADS_PER_PROCESSOR + " per processor are used). Default: all processors.")
        Integer threads;

        /** --limit of the command (null: all images). */
        abstract Integer limit();

        /** Most threads used: more than this many per processor only adds switching (results do not change). */
        static final int THREADS_PER_PROCESSOR = 4;

        /**
         * The kernels and threads of this command (the caller closes it): --threads, else the dcec4j.threads property (either
         * capped at THREADS_PER_PROCESSOR per processor, with a warning), else all processors; the kind from the dcec4j.kernels property (auto by default).
         */
        Backend backend(PrintWriter err) {
            int n = KernelOptions.threads();
            String given = System.getProperty("dcec4j.threads") == null ? null : "-Ddcec4j.threads=";   // the same cap for both
            if (threads != null) {
                if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
                n = threads;
                given = "--threads ";
            }
            if (given != null) {
                int processors = Runtime.getRuntime().availableProcessors(), most = THREADS_PER_PROCESSOR * processors;
                if (n > most) {
                    err.println("dcec: " + given + n + " is more than " + THREADS_PER_PROCESSOR + " per processor (" + processors
                            + " available): using " + most + " (results are the same for any thread count; more threads only slow the run down)");
                    n = most;
                }
            }
            String kernels = KernelOptions.kernelsProperty();   // checks the name: "dcec4j.kernels must be auto, ..."
            try {
                return Backend.create(Backend.Kind.parse(kernels), n);
            } catch (IllegalStateException e) {
                // -Ddcec4j.kernels=vector on a JVM without the Vector API module: a setting the user gave, so
                // one line naming it (report() prints it), not a stack trace
                throw new IllegalStateException("dcec4j.kernels=" + kernels + ": " + e.getMessage(), e);
            }
        }

        boolean isShapes() { return "shapes".equals(dataset); }

        /** {@link #open(int, int, int, PrintWriter)} without the line for a --limit larger than the set. */
        ImageStream open(int C, int H, int W) {
            return open(C, H, W, null);
        }

        /**
         * The images in order (folders resized to C×H×W), at most --limit of them, decoded when read. A --limit larger than
         * the set reads all its images, and says so on err (when not null): "dcec: --limit 20000 is more than mnist-test's
         * 10,000 images: using all 10,000".
         */
        ImageStream open(int C, int H, int W, PrintWriter err) {
            // "" is the current folder to Path.of: a script's empty $DATA searched wherever the command ran
            if (dataDir != null && dataDir.toString().isEmpty())
                throw new IllegalArgumentException("--data-dir is empty: name the folder that holds mnist/, usps/ or fashion-mnist/"
                        + " (. for the current folder), or drop it");
            if (dataDir != null && !Files.isDirectory(dataDir))
                throw new IllegalArgumentException("--data-dir: no folder at " + dataDir);
            if (C != 1 && C != 3) throw new IllegalArgumentException("--channels must be 1 or 3, got " + C);
            // "" is the current folder to Path.of: a script's empty $DATA read whatever images sat there, and messages
            // named the set as "" ("dcec: : class folder 'x' holds no images")
            if (dataset.isEmpty())
                throw new IllegalArgumentException("--dataset is empty: give one of " + Datasets.names() + " or a folder of images (. for the current folder)");
            if (!Datasets.names().contains(dataset) && !Files.exists(Path.of(dataset)))
                throw new IllegalArgumentException("--dataset: '" + dataset + "' is neither a built-in set " + Datasets.names()
                        + " nor an existing folder");
            if (!Datasets.names().contains(dataset) && !Files.isDirectory(Path.of(dataset)))
                throw new IllegalArgumentException("--dataset: " + dataset + " is a file; give a folder of images or one of " + Datasets.names());
            Integer limit = limit();
            if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
            ImageStream s = Datasets.open(dataset, DataSource.fromEnvironment(dataDir), C, H, W, limit == null ? Integer.MAX_VALUE : limit);
            if (err != null && limit != null && s.size() < limit)
                err.println("dcec: " + limitNote(limit, dataset, s.size()));
            return s;
        }

        /** "--limit 20000 is more than mnist-test's 10,000 images: using all 10,000". */
        static String limitNote(int limit, String dataset, int N) {
            return String.format(Locale.ROOT, "--limit %d is more than %s's %,d %s: using all %,d", limit, printable(dataset), N,
                    N == 1 ? "image" : "images", N);
        }
    }

    /**
     * The images of the model commands (predict, embed, evaluate): every image unless --limit; folders are read
     * at the model's own size and channels, so there is no --channels or --image-size to give.
     */
    static final class ModelDataOptions extends ImageOptions {
        @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images. Default: all of them.")
        Integer limit;

        @Override Integer limit() { return limit; }
    }

    /** C×H×W of a named set. */
    static String namedGeometry(String name) { return name.equals("usps") ? "1x16x16" : "1x28x28"; }

    /** Every hyper-parameter; null = the reference default (or the shapes default). */
    static final class TrainOptions {
        @Option(names = "--method", paramLabel = "M", defaultValue = "dcec",
                description = "dcec, cae-kmeans, dec-conv (decoder dropped), kmeans (raw pixels), dec or idec (dense autoencoder d-500-500-2000-K), "
                        + "dcec-da or dec-conv-da (with data augmentation). Default: ${DEFAULT-VALUE}.")
        String method;
        @Option(names = "--augment", description = "Train on randomly rotated and shifted images (DEC-DA): dcec becomes dcec-da, dec-conv dec-conv-da "
                + "(reference sets and folders: 500 pretraining epochs, P every 30 iterations on mnist-test and usps, else 140; "
                + "shapes keeps its shapes defaults).")
        boolean augment;
        @Mixin HyperParameterOptions hyperParameters = new HyperParameterOptions();
        @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
                description = "Write <out>/checkpoint.dc4j every N pretraining epochs and every N clustering iterations (0 = never). Default: ${DEFAULT-VALUE}.")
        int checkpointEvery;
        @Option(names = "--resume", description = "Continue a killed run from its --out folder's checkpoint (same options and --seed).")
        boolean resume;
        @Option(names = "--overwrite", description = "Replace the results of an earlier run in --out (they are deleted first); without it such a folder is refused.")
        boolean overwrite;
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "dcec-out", description = "Output folder. Default: ${DEFAULT-VALUE}.")
        Path out;

        /** The method of --method, made data-augmented by --augment. */
        Method method() {
            Method m;
            try {
                m = Method.parse(method);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--method: " + e.getMessage(), e);
            }
            return augment ? m.augmented() : m;
        }

        DcecConfig config(Dataset d, boolean shapes) {
            DcecConfig.Builder b = DcecConfig.referenceDefaults(method(), d.name()).toBuilder().checkpointEvery(checkpointEvery);
            return hyperParameters.applyTo(b, shapes, d.hasLabels() && d.numClasses() >= 2 ? d.numClasses() : 10).build().validate();
        }
    }

    // ======================================================================================== training commands
    abstract static class TrainingCommand implements Callable<Integer> {
        @Mixin DataOptions data = new DataOptions();
        @Mixin TrainOptions train = new TrainOptions();
        @Spec CommandLine.Model.CommandSpec spec;

        abstract String label();

        DcecTrainer configure(DcecTrainer t) { return t; }

        /** Whether the run writes report.html when it ends (train without --no-report). */
        boolean makesReport() { return false; }

        /** --baseline (true), --no-baseline (false) or neither (null: the automatic rule); pretrain never computes it. */
        Boolean baselineChoice() { return Boolean.FALSE; }

        /** Whether the run computes the pixel k-means baseline, or why not when that is worth a line in the summary. */
        record BaselinePlan(boolean run, String skipped) {}

        /**
         * The pixel k-means baseline: forced by --baseline (refused without labels, and for --method kmeans, which is
         * that baseline), skipped with --no-baseline, else computed for a labelled set when N·D·K·R is at most
         * {@link PixelBaseline#AUTO_LIMIT} (docs/usage.md#baseline).
         */
        BaselinePlan baselinePlan(Dataset d, DcecConfig cfg) {
            Boolean choice = baselineChoice();
            if (Boolean.FALSE.equals(choice)) return new BaselinePlan(false, null);
            boolean pixels = cfg.method() == Method.KMEANS;
            if (Boolean.TRUE.equals(choice)) {
                if (!d.hasLabels())
                    throw new IllegalArgumentException("--baseline: " + d.name() + " has no labels to score the pixel k-means baseline against; drop --baseline");
                if (pixels) throw new IllegalArgumentException("--baseline: --method kmeans is the pixel k-means baseline itself; drop --baseline");
                return new BaselinePlan(true, null);
            }
            if (!d.hasLabels() || pixels) return new BaselinePlan(false, null);
            if (PixelBaseline.cheap(d, cfg)) return new BaselinePlan(true, null);
            return new BaselinePlan(false, String.format(Locale.ROOT,
                    "pixel k-means baseline: not computed (N·D·K·R = %,.0f is above %,.0f, docs/usage.md#baseline); --baseline computes it",
                    PixelBaseline.work(d, cfg), PixelBaseline.AUTO_LIMIT));
        }

        /** The kernels and threads of the run (made by call, closed when it returns). */
        Backend backend;

        @Override public Integer call() throws IOException {
            // until the reading of the images begins its stop (train()), a signal ends the JVM at once after this line
            SignalStop signals = SignalStop.current();
            if (signals != null) signals.starting("(getting the images, before the run began): " + printable(untouched()));
            try (Backend b = data.backend(spec.commandLine().getErr())) {
                backend = b;
                return train();
            }
        }

        /** The end of the line of a stop before the run took its folder. */
        private String untouched() {
            return "nothing was written (" + train.out + " was not touched); run the command again";
        }

        private int train() throws IOException {
            Method method = train.method();                  // fail on a bad name before loading anything
            if (data.imageSize != null && method.network == Method.Network.CONV && !Datasets.names().contains(data.dataset)) {
                // a folder resized to a size the convolutional autoencoder cannot take: said before its images are read
                int[] hw = data.hw();
                try {
                    ConvAutoencoder.checkSize(hw[0], hw[1]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--image-size " + data.imageSize.strip() + ": " + e.getMessage()
                            + " with --image-size (or use a method without it: dec, idec or kmeans)", e);
                }
            }
            if (train.out.toString().isBlank())
                throw new IllegalArgumentException("--out is empty: name the run's folder (use . for the current one)");
            // shapes: each quick-run default applies unless its own option is given (config() overrides field by field)
            boolean shapes = data.isShapes();
            if (shapes && data.limit == null) data.limit = SHAPES_LIMIT;
            // a signal (Ctrl-C, SIGTERM) stops the reading of the images between two of them, and later the run at its
            // next batch boundary, and waits for the stop to be complete; before the reading (listing a folder,
            // downloading a named set) it ends the JVM at once after one line: nothing is written before the run
            Cancellation cancellation = new Cancellation();
            SignalStop signals = SignalStop.current();
            String untouched = untouched();
            SignalStop.Run stoppable = null;
            try {
                Dataset d;
                try (ImageStream s = data.openAll(spec.commandLine().getErr())) {
                    if (signals != null)
                        stoppable = signals.begin(cancellation, "the images were not read within " + SignalStop.GRACE_SECONDS
                                + " s (an image being decoded is not interrupted); it ends now: " + untouched);
                    d = data.readAll(s, cancellation);
                } catch (java.util.concurrent.CancellationException e) {
                    if (stoppable == null || !stoppable.stopRequested()) throw e;
                    spec.commandLine().getErr().println("dcec: " + printable(e.getMessage()) + ", before the run began: " + untouched);
                    return stoppable.exitCode();
                }
                if (stoppable != null) stoppable.notStoppedInTime(SignalStop.TRAINING_NOT_STOPPED);
                return train(d, shapes, cancellation, stoppable, untouched);
            } finally {
                if (stoppable != null) stoppable.close();     // after the lock's release (train returns first)
            }
        }

        /** The run on its images: {@code untouched} is the end of the stop line while the folder is not taken yet. */
        private int train(Dataset d, boolean shapes, Cancellation cancellation, SignalStop.Run stoppable, String untouched) throws IOException {
            PretrainingConfig pretraining = pretraining();
            // cluster: the settings only the pretraining uses are those of the pretraining that made the weights, or
            // recorded as unknown where no config.json tells them
            java.util.Set<String> given = train.hyperParameters.givenPretrainingSettings();
            DcecConfig cfg = pretraining == null ? train.config(d, shapes) : pretraining.applyTo(train.config(d, shapes), given);
            BaselinePlan plan = baselinePlan(d, cfg);
            PrintWriter out = spec.commandLine().getOut();
            DcecTrainer trainer = configure(new DcecTrainer(cfg, d)).backend(backend);     // checks the options first
            RunFolder folder = new RunFolder(train.out, cfg, d)                              // then the files' sizes
                    .pretraining(pretraining == null ? null : pretraining.recorded(given)).pretrainedWeights(pretrainedWeights());
            trainer.listener(folder);
            if (train.resume && train.overwrite) throw new IllegalArgumentException("--resume continues the run in --out, --overwrite replaces it: pass one of them");
            if (train.resume) folder.requireCheckpoint();
            // a clustering's folder: train --resume would write its config.json again without the record of the pretraining
            if (train.resume && start() != RunFolder.Start.AFTER_PRETRAINING && recordsAPretraining(train.out))
                throw new ConfigException("{resume}: " + ConfigException.quote(train.out) + " holds a clustering of pretrained weights (its " + RunFolder.CONFIG_JSON
                        + " records their pretraining): continue it with dcec cluster --resume");
            trainer.cancellation(cancellation);
            if (stoppable != null && stoppable.stopRequested()) {     // before the folder is taken (--overwrite would empty it)
                spec.commandLine().getErr().println("dcec: stopped by " + stoppable.cause() + " (the images read), before the run began: "
                        + printable(untouched));
                return stoppable.exitCode();
            }
            // one writer per folder, from here to the report
            try (RunLock lock = RunLock.acquire(train.out, "dcec " + label())) {
                if (lock.previousHolder() != null)
                    spec.commandLine().getErr().println("dcec: taking over " + train.out + " from a run that ended without releasing it ("
                            + printable(lock.previousHolder()) + ")");   // the lock file's line: the folder may come from elsewhere
                List<Path> deleted = folder.prepare(train.resume ? RunFolder.Start.RESUME : start(), train.overwrite);
                if (!train.resume && start() == RunFolder.Start.AFTER_PRETRAINING && Files.isRegularFile(train.out.resolve(RunFolder.RUN_LOG))) {
                    // cluster keeps the pretraining's run.log: its last line must not be the stop of a clustering whose
                    // outputs (the checkpoint it names) --overwrite has just deleted
                    List<String> gone = new ArrayList<>();
                    for (Path p : deleted)
                        if (RunFolder.OUTPUTS.contains(p.getFileName().toString())) gone.add(p.getFileName().toString());
                    note(folder, train.overwrite && !gone.isEmpty()
                            ? "clustering started again by dcec " + label() + " --overwrite (deleted: " + String.join(", ", gone) + ")"
                            : "clustering started by dcec " + label());
                }
                if (train.resume) {
                    Checkpoint.Stored c = folder.readCheckpoint();
                    trainer.resumeFrom(c);
                    // the model, predictions, baseline and report of an earlier end of the run (a finished run resumed from
                    // its last checkpoint): made again when this one ends, and gone until then, so that a stop on the way
                    // leaves none of them beside this run's files
                    // (the report only by train without --no-report, the baseline only when it runs: the log says which)
                    List<String> remade = new ArrayList<>(), gone = new ArrayList<>();
                    for (Path p : folder.dropEndOutputs()) {
                        String name = p.getFileName().toString();
                        boolean remakes = name.equals(HtmlReport.FILE_NAME) ? makesReport() : !name.equals(PixelBaseline.FILE) || plan.run();
                        (remakes ? remade : gone).add(name);
                    }
                    // --checkpoint-every is not part of what a resume must repeat: said now, not only when a stop loses the progress
                    if (cfg.checkpointEvery() == 0)
                        spec.commandLine().getErr().println("dcec: this resumed run writes no checkpoints (--checkpoint-every 0, the default,"
                                + " was not given again): if it stops, it continues from " + RunFolder.CHECKPOINT + " (" + describe(c)
                                + ") again; pass --checkpoint-every N with --resume to keep its progress");
                    if (Files.isRegularFile(train.out.resolve(RunFolder.RUN_LOG)))     // after a stop: the log says it went on
                        folder.note("resumed by dcec " + label() + " --resume from " + RunFolder.CHECKPOINT + " (" + describe(c) + ")"
                                + (remade.isEmpty() ? "" : "; deleted " + String.join(", ", remade) + " of its earlier end, made again when it ends")
                                + (gone.isEmpty() ? "" : "; deleted " + String.join(", ", gone) + " of its earlier end, which dcec " + label()
                                        + " with these options does not make"));
                }
                out.printf(Locale.ROOT, "dcec %s: %s on %s, %s of %dx%dx%d, K=%d, seed %d%n", label(), cfg.method(), printable(d.name()),
                        Counts.of(d.size(), "image"), d.channels(), d.height(), d.width(), cfg.K(), cfg.seed());
                out.println("kernels: " + backend.describe() + ", threads: " + backend.threads());
                out.flush();
                PrintStream progress = progressStream();
                CliProgress bar = new CliProgress(progress, d.size(), cfg);
                trainer.listener(bar);
                DcecResult r;
                try {
                    cancellation.check("the start of the training");
                    r = trainer.run();
                } catch (java.util.concurrent.CancellationException e) {
                    if (stoppable == null || !stoppable.stopRequested()) throw e;
                    bar.stopped();
                    return stopped(stoppable, folder, cfg, e.getMessage());
                }
                if (stoppable != null && stoppable.stopRequested()) return stoppedAfterTraining(stoppable, folder, plan.run());
                // after the run, on its own seed stream: the results above are final and do not depend on it
                PixelBaseline baseline = null;
                if (plan.run()) {
                    progress.printf(Locale.ROOT, "baseline: k-means on the raw pixels, %s%n", Counts.of(cfg.kmeansRestarts(), "restart"));
                    try {
                        // k-means on raw pixels takes seconds per restart and has no batches: a signal interrupts it (KMeans
                        // ends at its next Lloyd iteration), or the shutdown's wait would run out and leave the folder locked
                        baseline = stoppable == null ? PixelBaseline.compute(d, cfg, backend.threads())
                                : stoppable.interruptibly(() -> PixelBaseline.compute(d, cfg, backend.threads()));
                    } catch (java.util.concurrent.CancellationException e) {
                        if (stoppable == null || !stoppable.stopRequested()) throw e;
                        return stoppedAfterTraining(stoppable, folder, true);
                    }
                    baseline.write(train.out);
                    progress.printf(Locale.ROOT, "baseline done in %.1f s%n", baseline.seconds());
                } else {
                    Files.deleteIfExists(train.out.resolve(PixelBaseline.FILE));     // a resumed run's, if it had one
                }
                if (stoppable != null && stoppable.stopRequested()) return stoppedAfterTraining(stoppable, folder, false);
                summary(out, r, d, cfg, baseline, plan.skipped());
                if (stoppable != null && stoppable.stopRequested()) {
                    // the signal came during the report or the summary: both are done, but the exit status will be the
                    // signal's, so the run says that it finished all the same
                    String line = "stopped by " + stoppable.cause() + " as the run was ending: it had finished, every output in "
                            + train.out + " is complete";
                    note(folder, line);
                    spec.commandLine().getErr().println("dcec: " + printable(line));
                    return stoppable.exitCode();
                }
            }
            return 0;
        }

        /**
         * The end of a run stopped by a signal after its training had ended, before the rest: the model, predictions and
         * logs are complete; the pixel baseline (when {@code baselineSkipped}: asked for and not made yet), the report and
         * the summary would outlast the shutdown's wait, and are skipped, saying so.
         */
        private int stoppedAfterTraining(SignalStop.Run stop, RunFolder folder, boolean baselineSkipped) {
            List<String> skipped = new ArrayList<>();
            if (baselineSkipped) skipped.add("the pixel k-means baseline");
            if (makesReport()) skipped.add(HtmlReport.FILE_NAME);
            skipped.add("the summary");
            String line = "stopped by " + stop.cause() + " after the training had ended: its outputs in " + train.out
                    + " are complete; " + String.join(", ", skipped.subList(0, skipped.size() - 1))
                    + (skipped.size() > 1 ? " and " : "") + skipped.get(skipped.size() - 1) + (skipped.size() > 1 ? " were" : " was")
                    + " not made";
            note(folder, line);
            spec.commandLine().getErr().println("dcec: " + printable(line));
            return stop.exitCode();
        }

        /**
         * The end of a run stopped by a signal at a batch boundary: nothing half-written is left (checkpoints are written
         * whole between two boundaries, and the model only at the end), so what remains to say is where it stopped and how
         * to go on: one line in run.log and the same on stderr. The last checkpoint is read back as --resume would read it,
         * so the line promises only what a --resume will find.
         *
         * @param where the trainer's CancellationException message: "stopped by SIGTERM (pretraining, epoch 3, batch 2)"
         * @return the signal's exit code
         */
        private int stopped(SignalStop.Run stop, RunFolder folder, DcecConfig cfg, String where) {
            String next;
            // a run resumed with --checkpoint-every 0 writes none, but the one it resumed from is there to continue from
            if (!Files.isRegularFile(train.out.resolve(RunFolder.CHECKPOINT)))
                next = cfg.checkpointEvery() == 0 ? "no checkpoint to continue from (--checkpoint-every 0): start it again with --overwrite"
                        + " (and --checkpoint-every N to be able to continue a stopped run)"
                        : "no checkpoint was written yet: start it again with --overwrite";
            else {
                try {
                    next = "continue with the same command and --resume: it starts from " + RunFolder.CHECKPOINT + " ("
                            + describe(folder.readCheckpoint()) + ")" + (cfg.checkpointEvery() == 0 ? ", the checkpoint this run resumed"
                            + " from (it wrote none: --checkpoint-every 0; pass --checkpoint-every N to keep its progress)" : "");
                } catch (IOException | RuntimeException e) {
                    next = "its checkpoint does not read back (" + e.getMessage() + "): start it again with --overwrite";
                }
            }
            String line = where + ", before that step: nothing half-written is left in " + train.out + "; " + next;
            note(folder, line);
            spec.commandLine().getErr().println("dcec: " + printable(line));
            return stop.exitCode();
        }

        /**
         * Whether {@code dir}'s config.json is a clustering's that records the pretraining of its weights
         * ({@link PretrainingConfig#in}); one that cannot be read is not taken for one (a resume writes it again).
         */
        static boolean recordsAPretraining(Path dir) {
            try {
                return PretrainingConfig.in(dir, true) != null;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** "pretraining, after epoch 3" or "clustering, at iteration 140" (the iteration it continues with). */
        static String describe(Checkpoint.Stored c) {
            return c.phase() == Phase.PRETRAIN ? "pretraining, after epoch " + c.step() : "clustering, at iteration " + c.step();
        }

        /** Appends the stop line to run.log; a failure to write it is said on stderr, the stop goes on. */
        private void note(RunFolder folder, String line) {
            try {
                folder.note(line);
            } catch (IOException e) {
                spec.commandLine().getErr().println("dcec: could not add the stop line to " + RunFolder.RUN_LOG + ": " + printable(IoErrors.describe(e)));
            }
        }

        /** Where the progress goes: the standard error stream the command line was given. */
        PrintStream progressStream() { return parent != null ? parent.err : System.err; }

        @ParentCommand DcecCommand parent;

        /** The rows of the score table: the baseline, the start (iteration 0 of dcec_log.csv) and the end. */
        List<ScoreTable.Row> scoreRows(DcecResult r, DcecConfig cfg, PixelBaseline baseline) {
            Method m = cfg.method();
            List<ScoreTable.Row> rows = new ArrayList<>();
            if (baseline != null)
                rows.add(new ScoreTable.Row("pixel k-means", baseline.scores(), String.format(Locale.ROOT,
                        "baseline: k-means on the raw pixels, %s, %.1f s", Counts.of(baseline.restarts(), "restart"), baseline.seconds())));
            if (m.clusters) {
                Path log = train.out.resolve(RunFolder.DCEC_LOG);
                List<RunLogs.ClusterRow> logged = Files.isRegularFile(log) ? RunLogs.readClusterLog(log) : List.of();
                if (!logged.isEmpty() && logged.get(0).iter() == 0) {
                    RunLogs.ClusterRow first = logged.get(0);
                    rows.add(new ScoreTable.Row(m.startName(), new Scores(first.acc(), first.nmi(), first.ari()),
                            "start: the k-means initialisation (iteration 0)"));
                }
            }
            String note = m.clusters ? endNote(r) : m == Method.CAE_KMEANS ? "k-means on the CAE's embedding" : "";
            rows.add(new ScoreTable.Row(m.paperName(), r.scores(), note));
            return rows;
        }

        /** "end: iteration 700, converged (...)" or "end: iteration 1200, stopped at --max-iter". */
        static String endNote(DcecResult r) {
            return "end: iteration " + r.iterations() + (r.converged() ? ", converged (fewer than tol of the labels changed)" : ", stopped at --max-iter");
        }

        /** How the command uses a folder that it does not resume. */
        RunFolder.Start start() { return RunFolder.Start.NEW; }

        /** The pretrained weights the run starts from (cluster's --weights or the folder's own); null for the others. */
        Path pretrainedWeights() { return null; }

        /**
         * The pretraining that made the weights the run reads (cluster only; null otherwise): the run records it and
         * takes the settings only the pretraining uses from it, or records them as unknown
         * ({@link PretrainingConfig#unknown}).
         */
        PretrainingConfig pretraining() throws IOException { return null; }

        /**
         * The end of the run: the score table (the pixel k-means baseline, where clustering started and ended), the
         * cluster sizes, the time of each phase, the kernels and the output folder.
         */
        void summary(PrintWriter out, DcecResult r, Dataset d, DcecConfig cfg, PixelBaseline baseline, String baselineSkipped) throws IOException {
            out.println();
            out.println("summary");
            if (r.labels() != null) {
                if (r.scores().present()) {
                    for (String line : ScoreTable.lines(scoreRows(r, cfg, baseline))) out.println(line);
                    if (baselineSkipped != null) out.println("  " + baselineSkipped);
                } else {
                    out.println("  no labels: ACC/NMI/ARI not computed");
                    if (cfg.method().clusters) out.println("  " + endNote(r));
                }
                int[] sizes = new int[cfg.K()];
                for (int l : r.labels()) sizes[l]++;
                out.println("  cluster sizes: " + Arrays.toString(sizes));
            }
            for (Map.Entry<Phase, Double> e : r.seconds().entrySet())
                out.printf(Locale.ROOT, "  %-9s %8.1f s%n", e.getKey().id, e.getValue());
            out.println("  kernels: " + backend.describe() + ", threads: " + backend.threads());
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
        @Mixin BaselineOptions baseline = new BaselineOptions();

        String label() { return "train"; }

        @Override Boolean baselineChoice() { return baseline.choice(); }

        @Override boolean makesReport() { return !noReport; }

        @Override void summary(PrintWriter out, DcecResult r, Dataset d, DcecConfig cfg, PixelBaseline b, String skipped) throws IOException {
            if (!noReport) {
                Path html = train.out.resolve(HtmlReport.FILE_NAME);
                HtmlReport.fromRunDirectory(train.out, d, 10).write(html);
            }
            super.summary(out, r, d, cfg, b, skipped);
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
        @Mixin BaselineOptions baseline = new BaselineOptions();

        String label() { return "cluster"; }

        @Override Boolean baselineChoice() { return baseline.choice(); }

        @Override RunFolder.Start start() { return RunFolder.Start.AFTER_PRETRAINING; }

        /**
         * The pretraining of the weights the run reads: for --resume, the record the resumed clustering kept (null when
         * it kept none: one started by a version that recorded the command line's settings); for the folder's own
         * weights, its config.json (or the record an earlier clustering of them kept), unknown without one; for weights
         * from another folder, that folder's record in the same way ({@link PretrainingConfig#ofWeights}); null when
         * there are no weights to read (the run stops when it reads them).
         */
        @Override PretrainingConfig pretraining() throws IOException {
            if (train.resume) return PretrainingConfig.in(train.out, true);
            String name = RunFolder.weightsFileName(train.method());
            Path own = train.out.resolve(name), read = weights != null ? weights : own;
            if (!Files.isRegularFile(read)) return null;
            if (Files.isRegularFile(own) && Files.isSameFile(read, own)) {
                PretrainingConfig p = PretrainingConfig.in(train.out, false);
                return p != null ? p : PretrainingConfig.unknown();
            }
            // other weights in a pretraining's folder: the clustering's config.json would replace that pretraining's
            // record with the other one's, which a later clustering of the folder's weights would take as theirs
            for (String kept : List.of("cae_weights.dc4j", "ae_weights.dc4j")) {
                Path f = train.out.resolve(kept);
                if (Files.isRegularFile(f))
                    throw new IllegalArgumentException("--out " + train.out + " holds the weights of its own pretraining (" + f + "), and --weights "
                            + weights + " are other weights: the clustering's config.json would replace the record of that pretraining;"
                            + " drop --weights to cluster the folder's weights, or choose another --out");
            }
            return PretrainingConfig.ofWeights(read, name);
        }

        @Override Path pretrainedWeights() { return weights != null ? weights : train.out.resolve(RunFolder.weightsFileName(train.method())); }

        @Override DcecTrainer configure(DcecTrainer t) { return t.pretrainedWeights(pretrainedWeights()); }
    }

    /** --baseline and --no-baseline of train and cluster. */
    static final class BaselineOptions {
        @Option(names = "--baseline", description = "Also cluster the raw pixels with k-means (the run's K and --kmeans-restarts, a seed stream of its own) "
                + "after training, whatever the size of the data, and print its scores beside the run's (in baseline.json, and report.html for train). "
                + "Default: only on a labelled set with N·D·K·R at most 2e9, a few seconds (docs/usage.md#baseline).")
        boolean on;
        @Option(names = "--no-baseline", description = "Skip the pixel k-means baseline.")
        boolean off;

        /** true, false, or null for the automatic rule. */
        Boolean choice() {
            if (on && off) throw new IllegalArgumentException("--baseline and --no-baseline: pass one of them");
            return on ? Boolean.TRUE : off ? Boolean.FALSE : null;
        }
    }

    // ======================================================================================== model commands
    abstract static class ModelCommand implements Callable<Integer> {
        @Mixin ModelDataOptions data = new ModelDataOptions();
        @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model.dc4j written by `dcec train` or `dcec cluster`.")
        Path model;
        @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256", description = "Inference batch size. Default: ${DEFAULT-VALUE}.")
        int batchSize;
        @Spec CommandLine.Model.CommandSpec spec;

        TrainedModel m;
        /** The kernels and threads of the command (made by call, closed when it returns). */
        Backend backend;

        /** The command's work, on the command's backend. */
        abstract int execute() throws IOException;

        /** Cancelled by a signal ({@link SignalStop}): {@link #forEachBatch} checks it between two batches. */
        final Cancellation cancellation = new Cancellation();

        /** What a stop by a signal leaves undone, for its line on stderr. */
        String notWritten() { return "nothing was written"; }

        /** What a command that did not stop within the shutdown's wait leaves, for its line on stderr. */
        String notStoppedInTime() { return "nothing was written; run the command again"; }

        /**
         * The stop of a signal, begun by {@link #open()} once the model is loaded and the images found (null before, and
         * without {@link SignalStop}): until then a signal ends the command at once, as it ends a training command still
         * loading its images; loading the model or downloading a named set has no batch boundary to wait for.
         */
        SignalStop.Run stoppable;

        @Override public Integer call() throws IOException {
            try (Backend b = data.backend(spec.commandLine().getErr())) {
                backend = b;
                try {
                    int code = execute();
                    if (stoppable != null && stoppable.stopRequested()) {
                        // after the last batch: the output is complete, but the exit status will be the signal's
                        spec.commandLine().getErr().println("dcec: stopped by " + stoppable.cause() + " as the command was ending: it had finished");
                        return stoppable.exitCode();
                    }
                    return code;
                } catch (java.util.concurrent.CancellationException e) {
                    // thrown between two batches, inside the atomic write: its temporary file is already deleted
                    if (stoppable == null || !stoppable.stopRequested()) throw e;
                    spec.commandLine().getErr().println("dcec: " + printable(e.getMessage()) + ": " + notWritten() + "; run the command again");
                    return stoppable.exitCode();
                } finally {
                    if (stoppable != null) stoppable.close();
                }
            }
        }

        /**
         * Loads the model (onto the command's backend) and opens the images (folders resized to the model's
         * size), which are then read a batch at a time: memory for the model and one batch, not for the data set.
         */
        ImageStream open() throws IOException {
            requireModelFile();
            if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            m = TrainedModel.load(model).use(backend);
            checkModel();
            ImageStream s = data.open(m.channels, m.height, m.width, spec.commandLine().getErr());
            if (s.channels() != m.channels || s.height() != m.height || s.width() != m.width) {
                s.close();
                throw new IllegalArgumentException(s.name() + " has " + s.channels() + "x" + s.height() + "x" + s.width()
                        + " images but the model takes " + m.channels + "x" + m.height + "x" + m.width + " (--model " + model + ")");
            }
            int B = Math.min(batchSize, s.size()), most = m.largestBatch();
            if (B > most) {
                s.close();
                throw new IllegalArgumentException("--batch-size " + batchSize + ": a batch of " + Counts.of(B, "image") + " of " + m.channels + "x"
                        + m.height + "x" + m.width + " (or a layer's output for them) holds more values than one Java array (2^31): use --batch-size "
                        + most + " or less (the results do not depend on it)");
            }
            SignalStop signals = SignalStop.current();
            if (signals != null)        // from here a signal stops between two batches
                stoppable = signals.begin(cancellation, "the command did not reach a batch boundary within " + SignalStop.GRACE_SECONDS
                        + " s (a batch of --batch-size " + batchSize + " images is not interrupted); it ends now: " + notStoppedInTime());
            return s;
        }

        /**
         * Refuses a --model that is not a file, saying what it is: empty (Path.of("") is the current folder; the line read
         * "--model: no file at ", naming nothing), a folder (a run's --out: its model.dc4j is named), or nothing.
         */
        void requireModelFile() {
            if (model.toString().isEmpty())
                throw new IllegalArgumentException("--model is empty: name the model.dc4j file that `dcec train` or `dcec cluster` wrote");
            if (Files.isDirectory(model)) {
                Path inside = model.resolve(RunFolder.MODEL);
                throw new IllegalArgumentException("--model " + model + " is a folder, not a model file: " + (Files.isRegularFile(inside)
                        ? "give the model in it, " + inside : "give the model.dc4j that `dcec train` or `dcec cluster` wrote (this folder holds none)"));
            }
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("--model: no file at " + model);
        }

        /**
         * Refuses a model the command cannot use, once it is loaded and before the images are opened: a named set is not
         * downloaded, nor a folder listed, for a command that would then stop.
         */
        void checkModel() {}

        /**
         * Refuses an --output that would replace the model being read or a file of a run folder (a folder with a
         * config.json): predict's default predictions.csv there would replace the run's own, labelled one.
         */
        void checkOutput(Path output) throws IOException {
            // "" is the current folder: the write failed with "dcec: is a directory", naming nothing
            if (output.toString().isEmpty()) throw new IllegalArgumentException("--output is empty: name the CSV file to write");
            requireModelFile();
            Path out = output.toAbsolutePath().normalize();
            if (out.equals(model.toAbsolutePath().normalize()) || Files.exists(out) && Files.isSameFile(out, model))
                throw new IllegalArgumentException("--output " + output + " is the --model file: choose another name for the CSV");
            Path dir = out.getParent();
            if (dir != null && Files.isRegularFile(dir.resolve(RunFolder.CONFIG_JSON))
                    && (RunFolder.OUTPUTS.contains(out.getFileName().toString()) || sameFileAsAnOutput(out, dir)))
                throw new IllegalArgumentException("--output " + output + " is a file of the run in " + dir
                        + " (it holds " + RunFolder.CONFIG_JSON + "): choose another name or folder for the CSV");
            // a run's lock file: the CSV renamed over it would leave a running training holding the lock of a file that is
            // gone, and a second run on the folder would lock the new one and write beside it
            if (dir != null && out.getFileName().toString().equals(RunLock.FILE_NAME) && Files.exists(out))
                throw new IllegalArgumentException("--output " + output + " is the lock file of the run folder " + dir + " (" + RunLock.FILE_NAME
                        + " keeps two runs from writing there at once): choose another name or folder for the CSV");
            Path images = data.dataset.isEmpty() || Datasets.names().contains(data.dataset) ? null : Path.of(data.dataset);
            if (images != null && Files.isDirectory(images) && isImageOf(realPath(out), images.toRealPath()))
                throw new IllegalArgumentException("--output " + output + " is an image file of the --dataset folder " + images
                        + " (the CSV would replace that image, or be read as one by the next command on the folder): choose another"
                        + " name or folder for the CSV");
            if (images != null && Files.isDirectory(images)) {
                Path[] linked = imageThroughALink(realPath(out), images);
                if (linked != null)
                    throw new IllegalArgumentException("--output " + output + " is the image " + linked[0] + " of the --dataset folder "
                            + images + " (its folder " + images.relativize(linked[1]) + " is a link to " + linked[1].toRealPath()
                            + "; the CSV would replace that image): choose another name or folder for the CSV");
            }
            if (Datasets.dirOf(data.dataset) != null) {
                Path file = fileOfNamedSet(realPath(out), data.dataset, DataSource.fromEnvironment(data.dataDir));
                if (file != null)
                    throw new IllegalArgumentException("--output " + output + " is " + file + ", a file of the data set " + data.dataset
                            + " (the CSV would overwrite its data): choose another name or folder for the CSV");
            }
        }

        /**
         * The file of the named set {@code name} (any of its folder's known files, in every folder searched for them:
         * --data-dir, $DCEC4J_DATA, ~/.cache/dcec4j) whose real path is {@code out}, a real path; null for none. predict
         * --output $DCEC4J_DATA/mnist/t10k-images-idx3-ubyte.gz replaced the images with the CSV once they were read.
         */
        static Path fileOfNamedSet(Path out, String name, DataSource source) throws IOException {
            String dir = Datasets.dirOf(name);
            for (Path folder : source.searchDirs(dir))
                for (org.dcec4j.datasets.KnownFile k : org.dcec4j.datasets.KnownFile.ALL) {
                    Path file = folder.resolve(k.name());
                    if (k.dir().equals(dir) && Files.exists(file) && realPath(file).equals(out)) return file;
                }
            return null;
        }

        /**
         * {image, link} when out (a real path) is where the image folder dir lists an image below a folder that is a
         * symbolic link (the folder's reading follows links, to class folders and inside them): the image's path through
         * dir and the link; null otherwise. Real paths are compared, so the link's path and its target's both count.
         * Hidden files and folders are skipped as the reading skips them.
         */
        static Path[] imageThroughALink(Path out, Path dir) throws IOException {
            String name = out.getFileName() == null ? "" : out.getFileName().toString();
            if (name.startsWith(".") || ImageFolder.EXTENSIONS.stream().noneMatch(name.toLowerCase(Locale.ROOT)::endsWith)) return null;
            Path parent = out.getParent();
            Path[] found = new Path[2];
            Files.walkFileTree(dir, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new java.nio.file.SimpleFileVisitor<>() {
                        final java.util.ArrayDeque<Path> links = new java.util.ArrayDeque<>();

                        @Override public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a)
                                throws IOException {
                            if (!d.equals(dir) && d.getFileName().toString().startsWith(".")) return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                            links.push(Files.isSymbolicLink(d) ? d : links.isEmpty() ? dir : links.peek());
                            if (links.peek() != dir && d.toRealPath().equals(parent)) {
                                found[0] = d.resolve(name);
                                found[1] = links.peek();
                                return java.nio.file.FileVisitResult.TERMINATE;
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) {
                            links.pop();
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        // an unreadable folder or a link cycle: the reading of the folder reports it
                        @Override public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
            return found[0] == null ? null : found;
        }

        /**
         * Whether file, a real path, is where the image folder dir (a real path) has or would list an image: a name with an
         * image's extension ({@link ImageFolder#EXTENSIONS}) below dir, outside hidden files and folders (which the folder's
         * reading skips). The CSV is renamed over the path once every image was read, so predict --output photos/cat.png
         * replaced that image of the set with the CSV.
         */
        static boolean isImageOf(Path file, Path dir) {
            if (!file.startsWith(dir) || file.equals(dir)) return false;
            for (Path part : dir.relativize(file)) if (part.toString().startsWith(".")) return false;
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return ImageFolder.EXTENSIONS.stream().anyMatch(name::endsWith);
        }

        /** p with symbolic links resolved as far as it exists (a file not written yet: its nearest existing folder's). */
        static Path realPath(Path p) throws IOException {
            Path abs = p.toAbsolutePath().normalize(), existing = abs;
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
        }

        /**
         * Whether out, an existing file in the run folder dir, is one of the run's files under another name: on a file
         * system that ignores case (macOS, Windows) run1/Predictions.csv is run1/predictions.csv.
         */
        private static boolean sameFileAsAnOutput(Path out, Path dir) throws IOException {
            if (!Files.exists(out)) return false;
            for (String name : RunFolder.OUTPUTS) {
                Path file = dir.resolve(name);
                if (Files.exists(file) && Files.isSameFile(out, file)) return true;
            }
            return false;
        }

        /**
         * Deletes the temporary files a killed predict or embed left beside {@code output} (a run folder's writer
         * cleans up after a killed run when it starts; these commands take no lock, so only files untouched for
         * {@link #STALE_TEMP} count as left behind, not those of another such command at work on the same name).
         */
        static void removeStaleTemps(Path output) throws IOException {
            Path abs = output.toAbsolutePath();
            OutputFiles.removeStaleTemps(abs.getParent(), List.of(abs.getFileName().toString()), STALE_TEMP);
        }

        /** The shutdown's line when the command did not stop within the wait: the JVM ends amid the atomic write. */
        static String notStoppedInTime(Path output) {
            return output + " was not written; a file of that name from before is as it was, and the temporary file beside it"
                    + " is deleted by a later predict or embed of that name after " + STALE_TEMP.toMinutes() + " minutes; run the command again";
        }

        /** The stop line's end for an --output written atomically: no part of it is there, an older file is untouched. */
        static String notWritten(Path output) {
            return output + " was not written (no part of it is left; a file of that name from before is as it was)";
        }

        /** How long a temporary CSV may go unmodified before a later command deletes it as a killed writer's. */
        static final java.time.Duration STALE_TEMP = java.time.Duration.ofMinutes(10);

        /**
         * Calls {@code batch} with each batch of images in order: the first image's index, the images, their count. Stops
         * with a CancellationException before a batch when the command's {@link #cancellation} was cancelled (a signal).
         */
        void forEachBatch(ImageStream s, Batch batch) throws IOException {
            int D = s.imageSize(), B = Math.max(1, Math.min(batchSize, s.size()));
            float[] x = new float[B * D];
            int first = 0;
            for (int n; ; first += n) {
                cancellation.check("image " + first + " of " + s.size());
                if ((n = s.read(x, 0, B)) <= 0) break;
                batch.accept(first, n == B ? x : Arrays.copyOf(x, n * D), n);
            }
        }

        /**
         * Refuses a batch whose results are not finite: the first n·per values of v, per values an image, the first image
         * at index first of s. A model whose weights are all finite (so it loads) can still overflow float on an image,
         * its weights grown huge in a run that was diverging or edited by hand: its embeddings are then infinite or NaN,
         * and so is every q_ij. Written as they come, they made a CSV of NaN (each image in cluster 0, confidence NaN),
         * or scores computed from cluster 0, with exit code 0. Exit code 1 (a damaged model), naming the model, the image
         * (and its file in a folder) and the value; predict's and embed's output is then not written.
         */
        void requireFinite(float[] v, int n, int per, int first, ImageStream s, String what) {
            for (int i = 0; i < n * per; i++) {
                if (Float.isFinite(v[i])) continue;
                int image = first + i / per;
                List<String> files = s.fileNames();
                throw new TensorFile.FormatException(model + ": at image " + image + " of " + s.size() + " of " + s.name()
                        + (files.isEmpty() ? "" : " (" + files.get(image) + ")") + ": expected a finite " + what + ", found " + v[i]
                        + ": the model's weights are finite but overflow float on this image (saved from a run that was diverging,"
                        + " or edited); train it again");
            }
        }

        interface Batch { void accept(int first, float[] x, int n) throws IOException; }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Assign clusters to images with a trained model: CSV of index,cluster,confidence (confidence = max_j q_ij), and file (the path below the folder) for an image folder.",
                    "Image folders are read at the model's own size and channels."})
    static final class Predict extends ModelCommand {
        @Option(names = "--output", paramLabel = "CSV", defaultValue = "predictions.csv", description = "Output CSV. Default: ${DEFAULT-VALUE}.")
        Path output;

        @Override String notWritten() { return notWritten(output); }

        @Override String notStoppedInTime() { return notStoppedInTime(output); }

        @Override int execute() throws IOException {
            int N;
            checkOutput(output);
            try (ImageStream s = open()) {
                N = s.size();
                removeStaleTemps(output);
                OutputFiles.writeAtomically(output, o -> {
                    PredictionsCsv csv = new PredictionsCsv(o, false, s.fileNames());
                    forEachBatch(s, (first, x, n) -> {
                        TrainedModel.Assignments a = m.predict(x, n, batchSize);
                        requireFinite(a.confidence(), n, 1, first, s, "confidence (max_j q_ij)");
                        for (int i = 0; i < n; i++) csv.row(first + i, a.labels()[i], a.confidence()[i], -1);
                    });
                    csv.flush();
                });
            }
            spec.commandLine().getOut().println("wrote " + Counts.of(N, "prediction") + " to " + output.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Embeddings z = F(x) of images: CSV of index,z0,...,z(K-1), and file (the path below the folder) for an image folder.",
                    "Image folders are read at the model's own size and channels."})
    static final class Embed extends ModelCommand {
        @Option(names = "--output", paramLabel = "CSV", defaultValue = "embeddings.csv", description = "Output CSV. Default: ${DEFAULT-VALUE}.")
        Path output;

        @Override String notWritten() { return notWritten(output); }

        @Override String notStoppedInTime() { return notStoppedInTime(output); }

        /** A kmeans model has no encoder: said naming the file (as dcec-spark says it), before the data are read. */
        @Override void checkModel() {
            if (m.ae == null) throw new IllegalArgumentException("--model " + model + ": a kmeans (pixel) model has no encoder to embed with");
        }

        @Override int execute() throws IOException {
            int N, K;
            checkOutput(output);
            try (ImageStream s = open()) {
                N = s.size();
                K = m.featureSize();
                removeStaleTemps(output);
                OutputFiles.writeAtomically(output, o -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8), 1 << 16);
                    List<String> files = s.fileNames();
                    StringBuilder line = new StringBuilder("index");
                    for (int j = 0; j < K; j++) line.append(",z").append(j);
                    w.append(line).append(files.isEmpty() ? "" : ",file").append('\n');
                    forEachBatch(s, (first, x, n) -> {
                        float[] z = m.features(x, n, batchSize);
                        requireFinite(z, n, K, first, s, "embedding");
                        for (int i = 0; i < n; i++) {
                            line.setLength(0);
                            line.append(first + i);
                            for (int j = 0; j < K; j++) line.append(',').append(z[i * K + j]);
                            if (!files.isEmpty()) line.append(',').append(PredictionsCsv.field(files.get(first + i)));
                            w.append(line).append('\n');
                        }
                    });
                    w.flush();
                });
            }
            spec.commandLine().getOut().println("wrote " + Counts.of(N, "embedding") + " of size " + K + " to " + output.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"ACC, NMI (arithmetic and geometric) and ARI of a trained model on a labelled data set.",
                    "Image folders are read at the model's own size and channels."})
    static final class Evaluate extends ModelCommand {
        @Override int execute() throws IOException {
            try (ImageStream s = open()) {
                if (s.labels() == null)
                    throw new IllegalArgumentException(s.name() + " has no labels: evaluate needs a labelled set (a named set or a folder with one sub-folder per class)");
                int[] labels = new int[s.size()];
                forEachBatch(s, (first, x, n) -> {
                    TrainedModel.Assignments a = m.predict(x, n, batchSize);
                    requireFinite(a.confidence(), n, 1, first, s, "confidence (max_j q_ij)");
                    System.arraycopy(a.labels(), 0, labels, first, n);
                });
                Scores sc = Scores.of(s.labels(), labels);
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%s on %s (%s): ACC %.4f  NMI %.4f  NMI(geometric) %.4f  ARI %.4f%n", m.config.method(), printable(s.name()), Counts.of(s.size(), "image"),
                        sc.acc(), sc.nmi(), org.dcec4j.dcec.metrics.Metrics.nmi(s.labels(), labels, org.dcec4j.dcec.metrics.NmiAverage.GEOMETRIC), sc.ari());
            }
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
