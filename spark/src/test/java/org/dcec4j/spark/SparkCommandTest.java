package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.spark.cli.SparkCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dcec-spark command line: a run on a folder of files, predict with its model, and the errors' exit codes. */
class SparkCommandTest {
    static SparkSession spark;
    @TempDir static Path tmp;
    static Path folder;

    @BeforeAll static void start() throws IOException {
        spark = SparkTests.session();
        folder = tmp.resolve("shapes");
        SparkTests.writeFolder(folder, Shapes.generate(120, 9, 16));
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = SparkCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test void trainOnAFolderThenPredictWithItsModelGivesTheSameClusters() throws IOException {
        Path out = tmp.resolve("run");
        Run t = run("train", "--dataset", folder.toString(), "--image-size", "16", "--clusters", "4", "--filters", "4,4,8", "--pretrain-epochs", "1",
                "--batch-size", "32", "--max-iter", "12", "-T", "6", "--kmeans-restarts", "1", "--partitions", "2", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("120 images of 1x16x16 in 2 partitions"), t.out());
        for (String f : List.of("config.json", "pretrain_log.csv", "dcec_log.csv", "cae_weights.dc4j", "model.dc4j", "predictions.csv", "report.html"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"partitions\": 2"));
        // the Parquet predictions were renamed into place whole: no hidden folder they were written into is left
        try (var names = Files.list(out)) { assertEquals(List.of(), names.filter(f -> f.getFileName().toString().startsWith(".predictions.parquet")).toList()); }
        // the folder's classes c0..c9 are the labels: predictions.csv has them, in the loader's order, and names each
        // image's file as a single-machine run does
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("index,cluster,confidence,label,file", csv.get(0));
        assertEquals(121, csv.size());
        org.dcec4j.datasets.Dataset loaded = org.dcec4j.datasets.ImageFolder.load(folder, 1, 16, 16);
        for (int i = 0; i < 120; i++) {
            String[] f = csv.get(i + 1).split(",");
            assertEquals(Integer.toString(i), f[0]);
            assertEquals(Integer.toString(loaded.labels()[i]), f[3], "row " + i);
            assertEquals(loaded.fileNames().get(i), f[4], "row " + i);
        }

        // a second run into the folder is refused without --overwrite (exit 2, naming the option)
        Run again = run("train", "--dataset", folder.toString(), "--image-size", "16", "--out", out.toString(), "--pretrain-epochs", "1");
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains("--overwrite"), again.err());

        String predictions = tmp.resolve("predict.parquet").toString();
        Run p = run("predict", "--model", out.resolve("model.dc4j").toString(), "--dataset", folder.toString(), "--output", predictions, "--with-q");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("wrote 120 predictions"), p.out());
        Map<String, Integer> trained = new HashMap<>();
        for (Row r : spark.read().parquet(out.resolve("predictions.parquet").toString()).collectAsList()) trained.put(r.getString(1), r.getInt(2));
        List<Row> predicted = spark.read().parquet(predictions).collectAsList();
        assertEquals(120, predicted.size());
        for (Row r : predicted) assertEquals(trained.get(r.getString(0)), r.getInt(1), r.getString(0));

