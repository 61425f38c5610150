package org.dcec4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.train.TrainedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * Every check of dcec-spark's options that does not need the data comes before the Spark session starts (about 20 s),
 * naming the option. No session is started here: with none running and no --master, the start itself would fail with
 * "no Spark master", so a check that came after it would be preempted by that message.
 */
class SparkOptionChecksTest {
    @TempDir static Path tmp;
    static Path model, pixelModel;
    static Option<SparkSession> defaultSession, activeSession;

    /** A session another test class left running is set aside: its presence would let the command skip the master check. */
    @BeforeAll static void noSession() throws IOException {
        defaultSession = SparkSession.getDefaultSession();
        activeSession = SparkSession.getActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
        // a small CAE model for 1x28x28 images (largest batch (2^31 - 65) / 784) and a pixel k-means one, made without training
        DcecConfig conv = DcecConfig.defaults().toBuilder().K(3).filters(4, 4, 8).build().validate();
        model = tmp.resolve("model.dc4j");
        new TrainedModel(conv, 1, 28, 28, Autoencoder.create(conv, 1, 28, 28, 1), new float[3 * 3]).save(model);
        DcecConfig kmeans = DcecConfig.defaults().toBuilder().method(Method.KMEANS).K(3).build().validate();
        pixelModel = tmp.resolve("kmeans.dc4j");
        new TrainedModel(kmeans, 1, 28, 28, null, new float[3 * 784]).save(pixelModel);
    }

    @AfterAll static void restore() {
        if (defaultSession.isDefined()) SparkSession.setDefaultSession(defaultSession.get());
        if (activeSession.isDefined()) SparkSession.setActiveSession(activeSession.get());
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = SparkCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertRefused(String message, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().startsWith("dcec-spark: " + message), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /** `dcec-spark` alone is a usage error (exit 2, the usage on stderr), as `dcec` alone is; it exited 0. */
    /**
     * Every whole-number and real-valued option of every command takes ASCII digits only, as in dcec: Integer.parseInt
     * reads any Unicode digit, so '--partitions ٣' was 3. Parsed only (a value taken would start Spark).
     */
    @Test void numericOptionsTakeAsciiDigitsOnly() {
        int checked = 0;
        for (picocli.CommandLine sub : SparkCommand.commandLine(System.out, System.err).getSubcommands().values()) {
            for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                Class<?> t = o.type();
                if (!(t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Float.class || t == float.class
                        || t == Double.class || t == double.class)) continue;   // --filters, --dense-dims: DcecCommandTest
                for (String bad : List.of("\u0663", "1\u0663", "\uff13")) {
                    String what = sub.getCommandName() + " " + o.longestName() + " " + bad;
                    picocli.CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                            () -> SparkCommand.commandLine(System.out, System.err).parseArgs(sub.getCommandName(), o.longestName(), bad), what);
                    assertTrue(e.getMessage().startsWith("Invalid value for option '" + o.longestName() + "': '" + bad + "' is not a"),
                            what + ": " + e.getMessage());
                }
                checked++;
            }
        }
        assertTrue(checked >= 10, "numeric options checked: " + checked);
        Run r = run("train", "--partitions", "\u0663", "--out", tmp.resolve("never").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("Invalid value for option '--partitions': '\u0663' is not an int (digits 0-9)"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test void noCommandIsAUsageError() {
        Run r = run();
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Missing required subcommand\n") && r.err().contains("Usage: dcec-spark"), r.err());
    }

    /** train with the built-in shapes set (read only after the start) and one more option. */
    static String[] train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--out", tmp.resolve("out").toString()));
        args.addAll(List.of(options));
        return args.toArray(new String[0]);
    }

    /**
     * The hyper-parameters, checked as dcec checks them (DcecConfig.validate, the message naming the option) and the
     * distributed trainer's own refusals (kmeans, the augmented methods, SGD, --sync-every), --threads and --weights:
     * before, all of them were checked after the session's start-up.
     */
    @Test void trainingOptionsAreRefusedBeforeSparkStarts() {
        assertRefused("--lr must be a positive number, got 0.0", train("--lr", "0"));
        assertRefused("--lr must be a positive number, got Infinity", train("--lr", "Infinity"));
        assertRefused("--tol is a fraction of labels and must be from 0 to 1, got 2.0", train("--tol", "2"));
        assertRefused("--max-iter must be >= 0, got -1", train("--max-iter", "-1"));
        assertRefused("--update-interval must be at least 1, got 0", train("-T", "0"));
        assertRefused("--batch-size must be at least 1, got 0", train("--batch-size", "0"));
        assertRefused("--gamma must be a number >= 0, got -1.0", train("--gamma", "-1"));
        assertRefused("--alpha must be a positive number up to 1e8, got 0.0", train("--alpha", "0"));
        assertRefused("--clusters must be at least 2, got 1", train("--clusters", "1"));
        assertRefused("--filters must be positive, got [0, 4, 8]", train("--filters", "0,4,8"));
        assertRefused("--filters needs three counts (e.g. 32,64,128), got 2", train("--filters", "4,4"));
        assertRefused("--dense-dims must be positive, got [500, 0]", train("--method", "dec", "--dense-dims", "500,0"));
        assertRefused("--pretrain-epochs must be >= 0, got -1", train("--pretrain-epochs", "-1"));
        assertRefused("--kmeans-restarts must be at least 1, got 0", train("--kmeans-restarts", "0"));
        assertRefused("--method kmeans clusters raw pixels on one machine", train("--method", "kmeans"));
        assertRefused("--method dcec-da trains on augmented images", train("--method", "dcec-da"));
        assertRefused("--pretrain-optimizer sgd:1.0:0.9: the distributed trainer averages Adam's state", train("--pretrain-optimizer", "sgd:1:0.9"));
        assertRefused("--cluster-optimizer sgd:0.01:0.9: the distributed trainer runs Adam only", train("--cluster-optimizer", "sgd:0.01:0.9"));
        assertRefused("--sync-every must be >= 0 (0 = once per epoch), got -1", train("--pretrain-mode", "averaging", "--sync-every", "-1"));
        assertRefused("--threads must be at least 1, got 0", train("--threads", "0"));
        String weights = tmp.resolve("none.dc4j").toString();
        assertRefused("--weights: no file at " + weights, train("--weights", weights));
        // the number of clusters left to the data (its classes) is checked against it after the start: good options
        // reach the start, which is what fails here
        assertRefused("no Spark master", train());
        assertRefused("no Spark master", train("--clusters", "2", "--lr", "0.01", "--tol", "0", "--max-iter", "0", "--pretrain-mode", "averaging"));
        assertFalse(Files.exists(tmp.resolve("out")), "a refused run made --out");
    }

    /**
     * train's data options are refused before Spark starts, naming the option and the value: --limit below 1 or given
     * with a folder, --channels other than 1 and 3, --channels or --image-size with a built-in set, an --image-size that
     * is no size or a side of 0 or beyond the largest; the values at the edges (--limit 1, --channels 3, --image-size
     * 2048 for DEC's dense autoencoder) reach the start, which is what fails here.
     */
    @Test void trainingDataOptionsAreRefusedBeforeSparkStarts() {
        String folder = tmp.toString(), max = Integer.toString(org.dcec4j.datasets.ImageFolder.MAX_SIZE);
        assertRefused("--limit must be at least 1, got 0", train("--limit", "0"));
        assertRefused("--limit must be at least 1, got -3", train("--limit", "-3"));
        assertRefused("--limit applies to the built-in sets", train("--dataset", folder, "--limit", "5"));
        assertRefused("--channels must be 1 or 3, got 2", train("--dataset", folder, "--channels", "2"));
        assertRefused("--channels must be 1 or 3, got 0", train("--dataset", folder, "--channels", "0"));
        assertRefused("--channels and --image-size apply to image folders and tables, shapes has its own images", train("--channels", "1"));
        assertRefused("--channels and --image-size apply to image folders and tables, shapes has its own images", train("--image-size", "28"));
        assertRefused("--image-size must be HxW or one number (e.g. 28x28 or 32), not 'big'", train("--dataset", folder, "--image-size", "big"));
        assertRefused("--image-size: each side must be from 1 to " + max + " pixels, not '0'",
                train("--method", "dec", "--dataset", folder, "--image-size", "0"));
        assertRefused("--image-size: each side must be from 1 to " + max + " pixels, not '16x" + (org.dcec4j.datasets.ImageFolder.MAX_SIZE + 1) + "'",
                train("--method", "dec", "--dataset", folder, "--image-size", "16x" + (org.dcec4j.datasets.ImageFolder.MAX_SIZE + 1)));
        assertRefused("no Spark master", train("--limit", "1"));
        assertRefused("no Spark master", train("--dataset", folder, "--channels", "3", "--image-size", "16"));
        assertRefused("no Spark master", train("--method", "dec", "--dataset", folder, "--image-size", max));
        assertFalse(Files.exists(tmp.resolve("out")), "a refused run made --out");
    }

    /**
     * predict and embed read the model on the driver before the session starts: a batch size larger than one array
     * holds for the model's images, and an embedding asked of a pixel k-means model, are refused before it (they were
     * refused by SparkInference.run, after the start, the batch size as "batch size").
     */
    @Test void modelChecksComeBeforeSparkStarts() throws IOException {
        int most = (Integer.MAX_VALUE - 64) / 784;
        for (String command : List.of("predict", "embed")) {
            assertRefused("--batch-size " + (most + 1) + ": a batch of 1x28x28 images (or a layer's output for them) would hold more values "
                    + "than one Java array (2^31): use at most " + most + " (the results do not depend on it)",
                    command, "--model", model.toString(), "--dataset", tmp.toString(), "--batch-size", "" + (most + 1));
            String missing = tmp.resolve("missing.dc4j").toString();
            assertRefused("--model: no file at " + missing, command, "--model", missing, "--dataset", tmp.toString());
            assertRefused("no Spark master", command, "--model", model.toString(), "--dataset", tmp.toString(), "--batch-size", "" + most);
        }
        assertRefused("--model " + pixelModel + ": a kmeans (pixel) model has no encoder to embed with",
                "embed", "--model", pixelModel.toString(), "--dataset", tmp.toString());
        assertRefused("no Spark master", "predict", "--model", pixelModel.toString(), "--dataset", tmp.toString());

        // a damaged model is a failure (exit 1), also said before the start
        Path junk = tmp.resolve("junk.dc4j");
        Files.write(junk, new byte[] {1, 2, 3});
        Run r = run("predict", "--model", junk.toString(), "--dataset", tmp.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("dcec-spark: " + junk), r.err());
    }

    /**
     * With no session running, --model is read through a file system made from --master and --conf: a --conf that is
     * not KEY=VALUE is that option's error (exit 2), not the file's; a scheme no file system serves is a failure naming
     * --model, the path and the reason (exit 1); both before Spark starts.
     */
    @Test void theModelsFileSystemComesFromTheOptionsBeforeSparkStarts() {
        assertRefused("--conf must be KEY=VALUE, not 'bad'", "predict", "--model", model.toString(), "--dataset", tmp.toString(), "--conf", "bad");
        Run r = run("predict", "--model", "nosuchfs://x/model.dc4j", "--dataset", tmp.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("dcec-spark: --model nosuchfs://x/model.dc4j: cannot read it through its file system (")
                && r.err().contains("nosuchfs"), r.err());
    }
}