        Run csvOut = run("embed", "--model", out.resolve("model.dc4j").toString(), "--dataset", folder.toString(), "--output",
                tmp.resolve("embed.csv").toString(), "--format", "csv");
        assertEquals(0, csvOut.code(), csvOut.err());
        List<String> header = List.of(spark.read().option("header", "true").csv(tmp.resolve("embed.csv").toString()).columns());
        assertEquals(List.of("path", "cluster", "confidence", "z0", "z1", "z2", "z3"), header);
    }

    /** A small untrained model at 16x16, K = 3, saved at tmp/name. */
    static Path untrainedModel(String name) throws IOException {
        org.dcec4j.dcec.DcecConfig cfg = org.dcec4j.dcec.DcecConfig.defaults().toBuilder().K(3).filters(4, 4, 8).build();
        Path file = tmp.resolve(name);
        new org.dcec4j.dcec.train.TrainedModel(cfg, 1, 16, 16, org.dcec4j.dcec.model.Autoencoder.create(cfg, 1, 16, 16, 1), new float[9]).save(file);
        return file;
    }

    /**
     * --output is written as named, '[' and ']' included; the count of what was written read it back as a glob pattern
     * ("Path does not exist", exit code 1, after a complete output was in place; Spark's multi-line CSV reader also
     * takes the part files' own paths as patterns).
     */
    @Test void anOutputNamedLikeAGlobIsWrittenAndCounted() throws IOException {
        Path output = tmp.resolve("out[1].csv");
        Run p = run("predict", "--model", untrainedModel("glob.dc4j").toString(), "--dataset", folder.toString(), "--output", output.toString(),
                "--format", "csv");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("wrote 120 predictions to " + output), p.out());
        assertTrue(Files.isRegularFile(output.resolve("_SUCCESS")), output.toString());
    }

    /** The count is said as dcec says it: "wrote 1 embedding", not "1 embeddings". */
    @Test void oneImageIsCountedInTheSingular() throws IOException {
        Path image;
        try (var files = Files.walk(folder)) { image = files.filter(f -> f.toString().endsWith(".png")).findFirst().orElseThrow(); }
        Path output = tmp.resolve("one-embedding.parquet");
        Run e = run("embed", "--model", untrainedModel("one.dc4j").toString(), "--dataset", image.toString(), "--output", output.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("wrote 1 embedding to " + output + " in "), e.out());
    }

    /** An existing --output is refused before the images are listed: a missing --dataset was said first. */
    @Test void anExistingOutputIsRefusedBeforeTheImagesAreListed() throws IOException {
        Path output = Files.createDirectories(tmp.resolve("earlier.parquet"));
        String nowhere = tmp.resolve("nowhere").toString();
        Run p = run("predict", "--model", untrainedModel("earlier.dc4j").toString(), "--dataset", nowhere, "--output", output.toString());
        assertEquals(2, p.code(), p.err());
        assertEquals("dcec-spark: " + output + " already exists: pass --overwrite to replace it, or choose another output", p.err().strip());
    }

    /**
     * An output below a file cannot be made: refused before the images are listed, naming the file in the way (exit 2);
     * it was Hadoop's "Parent path is not a directory", exit 1, once the whole job had run.
     */
    @Test void anOutputBelowAFileIsRefusedBeforeTheImagesAreListed() throws IOException {
        Path file = Files.writeString(tmp.resolve("somefile.txt"), "x");
        String nowhere = tmp.resolve("nowhere").toString();
        for (String output : List.of(file + "/out.csv", file + "/deeper/out.parquet")) {
            Run p = run("predict", "--model", untrainedModel("below-a-file.dc4j").toString(), "--dataset", nowhere, "--output", output);
            assertEquals(2, p.code(), p.err());
            assertEquals("dcec-spark: " + output + ": " + file + " is a file, not a folder: no output can be made below it; choose another output",
                    p.err().strip());
        }
    }

    /**
     * train's outputs below a file (--predictions, and --out, whose default predictions go below it) are refused as
     * predict's are, before the data are read (exit 2): --predictions was Hadoop's "Parent path is not a directory",
     * exit 1, once the whole run had been made; --out a failed folder creation once the data were read.
     */
    @Test void trainRefusesAnOutputBelowAFileBeforeTheDataAreRead() throws IOException {
        Path file = Files.writeString(tmp.resolve("train-somefile.txt"), "x");
        String nowhere = tmp.resolve("nowhere").toString();
        String below = ": " + file + " is a file, not a folder: no output can be made below it; choose another output";
        String predictions = file + "/p.csv";
        Run r = run("train", "--dataset", nowhere, "--predictions", predictions, "--out", tmp.resolve("train-below").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("dcec-spark: " + predictions + below, r.err().strip());
        String out = file + "/run";
        r = run("train", "--dataset", nowhere, "--out", out);
        assertEquals(2, r.code(), r.err());
        assertEquals("dcec-spark: " + out + below, r.err().strip());
    }

    /**
     * An output that is a file, not a folder, is refused at the start, naming it and the folder expected (exit 2), by
     * every command that writes one: train's --out was a failed folder creation once the data were read, exit 1; an
     * --output or --predictions without --overwrite was "already exists: pass --overwrite", which was then refused too.
     */
    @Test void anOutputThatIsAFileIsRefusedAtTheStart() throws IOException {
        Path file = Files.writeString(tmp.resolve("output-is-a-file.txt"), "x");
        String nowhere = tmp.resolve("nowhere").toString();
        String model = untrainedModel("output-is-a-file.dc4j").toString();
        for (String command : List.of("predict", "embed")) {
            for (boolean overwrite : new boolean[] {false, true}) {
                List<String> args = new java.util.ArrayList<>(List.of(command, "--model", model, "--dataset", nowhere, "--output", file.toString()));
                if (overwrite) args.add("--overwrite");
                Run r = run(args.toArray(new String[0]));
                assertEquals(2, r.code(), r.err());
                assertEquals("dcec-spark: " + file + " is a file, not a folder: an output is a folder (of Spark's part files);"
                        + " choose another output", r.err().strip(), args.toString());
            }
        }
        for (boolean overwrite : new boolean[] {false, true}) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--dataset", nowhere, "--predictions", file.toString(),
                    "--out", tmp.resolve("predictions-is-a-file").toString()));
            if (overwrite) args.add("--overwrite");
            Run r = run(args.toArray(new String[0]));
            assertEquals(2, r.code(), r.err());
            assertEquals("dcec-spark: --predictions " + file + " is a file, not a folder: the predictions are a folder (of Spark's"
                    + " part files); choose another --predictions", r.err().strip(), args.toString());
        }
        Run r = run("train", "--dataset", nowhere, "--out", file.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("dcec-spark: --out " + file + " is a file, not a folder: a run writes its logs, weights, model and predictions"
                + " into a folder; choose another --out", r.err().strip());
        assertEquals("x", Files.readString(file));
    }

    @Test void badOptionsAndBadInputsExitWithAMessageNamingThem() throws IOException {
        Run r = run("train", "--pretrain-mode", "fast", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--pretrain-mode must be synchronous or averaging"), r.err());

        String missing = tmp.resolve("none.dc4j").toString();
        r = run("predict", "--model", missing, "--dataset", folder.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model: no file at " + missing), r.err());

        Path model = tmp.resolve("junk.dc4j");
        Files.write(model, new byte[] {1, 2, 3});
        r = run("predict", "--model", model.toString(), "--dataset", folder.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("junk.dc4j"), r.err());

        r = run("train", "--dataset", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nowhere: no such file or folder"), r.err());

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        SparkTests.writePng(broken.resolve("a.png"), new float[256], 0, 16, 16);
        Files.write(broken.resolve("b.jpg"), "not a jpeg".getBytes(StandardCharsets.UTF_8));
        r = run("train", "--dataset", broken.toString(), "--image-size", "16", "--clusters", "2", "--out", tmp.resolve("z").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("b.jpg") && r.err().contains("readable PNG, JPEG"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }

    /**
     * What is at --predictions is not the run's: it is refused unless --overwrite (it was replaced silently, a folder of
     * images included); a single-machine run's baseline and checkpoint count as results of another run; a bad --dataset
     * leaves no --out folder behind.
     */
    @Test void trainGuardsWhatItWouldReplace() throws IOException {
        Path victim = tmp.resolve("victim");
        SparkTests.writeFolder(victim, Shapes.generate(12, 9, 16));
        long images;
        try (var files = Files.walk(victim)) { images = files.filter(Files::isRegularFile).count(); }
        Run r = run("train", "--dataset", folder.toString(), "--image-size", "16", "--pretrain-epochs", "1", "--predictions", victim.toString(),
                "--out", tmp.resolve("guarded").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--predictions " + victim + " already exists: pass --overwrite"), r.err());
        try (var files = Files.walk(victim)) { assertEquals(images, files.filter(Files::isRegularFile).count(), "the folder is untouched"); }

        Path single = Files.createDirectories(tmp.resolve("single"));
        Files.writeString(single.resolve("baseline.json"), "{}");
        r = run("train", "--dataset", folder.toString(), "--image-size", "16", "--pretrain-epochs", "1", "--out", single.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("baseline.json") && r.err().contains("--overwrite"), r.err());

        Path none = tmp.resolve("no-folder");
        r = run("train", "--dataset", tmp.resolve("nowhere").toString(), "--out", none.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(!Files.exists(none), "a bad --dataset created " + none);
    }

    /** predict and embed read files or a table on the executors: the built-in sets' options and the driver's threads are not theirs. */
    @Test void predictAndEmbedRefuseTheTrainingOnlyDataOptions() {
        for (String command : List.of("predict", "embed")) {
            for (String[] option : List.of(new String[] {"--limit", "5"}, new String[] {"--threads", "1"},
                    new String[] {"--data-dir", tmp.toString()}, new String[] {"--partitions", "2"}, new String[] {"--partitions", "0"})) {
                Run r = run(command, "--model", tmp.resolve("m.dc4j").toString(), "--dataset", folder.toString(), option[0], option[1]);
                assertEquals(2, r.code(), command + " " + option[0]);
                assertTrue(r.err().contains("Unknown options: '" + option[0] + "'"), r.err());
                assertTrue(!run(command, "--help").out().contains(option[0]), command + " --help lists " + option[0]);
            }
            assertTrue(run(command, "--help").out().contains("--pixels-column"), command + " keeps the input options");
            // their --dataset is a folder of images: the help offered the built-in sets, which they refuse
            String help = run(command, "--help").out();
            assertTrue(help.contains("--dataset=PATH") && help.contains("A folder of images"), help);
            assertTrue(!help.contains("mnist") && !help.contains("NAME|PATH"), help);
        }
        String trainHelp = run("train", "--help").out();
        assertTrue(trainHelp.contains("--limit") && trainHelp.contains("--partitions"), "train keeps --limit and --partitions");
        assertTrue(trainHelp.contains("--dataset=NAME|PATH") && trainHelp.contains("mnist"), trainHelp);
    }

    /**
     * A bad option is refused before a Spark session starts (about 20 s here), naming the option. With no session and
     * no --master, a check made after the start would have been preempted by "no Spark master"; before, --dataset mnist
     * (predict, embed), --batch-size 0, and train's --partitions 0 and --image-size 30 were all checked after it, the
     * batch size without the option's name and the image size as "resize the images".
     */
    @Test void badOptionsAreRefusedBeforeSparkStartsNamingTheOption() throws IOException {
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
        try {
            String model = tmp.resolve("m.dc4j").toString(), images = folder.toString();
            for (String command : List.of("predict", "embed")) {
                assertRefused("--dataset mnist: predict and embed read a folder of image files or a --table; use `dcec predict` for the "
                        + "built-in sets (a folder of that name: ./mnist)", command, "--model", model, "--dataset", "mnist");
                assertRefused("--batch-size must be at least 1, got 0", command, "--model", model, "--dataset", images, "--batch-size", "0");
            }
            assertRefused("--partitions must be at least 1, got 0", "train", "--dataset", images, "--partitions", "0",
                    "--out", tmp.resolve("p0").toString());
            assertRefused("--image-size 30: the convolutional autoencoder needs image height and width that are multiples of 4 and at "
                    + "least 12 (e.g. 16, 28, 32), got 30x30; the images are converted to this size: choose another --image-size",
                    "train", "--dataset", images, "--image-size", "30", "--out", tmp.resolve("s30").toString());
            assertRefused("--image-size 16x28: height and width must both be multiples of 8 or both not",
                    "train", "--dataset", images, "--image-size", "16x28", "--out", tmp.resolve("s1628").toString());
            // DEC's dense autoencoder takes any size
            assertRefused("no Spark master", "train", "--method", "dec", "--dataset", images, "--image-size", "30",
                    "--out", tmp.resolve("km").toString());
            // good options and a model file: the master is what is missing, so the checks above came before the session
            org.dcec4j.dcec.DcecConfig cfg = org.dcec4j.dcec.DcecConfig.defaults().toBuilder().K(3).filters(4, 4, 8).build();
            Path real = tmp.resolve("real.dc4j");
            new org.dcec4j.dcec.train.TrainedModel(cfg, 1, 28, 28, org.dcec4j.dcec.model.Autoencoder.create(cfg, 1, 28, 28, 1), new float[9]).save(real);
            assertRefused("no Spark master", "predict", "--model", real.toString(), "--dataset", images);
        } finally {
            SparkSession.setDefaultSession(spark);
            SparkSession.setActiveSession(spark);
        }
    }

    static void assertRefused(String message, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().startsWith("dcec-spark: " + message), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /**
     * Under LANG=C JDK 17 reads a non-ASCII argument as U+FFFD and cannot make a path of it: `--out é` was picocli's
     * "cannot convert ... to interface java.nio.file.Path"; it says why and what to do, exit code 2, before any Spark.
     */
    @Test void aPathTheLocaleCannotSpellSaysWhy() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SparkCommand.class.getName(), "train", "--dataset", folder.toString(),
                "--out", tmp.resolve("\u00e9").toString()));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("LC_"));
        b.environment().put("LANG", "C");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("'" + tmp + "/\ufffd\ufffd") && out.contains("run it under a UTF-8 locale, e.g. LANG=C.UTF-8"), out);
        assertTrue(!out.contains("cannot convert"), out);
    }
}
