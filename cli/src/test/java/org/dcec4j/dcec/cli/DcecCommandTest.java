package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.engine.nn.Init;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class DcecCommandTest {

    /**
     * Under LANG=C JDK 17 reads a non-ASCII argument as U+FFFD and cannot make a path of it: `--out é` was refused with
     * picocli's "cannot convert '/tmp/\ufffd\ufffd' to interface java.nio.file.Path (java.nio.file.InvalidPathException:
     * Malformed input ...)" and `--dataset é` with "dcec: Malformed input or input contains unmappable characters". Both
     * now say why and what to do (exit code 2).
     */
    @Test
    void aPathTheLocaleCannotSpellSaysWhy(@TempDir Path dir) throws Exception {
        String hint = "is not a file name this JVM can use (malformed input or input contains unmappable characters): it reads file"
                + " names as ANSI_X3.4-1968 (sun.jnu.encoding, from the locale: LANG, LC_ALL), which cannot spell them; run it"
                + " under a UTF-8 locale, e.g. LANG=C.UTF-8";
        for (String[] args : new String[][] {{"train", "--out", dir.resolve("\u00e9").toString()},
                {"train", "--dataset", dir.resolve("\u00e9").toString()}, {"predict", "--model", dir.resolve("\u00e9.dc4j").toString()}}) {
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DcecCommand.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
            b.environment().keySet().removeIf(k -> k.startsWith("LC_"));
            b.environment().put("LANG", "C");
            Process p = b.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), out);
            assertTrue(out.contains("'" + dir + "/\ufffd\ufffd") && out.contains(hint), String.join(" ", args) + ":\n" + out);
        }
    }

    /** Runs the command; returns {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    static final List<String> TRAINING_OPTIONS = List.of("--method", "--clusters", "--filters", "--dense-dims", "--alpha", "--gamma",
            "--batch-size", "--pretrain-epochs", "--kmeans-restarts", "--update-interval", "--tol", "--max-iter", "--lr", "--seed",
            "--checkpoint-every", "--resume", "--overwrite", "--out", "--dataset", "--data-dir", "--limit", "--threads", "--channels", "--image-size");

    /**
     * Every numeric option of every command takes ASCII digits only: Integer.valueOf read `--limit ٣` (Arabic-Indic three)
     * and `--seed ３` (fullwidth) as 3. Refused at parsing, exit 2, naming the option, the value and what was expected;
     * signs and the forms accepted before still are.
     */
    @Test void numericOptionsTakeAsciiDigitsOnly(@TempDir Path tmp) {
        CommandLine cl = DcecCommand.commandLine(System.out, System.err);
        int checked = 0;
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                Class<?> t = o.type();
                if (!(t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Float.class || t == float.class
                        || t == Double.class || t == double.class || t == HyperParameterOptions.IntList.class)) continue;
                for (String bad : List.of("\u0663", "1\u0663", "\uff13", "\u0966")) {
                    // parsed only: a value taken would start the command (a training)
                    String what = sub.getCommandName() + " " + o.longestName() + " " + bad;
                    CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(CommandLine.ParameterException.class,
                            () -> DcecCommand.commandLine(System.out, System.err).parseArgs(sub.getCommandName(), o.longestName(), bad), what);
                    assertTrue(e.getMessage().startsWith("Invalid value for option '" + o.longestName() + "': '" + bad + "' is not a"),
                            what + ": " + e.getMessage());
                }
                checked++;
            }
        }
        assertTrue(checked >= 20, "numeric options checked: " + checked);
        // the command line's exit code and line (--threads 0 would be refused too, after the parsing)
        Object[] r = run("train", "--limit", "\u0663", "--threads", "0", "--out", tmp.resolve("never").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("Invalid value for option '--limit': '\u0663' is not an int (digits 0-9)"), (String) r[2]);
        assertFalse(Files.exists(tmp.resolve("never")));
        // reproduce's seeds are parsed by the plan
        for (String[] args : List.of(new String[] {"reproduce", "--dry-run", "--datasets", "shapes", "--seeds", "\u0663"},
                new String[] {"reproduce", "--dry-run", "--plan", "shapes:0-\u0663"})) {
            Object[] rr = run(args);
            assertEquals(2, rr[0], String.join(" ", args) + ": " + rr[2]);
            assertTrue(((String) rr[2]).contains("is not a seed"), (String) rr[2]);
        }
        assertEquals(-1, SignalStop.waitSeconds("\u0663"));
        // what was accepted before still is: signs on integers, decimals and exponents on the real-valued options
        CommandLine.ParseResult ok = DcecCommand.commandLine(System.out, System.err)
                .parseArgs("train", "--limit", "+30", "--seed", "-7", "--filters", "4, 8,+16", "--tol", "1e-3", "--alpha", ".5");
        DcecCommand.Train t = (DcecCommand.Train) ok.subcommand().commandSpec().userObject();
        assertEquals(30, t.data.limit);
        assertEquals(-7, t.train.hyperParameters.seed());
        assertArrayEquals(new int[] {4, 8, 16}, t.train.hyperParameters.filters.values());
    }

    /**
     * A float option refuses a number a float cannot hold, naming it: Float.valueOf made {@code --gamma 1e-50} a silent 0
     * (a run without clustering loss, config.json recording 0.0) and {@code --lr 1e-50} "must be a positive number, got 0.0".
     */
    @Test void floatOptionsRefuseNumbersAFloatCannotHold(@TempDir Path tmp) {
        for (String[] c : List.of(new String[] {"--gamma", "1e-50", "0.0"}, new String[] {"--lr", "1e-50", "0.0"},
                new String[] {"--alpha", "-1e40", "-Infinity"})) {
            Object[] r = run("train", c[0], c[1], "--limit", "30", "--out", tmp.resolve("never").toString());
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).startsWith("Invalid value for option '" + c[0] + "': '" + c[1]
                    + "' is outside the range of a float (magnitudes from about 1.4e-45 to 3.4e38), which would hold it as " + c[2]), (String) r[2]);
            assertFalse(Files.exists(tmp.resolve("never")));
        }
        // zero, the smallest float and the forms Float.valueOf took before are still taken as they were
        DcecCommand.Train t = (DcecCommand.Train) DcecCommand.commandLine(System.out, System.err)
                .parseArgs("train", "--gamma", "0", "--lr", "1.4e-45", "--alpha", "2f").subcommand().commandSpec().userObject();
        assertEquals(0f, t.train.hyperParameters.gamma);
        assertEquals(Float.MIN_VALUE, t.train.hyperParameters.lr);
        assertEquals(2f, t.train.hyperParameters.alpha);
    }

    @Test void helpListsEveryOptionOfEveryCommand() {
        CommandLine cl = DcecCommand.commandLine(System.out, System.err);
        String top = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String sub : cl.getSubcommands().keySet()) assertTrue(top.contains(sub), "top-level help lists " + sub);
        assertEquals(List.of("train", "pretrain", "cluster", "predict", "embed", "evaluate", "info", "report", "datasets", "reproduce"), List.copyOf(cl.getSubcommands().keySet()));
        for (CommandLine sub : cl.getSubcommands().values()) {
            String usage = sub.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (OptionSpec o : sub.getCommandSpec().options())
                assertTrue(usage.contains(o.longestName()), sub.getCommandName() + " --help lists " + o.longestName());
        }
        for (String name : List.of("train", "pretrain", "cluster")) {
            CommandSpec spec = cl.getSubcommands().get(name).getCommandSpec();
            for (String o : TRAINING_OPTIONS) assertTrue(spec.findOption(o) != null, name + " has " + o);
        }
        Object[] r = run("train", "--help");
        assertEquals(0, r[0]);
        assertTrue(((String) r[1]).contains("--pretrain-epochs"), (String) r[1]);
        // the baseline belongs to the commands that end with scores
        for (String name : List.of("train", "cluster")) {
            CommandSpec spec = cl.getSubcommands().get(name).getCommandSpec();
            assertTrue(spec.findOption("--baseline") != null && spec.findOption("--no-baseline") != null, name);
        }
        assertTrue(cl.getSubcommands().get("pretrain").getCommandSpec().findOption("--baseline") == null);
    }

    /** `dcec` alone is a usage error (exit 2, the usage on stderr): it exited 0, so a script's empty command passed. */
    @Test void noCommandIsAUsageError() {
        Object[] r = run();
        assertEquals(2, r[0]);
        assertEquals("", r[1]);
        assertTrue(((String) r[2]).startsWith("Missing required subcommand\n") && ((String) r[2]).contains("Usage: dcec"), (String) r[2]);
        for (String help : List.of("--help", "-h")) {
            r = run(help);
            assertEquals(0, r[0], help);
            assertTrue(((String) r[1]).startsWith("Usage: dcec"), (String) r[1]);
        }
    }

    /** predict, embed and evaluate read images at the model's size and use all of them: their help says so and offers nothing else. */
    @Test void theModelCommandsOfferOnlyTheOptionsTheyUse() {
        for (String cmd : List.of("predict", "embed", "evaluate")) {
            Object[] r = run(cmd, "--help");
            assertEquals(0, r[0], cmd);
            String help = (String) r[1];
            assertFalse(help.contains("--channels") || help.contains("--image-size"), cmd + ": " + help);
            assertFalse(help.contains("shapes: " + DcecCommand.SHAPES_LIMIT), cmd + " uses every image: " + help);
            assertTrue(help.contains("--limit") && help.contains("Default: all of them."), help);
            assertTrue(help.contains("Image folders are read at the model's own size and channels."), help);
            assertTrue(help.contains("--dataset") && help.contains("--data-dir") && help.contains("--threads"), help);
        }
        Object[] r = run("train", "--help");
        assertTrue(((String) r[1]).contains("--channels") && ((String) r[1]).contains("(shapes: " + DcecCommand.SHAPES_LIMIT), (String) r[1]);
    }

    @Test void optionsReachTheConfig() {
        CommandLine cl = DcecCommand.commandLine(System.out, System.err);
        CommandLine.ParseResult pr = cl.parseArgs("train", "--method", "idec", "--clusters", "7", "--filters", "8,16,32",
                "--dense-dims", "50,20", "--alpha", "2", "--gamma", "0.5", "--batch-size", "32", "--pretrain-epochs", "3",
                "--kmeans-restarts", "4", "-T", "11", "--tol", "0.01", "--max-iter", "99", "--lr", "0.002", "--seed", "5",
                "--checkpoint-every", "6", "--pretrain-optimizer", "sgd:1:0.9", "--cluster-optimizer", "SGD:0.01:0.9",
                "--init", "uniform-fan-in");
        DcecCommand.Train t = (DcecCommand.Train) pr.subcommand().commandSpec().userObject();
        Dataset d = Shapes.generate(20, 1, 12);
        DcecConfig c = t.train.config(d, false);
        DcecConfig expected = new DcecConfig(Method.IDEC, 7, new int[] {8, 16, 32}, new int[] {50, 20}, 2f, 0.5f, 32, 3, 4, 11,
                0.01, 99, 0.002f, 5, 6, OptimizerSpec.sgd(1f, 0.9f), OptimizerSpec.sgd(0.01f, 0.9f), Init.Scheme.UNIFORM_FAN_IN);
        assertEquals(expected, c);
        // no training option given: the reference defaults, or the shapes defaults for shapes; K from the labels
        CommandLine.ParseResult plain = DcecCommand.commandLine(System.out, System.err).parseArgs("train");
        DcecCommand.Train p = (DcecCommand.Train) plain.subcommand().commandSpec().userObject();
        assertEquals(DcecConfig.defaults(), p.train.config(d, false));
        DcecConfig s = p.train.config(d, true);
        assertEquals(DcecCommand.SHAPES_EPOCHS, s.pretrainEpochs());
        assertEquals(DcecCommand.SHAPES_BATCH, s.batchSize());
        assertEquals(DcecCommand.SHAPES_MAX_ITER, s.maxIter());
        assertEquals(DcecCommand.SHAPES_T, s.updateInterval());
        assertEquals(10, s.K());
        // an explicit option replaces only its own shapes default
        CommandLine.ParseResult one = DcecCommand.commandLine(System.out, System.err).parseArgs("train", "--max-iter", "3000");
        DcecConfig o = ((DcecCommand.Train) one.subcommand().commandSpec().userObject()).train.config(d, true);
        assertEquals(3000, o.maxIter());
        assertEquals(DcecCommand.SHAPES_EPOCHS, o.pretrainEpochs());
        assertEquals(DcecCommand.SHAPES_BATCH, o.batchSize());
        assertEquals(DcecCommand.SHAPES_T, o.updateInterval());
    }

    /**
     * On the built-in shapes set the commands apply the shapes defaults (docs/usage.md#shapes-defaults) to each option
     * not given: without --limit train reads 4,000 of the set's 10,000 images (--clusters 4001 is refused naming 4000),
     * and a pretrain run given --limit 30 records in config.json the shapes batch size 64, -T 100, --tol 0.005 and
     * --max-iter 2000, not the reference's 256, 140, 0.001 and 20000. optionsReachTheConfig hands config() the shapes
     * flag itself; here the command decides it from --dataset.
     */
    @Test void theShapesDefaultsApplyToEveryOptionNotGiven(@TempDir Path tmp) throws IOException {
        // --resume with --overwrite is refused right after K is checked: a run that took all 10,000 images stops there too
        Object[] r = run("train", "--clusters", "4001", "--resume", "--overwrite", "--threads", "1", "--out", tmp.resolve("never").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --clusters 4001 is larger than the number of images (4000 in shapes"), (String) r[2]);
        assertFalse(Files.exists(tmp.resolve("never")));
        Path out = tmp.resolve("run");
        r = run("pretrain", "--limit", "30", "--filters", "4,4,8", "--pretrain-epochs", "1", "--threads", "1", "--out", out.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains(" on shapes, 30 images of 1x28x28, K=10, seed 0\n"), (String) r[1]);
        java.util.Map<String, String> c = org.dcec4j.dcec.report.RunLogs.readConfig(out.resolve(RunFolder.CONFIG_JSON));
        assertEquals(List.of("64", "1", "100", "0.005", "2000"),
                List.of(c.get("batch_size"), c.get("pretrain_epochs"), c.get("update_interval"), c.get("tol"), c.get("max_iter")), c.toString());
    }

    /** A bad option or value exits 2 with one line naming the option (texts written out by hand) and writes no --out folder. */
    @Test void badOptionsFailWithAMessageAndWriteNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Object[] r = run("train", "--dataset", tmp.resolve("missing").toString(), "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("neither a built-in set"), (String) r[2]);
        r = run("train", "--clusters", "1", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--clusters must be at least 2"), (String) r[2]);
        r = run("train", "--clusters", "31", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--clusters 31 is larger than the number of images (30"), (String) r[2]);
        r = run("train", "--method", "kmeanz", "--out", out.toString());
        assertEquals(2, r[0]);
        // the message names the option to change, as --methods of reproduce does
        assertTrue(((String) r[2]).contains("dcec: --method: unknown method 'kmeanz': expected one of dcec, cae-kmeans,"), (String) r[2]);
        r = run("train", "--data-dir", tmp.resolve("nodata").toString(), "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--data-dir: no folder"), (String) r[2]);
        r = run("train", "--resume", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("no checkpoint"), (String) r[2]);
        r = run("predict", "--model", tmp.resolve("none.dc4j").toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--model: no file"), (String) r[2]);
        r = run("train", "--bogus");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("Unknown option: '--bogus'"), (String) r[2]);
        // a list option given twice is refused like any other repeated option (it used to append the second list)
        for (String option : List.of("--filters", "--dense-dims")) {
            r = run("train", option, "4,4,8", option, "16", "--limit", "30", "--out", out.toString());
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("option '" + option + "' (") && ((String) r[2]).contains(") should be specified only once"),
                    (String) r[2]);
        }
        r = run("train", "--filters", "4,x,8", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("Invalid value for option '--filters': 'x' is not an int"), (String) r[2]);
        // values outside an option's range: exit 2 and a line naming the option, before anything is read or written
        r = run("train", "--limit", "0", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --limit must be at least 1, got 0"), (String) r[2]);
        r = run("train", "--threads", "0", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --threads must be at least 1, got 0"), (String) r[2]);
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        r = run("train", "--dataset", images.toString(), "--channels", "2", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --channels must be 1 or 3, got 2"), (String) r[2]);
        // sizes no Java array holds: refused by name before the run folder is started (config.json was left behind)
        r = run("train", "--filters", "1,1,300000000", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --filters 1,1,300000000 makes conv3's weights hold 2,700,000,000 elements, "
                + "more than a Java array holds (2,147,483,647): lower --filters"), (String) r[2]);
        r = run("train", "--method", "dec", "--dense-dims", "3000000", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --dense-dims 3000000 makes the weights of dense layer 1 hold 2,352,000,000"),
                (String) r[2]);
        assertFalse(Files.exists(out));
    }

    /** Writes a data set's 1-channel images as PNGs into one sub-folder per class. */
    static Path pngFolder(Path images, Dataset d) throws IOException {
        int S = d.height();
        for (int n = 0; n < d.size(); n++) {
            Path dir = images.resolve("class" + d.labels()[n]);
            Files.createDirectories(dir);
            BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_BYTE_GRAY);
            for (int h = 0; h < S; h++) for (int w = 0; w < S; w++) {
                int v = Math.round(d.images()[n * S * S + h * S + w] * 255);
                img.getRaster().setSample(w, h, 0, v);
            }
            ImageIO.write(img, "png", dir.resolve(String.format("img%03d.png", n)).toFile());
        }
        return images;
    }

    /**
     * predict and embed name each image's file in a last column when the images come from a folder (the index alone
     * was the position in the folder's sorted paths), quoted as RFC 4180 asks when a name holds a comma or a quote; the
     * named sets have no such column. The folder here holds the training images under new names in reverse order, so
     * each row's file must carry the prediction and embedding of the training image it is a copy of.
     */
    @Test void predictAndEmbedNameTheFileOfEachImageInAFolder(@TempDir Path tmp) throws IOException {
        Dataset d = Shapes.generate(20, 3, 12);
        Path images = pngFolder(tmp.resolve("images"), d);
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        String model = run.resolve("model.dc4j").toString();
        List<Path> sorted;
        try (java.util.stream.Stream<Path> w = Files.walk(images)) {
            sorted = w.filter(Files::isRegularFile).sorted(java.util.Comparator.comparing(f -> images.relativize(f).toString())).toList();
        }
        assertEquals(20, sorted.size());
        // copies named so that they sort in the reverse order; one with a comma and quotes
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        List<String> copyOf = new java.util.ArrayList<>();     // copy name of the training image n
        for (int n = 0; n < 20; n++) {
            String name = n == 7 ? "m,\"odd\" name.png" : String.format("z%02d.png", 19 - n);
            Files.copy(sorted.get(n), flat.resolve(name));
            copyOf.add(name);
        }
        Path pred = tmp.resolve("pred.csv"), emb = tmp.resolve("emb.csv"), predTrain = tmp.resolve("pt.csv"), embTrain = tmp.resolve("et.csv");
        for (Object[] r : List.of(run("predict", "--model", model, "--dataset", flat.toString(), "--output", pred.toString()),
                run("embed", "--model", model, "--dataset", flat.toString(), "--output", emb.toString()),
                run("predict", "--model", model, "--dataset", images.toString(), "--output", predTrain.toString()),
                run("embed", "--model", model, "--dataset", images.toString(), "--output", embTrain.toString())))
            assertEquals(0, r[0], (String) r[2]);
        List<String> p = Files.readAllLines(pred), e = Files.readAllLines(emb), pt = Files.readAllLines(predTrain), et = Files.readAllLines(embTrain);
        assertEquals("index,cluster,confidence,file", p.get(0));
        assertEquals("index,z0,z1,z2,z3,file", e.get(0));
        java.util.Map<String, Integer> rowOf = new java.util.HashMap<>();
        for (int i = 1; i <= 20; i++) {
            String row = p.get(i);
            String file = row.endsWith("\"") ? row.substring(row.indexOf('"')) : row.substring(row.lastIndexOf(',') + 1);
            rowOf.put(file, i);
            assertTrue(e.get(i).endsWith("," + file), e.get(i) + " names " + file);
            assertTrue(row.startsWith((i - 1) + ","), row);
        }
        assertEquals(Integer.valueOf(p.size() - 1), Integer.valueOf(rowOf.size()));
        assertTrue(rowOf.containsKey("\"m,\"\"odd\"\" name.png\""), rowOf.keySet().toString());
        for (int n = 0; n < 20; n++) {
            String name = copyOf.get(n), quoted = name.contains(",") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
            int i = rowOf.get(quoted);
            assertEquals(images.relativize(sorted.get(n)).toString().replace('\\', '/'), pt.get(n + 1).substring(pt.get(n + 1).lastIndexOf(',') + 1));
            // cluster and confidence, and z, of the copy are those of the training image
            String[] a = p.get(i).split(","), b = pt.get(n + 1).split(",");
            assertEquals(List.of(b[1], b[2]), List.of(a[1], a[2]), name);
            String[] za = e.get(i).split(","), zb = et.get(n + 1).split(",");
            assertEquals(List.of(zb).subList(1, 5), List.of(za).subList(1, 5), name);
        }
    }

    /**
     * A run on an image folder writes each image's file in predictions.csv too, and its report reads the file back
     * whatever the names hold: a comma, quotes, a line break (RFC 4180: in double quotes, quotes doubled), where
     * splitting a row at every comma gave it more fields than its header.
     */
    @Test void aRunOnAFolderNamesItsFilesInPredictionsAndTheReportReadsThem(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(12, 3, 12));
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        List<Path> all;
        try (java.util.stream.Stream<Path> w = Files.walk(images)) {
            all = w.filter(Files::isRegularFile).sorted().toList();
        }
        List<String> names = new java.util.ArrayList<>();
        for (int n = 0; n < all.size(); n++) names.add(n == 3 ? "c,\"q\".png" : n == 5 ? "two\nlines.png" : String.format("i%02d.png", n));
        for (int n = 0; n < all.size(); n++) Files.copy(all.get(n), flat.resolve(names.get(n)));
        Path run = tmp.resolve("run");
        Object[] r = run(quick("train", "--dataset", flat.toString(), "--out", run.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
        String csv = Files.readString(run.resolve("predictions.csv"));
        assertTrue(csv.startsWith("index,cluster,confidence,file\n"), csv);
        // the folder's order is its sorted names: "c,..." then "i00.png" ... then "two\nlines.png"
        List<String> sorted = names.stream().sorted().toList();
        for (int i = 0; i < sorted.size(); i++) {
            String name = sorted.get(i), field = name.equals("c,\"q\".png") ? "\"c,\"\"q\"\".png\"" : name.contains("\n") ? "\"two\nlines.png\"" : name;
            assertTrue(csv.contains("\n" + i + ",") && csv.contains("," + field + "\n"), field + " in " + csv);
        }
        assertEquals(sorted, List.of(org.dcec4j.dcec.report.RunLogs.readPredictions(run.resolve("predictions.csv")).files()));
        // the report's samples name each image's file on hover (a cluster this small shows every member)
        String html = Files.readString(run.resolve("report.html"));
        for (int i = 0; i < sorted.size(); i++)
            assertTrue(html.contains("title=\"#" + i + " · " + sorted.get(i).replace("\"", "&quot;") + " · confidence "),
                    "the file of #" + i + " on hover");
    }

    /** The options of a run on 12×12 images that takes about a second. */
    static final List<String> QUICK = List.of("--image-size", "12", "--filters", "4,4,8", "--clusters", "4", "--batch-size", "8",
            "--pretrain-epochs", "2", "--kmeans-restarts", "2", "-T", "3", "--max-iter", "7", "--threads", "1");

    /** command, the QUICK options (those that {@code more} gives again left out), more options. */
    static String[] quick(String command, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(command));
        for (int i = 0; i < QUICK.size(); i += 2)
            if (!List.of(more).contains(QUICK.get(i))) all.addAll(QUICK.subList(i, i + 2));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /**
     * A file name from an image folder that holds terminal control sequences is printed as text in the error: the ESC and
     * BEL bytes reached the terminal (an image named ESC [2J ESC [31m evil.png cleared the screen and turned the rest red).
     */
    @Test void namesWithControlCharactersArePrintedAsText(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(6, 3, 12));
        Path bad = Files.writeString(images.resolve("class1").resolve("\u001b[2J\u001b]0;owned\u0007.png"), "not a png");
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", tmp.resolve("run").toString()));
        assertEquals(1, r[0], (String) r[2]);
        String err = (String) r[2];
        assertEquals("dcec: " + images.resolve("class1") + "/\\x1b[2J\\x1b]0;owned\\x07.png: at image 1 of 7: expected a"
                + " readable PNG, JPEG, BMP or GIF image, found no ImageIO reader accepts it\n", err.replace("\r\n", "\n"));
        Files.delete(bad);

        // the holder line of a run folder's lock file, which the run prints when it takes the folder over
        Path out = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(out.resolve(".dcec.lock"), "pid 1 on host \u001b]0;owned\u0007x\n");
        Object[] t = run(quick("pretrain", "--dataset", images.toString(), "--out", out.toString(), "--pretrain-epochs", "1"));
        assertEquals(0, t[0], (String) t[2]);
        assertTrue(((String) t[2]).contains("(pid 1 on host \\x1b]0;owned\\x07x)"), (String) t[2]);
        assertTrue(((String) t[1] + t[2]).indexOf('\u001b') < 0, "no ESC printed");
    }

    /** A folder of 12×12 PNGs in one sub-folder per class, trained, then predict / embed / evaluate on it. */
    @Test void trainOnAFolderThenPredictEmbedEvaluate(@TempDir Path tmp) throws IOException {
        Dataset d = Shapes.generate(30, 3, 12);
        Path images = pngFolder(tmp.resolve("images"), d);
        Path out = tmp.resolve("run");
        Object[] r = run("train", "--dataset", images.toString(), "--image-size", "12", "--filters", "4,4,8", "--clusters", "4",
                "--batch-size", "8", "--pretrain-epochs", "2", "--kmeans-restarts", "2", "-T", "3", "--max-iter", "7", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r[0], (String) r[2]);
        String stdout = (String) r[1];
        assertTrue(stdout.contains("summary") && stdout.contains("ACC") && stdout.contains("kernels:") && stdout.contains("threads: 1"), stdout);
        for (String f : List.of("config.json", "pretrain_log.csv", "dcec_log.csv", "cae_weights.dc4j", "model.dc4j", "predictions.csv",
                "baseline.json", "report.html"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        List<String> log = Files.readAllLines(out.resolve("dcec_log.csv"));
        assertEquals(RunFolder.DCEC_HEADER, log.get(0));
        assertEquals(List.of("0", "3", "6", "7"), log.subList(1, log.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
        assertEquals(3, Files.readAllLines(out.resolve("pretrain_log.csv")).size());

        Path pred = tmp.resolve("pred.csv");
        // what a killed predict left an hour ago is deleted; a temporary file another predict is writing now is not
        Path killed = Files.writeString(tmp.resolve(".pred.csv.8830284573622.tmp"), "index,cluster,conf");
        Files.setLastModifiedTime(killed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
        Path writing = Files.writeString(tmp.resolve(".pred.csv.1234.tmp"), "index,cluster,confidence\n0,");
        r = run("predict", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", pred.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(writing));
        Files.delete(writing);
        List<String> p = Files.readAllLines(pred), trained = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("index,cluster,confidence,file", p.get(0));
        assertEquals(31, p.size());
        // the model predicts on the same images what the run reported (run rows carry a label column too)
        for (int i = 1; i < p.size(); i++) {
            String row = p.get(i);
            assertTrue(trained.get(i).startsWith(row.substring(0, row.lastIndexOf(',') + 1)), row + " vs " + trained.get(i));
        }

        Path emb = tmp.resolve("emb.csv");
        r = run("embed", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", emb.toString());
        assertEquals(0, r[0], (String) r[2]);
        List<String> e = Files.readAllLines(emb);
        assertEquals("index,z0,z1,z2,z3,file", e.get(0));
        assertEquals(31, e.size());

        r = run("evaluate", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("ACC") && ((String) r[1]).contains("NMI(geometric)"), (String) r[1]);

        // a model for 12×12 images refuses 28×28 named data
        r = run("predict", "--model", out.resolve("model.dc4j").toString(), "--dataset", "shapes", "--limit", "5", "--output", pred.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("the model takes 1x12x12"), (String) r[2]);
    }

    /** Exit codes as docs/usage.md promises: 1 for bad or unreadable data files from every subcommand, 3 for divergence. */
    @Test void badDataExitsWith1FromEverySubcommand(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        String model = run.resolve("model.dc4j").toString();

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken.resolve("c0"));
        Files.writeString(broken.resolve("c0/a.png"), "not a png");
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Path idx = tmp.resolve("data/mnist");
        Files.createDirectories(idx);
        Files.write(idx.resolve("t10k-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Files.write(idx.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        for (String[] data : List.of(new String[] {broken.toString(), "a.png"}, new String[] {empty.toString(), "expected image files"})) {
            for (String cmd : List.of("train", "pretrain", "cluster")) {
                Object[] r = run(quick(cmd, "--dataset", data[0], "--out", tmp.resolve("o-" + cmd).toString()));
                assertEquals(1, r[0], cmd + " on " + data[0] + ": " + r[2]);
                assertTrue(((String) r[2]).startsWith("dcec: ") && ((String) r[2]).contains(data[1]), (String) r[2]);
            }
            for (String cmd : List.of("predict", "embed", "evaluate")) {
                Object[] r = cmd.equals("evaluate") ? run(cmd, "--model", model, "--dataset", data[0])
                        : run(cmd, "--model", model, "--dataset", data[0], "--output", tmp.resolve(cmd + ".csv").toString());
                assertEquals(1, r[0], cmd + " on " + data[0] + ": " + r[2]);
                assertTrue(((String) r[2]).contains(data[1]), (String) r[2]);
            }
        }
        Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", tmp.resolve("data").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("t10k-labels-idx1-ubyte.gz") || ((String) r[2]).contains("t10k-images-idx3-ubyte.gz"), (String) r[2]);
        r = run("predict", "--model", model, "--dataset", "mnist-test", "--data-dir", tmp.resolve("data").toString(), "--output", tmp.resolve("x.csv").toString());
        assertEquals(1, r[0], (String) r[2]);
        // a damaged model file
        Path junk = tmp.resolve("junk.dc4j");
        Files.writeString(junk, "junk");
        r = run("evaluate", "--model", junk.toString(), "--dataset", images.toString());
        assertEquals(1, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("junk.dc4j"), (String) r[2]);
        // the loss becomes infinite: 3
        r = run("train", "--dataset", images.toString(), "--image-size", "12", "--filters", "4,4,8", "--clusters", "4", "--lr", "1e30",
                "--pretrain-epochs", "6", "--threads", "1", "--out", tmp.resolve("nan").toString());
        assertEquals(3, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("loss became"), (String) r[2]);
    }

    /**
     * The JVM reports a thread it could not start (ulimit -u reached) as an OutOfMemoryError: the line names that and
     * --threads, not the heap, --limit or -Xmx, which cure nothing there; and a larger heap is advised above the one that failed.
     */
    @Test void aThreadThatCannotStartIsNotReportedAsAFullHeap() {
        String line = DcecCommand.outOfMemory(new OutOfMemoryError(
                "unable to create native thread: possibly out of memory or process/resource limits reached"), 5827L << 20, false);
        assertTrue(line.startsWith("dcec: could not start a thread"), line);
        assertTrue(line.contains("--threads 1") && line.contains("ulimit -u"), line);
        assertFalse(line.contains("-Xmx") || line.contains("--limit") || line.contains("heap"), line);
        String heap = DcecCommand.outOfMemory(new OutOfMemoryError("Java heap space"), 5827L << 20, false);
        assertTrue(heap.contains("5827 MB") && heap.contains("--limit") && heap.contains("-Xmx12g"), heap);
        assertTrue(DcecCommand.outOfMemory(new OutOfMemoryError("Java heap space"), 256L << 20, false).contains("-Xmx4g"));
    }

    /** I/O failures name the path and the reason, not the path alone. */
    @Test void ioErrorsNameThePathAndTheReason(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", file.toString()));
        assertEquals(1, r[0], (String) r[2]);
        assertEquals("dcec: " + file + ": already exists and is not a folder", ((String) r[2]).strip());
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        Path folder = tmp.resolve("a-folder");
        Files.createDirectories(folder.resolve("inside"));
        r = run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", folder.toString());
        assertEquals(1, r[0], (String) r[2]);
        assertEquals("dcec: " + folder + ": is a directory", ((String) r[2]).strip());
    }

    /** Every output file gets the permissions of a file created normally in the same folder (the umask), not 0600. */
    @Test void outputsFollowTheUmask(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--checkpoint-every", "2"))[0]);
        Path pred = tmp.resolve("p/pred.csv"), emb = tmp.resolve("p/emb.csv");
        assertEquals(0, run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", pred.toString())[0]);
        assertEquals(0, run("embed", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", emb.toString())[0]);
        Set<PosixFilePermission> normal = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe")));
        List<Path> outputs = new java.util.ArrayList<>(List.of(pred, emb));
        try (var s = Files.list(run)) { s.forEach(outputs::add); }
        assertEquals(12, outputs.size(), outputs.toString());   // with the run folder's lock file and baseline.json
        for (Path f : outputs) assertEquals(normal, Files.getPosixFilePermissions(f), f.toString());
    }

    /** A folder holding a run's results is refused unless --overwrite, which removes every old result first. */
    @Test void aFolderWithAnotherRunsResultsIsRefusedOrOverwritten(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--checkpoint-every", "2"))[0]);
        byte[] model = Files.readAllBytes(run.resolve("model.dc4j"));
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--seed", "5"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("holds the results of another run (") && ((String) r[2]).contains("pass --overwrite"), (String) r[2]);
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.dc4j")));
        r = run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--seed", "5", "--resume", "--overwrite"));
        assertEquals(2, r[0], (String) r[2]);
        // --overwrite without checkpoints or report: the old checkpoint.dc4j and report.html must not stay beside the new results
        r = run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--seed", "5", "--overwrite", "--no-report"));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(Files.exists(run.resolve("report.html")));
        assertFalse(Files.exists(run.resolve("checkpoint.dc4j")));
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"seed\": 5"));

        // pretrain, then cluster in the same folder: the clustering continues that run
        Path pc = tmp.resolve("pc");
        assertEquals(0, run(quick("pretrain", "--dataset", images.toString(), "--out", pc.toString(), "--checkpoint-every", "1"))[0]);
        byte[] weights = Files.readAllBytes(pc.resolve("cae_weights.dc4j"));
        r = run(quick("cluster", "--dataset", images.toString(), "--out", pc.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(Files.exists(pc.resolve("checkpoint.dc4j")), "the pretraining's checkpoint is superseded by the weights");
        r = run(quick("cluster", "--dataset", images.toString(), "--out", pc.toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("(dcec_log.csv, model.dc4j, predictions.csv, baseline.json)"), (String) r[2]);
        r = run(quick("cluster", "--dataset", images.toString(), "--out", pc.toString(), "--overwrite"));
        assertEquals(0, r[0], (String) r[2]);
        assertArrayEquals(weights, Files.readAllBytes(pc.resolve("cae_weights.dc4j")), "cluster --overwrite keeps the weights it reads");
    }

    /**
     * A clustering run that cannot start loses nothing: weights of another K are refused before the folder is touched
     * (the pretraining's config.json and checkpoint used to be replaced and deleted first), and the checkpoint of an
     * unfinished pretraining is not deleted by a cluster run that reads other weights.
     */
    @Test void aClusteringRunThatCannotStartLosesNothing(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path pw = tmp.resolve("pw");
        assertEquals(0, run(quick("pretrain", "--dataset", images.toString(), "--out", pw.toString(), "--checkpoint-every", "1"))[0]);
        byte[] config = Files.readAllBytes(pw.resolve("config.json")), checkpoint = Files.readAllBytes(pw.resolve("checkpoint.dc4j"));
        Object[] r = run(quick("cluster", "--dataset", images.toString(), "--out", pw.toString(), "--clusters", "5"));
        assertEquals(1, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("cae_weights.dc4j: parameter") && ((String) r[2]).contains("has shape"), (String) r[2]);
        assertArrayEquals(config, Files.readAllBytes(pw.resolve("config.json")));
        assertArrayEquals(checkpoint, Files.readAllBytes(pw.resolve("checkpoint.dc4j")));

        // an unfinished pretraining (its checkpoint, no weights yet) beside a cluster run that reads other weights
        Path kz = tmp.resolve("kz");
        assertEquals(0, run(quick("pretrain", "--dataset", images.toString(), "--out", kz.toString(), "--checkpoint-every", "1", "--seed", "7"))[0]);
        Files.delete(kz.resolve("cae_weights.dc4j"));
        byte[] unfinished = Files.readAllBytes(kz.resolve("checkpoint.dc4j"));
        r = run(quick("cluster", "--dataset", images.toString(), "--out", kz.toString(), "--weights", pw.resolve("cae_weights.dc4j").toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("holds the results of another run (checkpoint.dc4j)"), (String) r[2]);
        assertArrayEquals(unfinished, Files.readAllBytes(kz.resolve("checkpoint.dc4j")));
        // and --resume there with other weights: the checkpoint is a pretraining's, not this run's to continue
        r = run(quick("cluster", "--dataset", images.toString(), "--out", kz.toString(), "--resume",
                "--weights", pw.resolve("cae_weights.dc4j").toString(), "--seed", "7"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("the checkpoint is a pretraining's"), (String) r[2]);
        assertArrayEquals(unfinished, Files.readAllBytes(kz.resolve("checkpoint.dc4j")));
    }

    /**
     * predict and embed do not write their CSV over the model they read or over a run folder's own files (the
     * model used to be replaced by the CSV, exit 0), and an empty --out is refused instead of meaning the current folder.
     */
    @Test void outputsDoNotReplaceTheModelOrARunsFiles(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        Path model = run.resolve("model.dc4j");
        byte[] bytes = Files.readAllBytes(model), predictions = Files.readAllBytes(run.resolve("predictions.csv"));
        for (String cmd : List.of("predict", "embed")) {
            Object[] r = run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--output", model.toString());
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("is the --model file"), (String) r[2]);
            r = run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--output", run.resolve("predictions.csv").toString());
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("is a file of the run in"), (String) r[2]);
        }
        // a run's file under another name: on a file system that ignores case run/Predictions.csv is run/predictions.csv
        // (a hard link stands in for it here: the same file under a name that differs in case)
        Files.createLink(run.resolve("Predictions.csv"), run.resolve("predictions.csv"));
        for (String cmd : List.of("predict", "embed")) {
            Object[] r = run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--output", run.resolve("Predictions.csv").toString());
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("is a file of the run in"), (String) r[2]);
        }
        Files.delete(run.resolve("Predictions.csv"));
        assertArrayEquals(bytes, Files.readAllBytes(model));
        assertArrayEquals(predictions, Files.readAllBytes(run.resolve("predictions.csv")));
        // another name in the run folder is fine
        assertEquals(0, run("predict", "--model", model.toString(), "--dataset", images.toString(),
                "--output", run.resolve("new.csv").toString())[0]);
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", ""));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--out is empty"), (String) r[2]);
    }

    /** --limit applies before decoding: the images after the first N are never read, so their damage does not matter. */
    @Test void aLimitReadsOnlyTheFirstImages(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        Files.writeString(images.resolve("class9/zzz.png"), "not a png");     // sorted last
        Path pred = tmp.resolve("p.csv");
        Object[] r = run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", pred.toString());
        assertEquals(1, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("zzz.png: at image 20 of 21"), (String) r[2]);
        assertFalse(Files.exists(pred), "no half-written predictions");
        r = run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--limit", "20", "--output", pred.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(21, Files.readAllLines(pred).size());
    }

    /**
     * A --batch-size whose batch of images is more than one array holds is refused, naming the option and the largest
     * that fits, before any image is read. The model takes 1x2048x2048 images (4,194,304 values each; its centres are
     * 32 MB); 600 images make a batch of 2,516,582,400 values, which wrapped to -1,778,384,896 in ints: a
     * NegativeArraySizeException with a stack trace.
     */
    @Test void aBatchLargerThanAnArrayIsRefusedNamingTheBatchSize(@TempDir Path tmp) throws IOException {
        int side = 2048, D = side * side;
        Path model = tmp.resolve("model.dc4j");
        DcecConfig cfg = DcecConfig.defaults().toBuilder().method(org.dcec4j.dcec.Method.KMEANS).K(2).build();
        new org.dcec4j.dcec.train.TrainedModel(cfg, 1, side, side, null, new float[2 * D]).save(model);
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(600, 3, 12));
        int most = (Integer.MAX_VALUE - 64) / D;
        assertEquals(511, most);
        for (String cmd : List.of("predict", "embed", "evaluate")) {
            Path out = tmp.resolve(cmd + ".csv");
            Object[] r = cmd.equals("evaluate") ? run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--batch-size", "600")
                    : run(cmd, "--model", model.toString(), "--dataset", images.toString(), "--batch-size", "600", "--output", out.toString());
            assertEquals(2, r[0], cmd + ": " + r[2]);
            assertFalse(Files.exists(out));
            if (cmd.equals("embed")) {
                // a kmeans model has no encoder: refused as such before its batch could matter
                assertEquals("dcec: --model " + model + ": a kmeans (pixel) model has no encoder to embed with", ((String) r[2]).strip());
                continue;
            }
            assertTrue(((String) r[2]).startsWith("dcec: --batch-size 600: a batch of 600 images of 1x2048x2048"), cmd + ": " + r[2]);
            assertTrue(((String) r[2]).contains("use --batch-size " + most + " or less"), cmd + ": " + r[2]);
            assertFalse(Files.exists(out));
        }
    }

    /**
     * A run whose checkpoint would be larger than a tensor file (one byte array) is refused before its folder is made,
     * naming the options: IDEC with a 200,000-wide layer has 317,600,xxx parameters, a 1.3 GB model but, with Adam's
     * two moments, a 3.8 GB checkpoint. It failed with "tensor file too large" when the first checkpoint was written.
     */
    @Test void aCheckpointLargerThanATensorFileIsRefusedBeforeTheRun(@TempDir Path tmp) {
        Path out = tmp.resolve("o");
        Object[] r = run("train", "--method", "idec", "--dense-dims", "200000", "--checkpoint-every", "1", "--limit", "30", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --dense-dims 200000 and --clusters 10 on 1x28x28 images make a checkpoint (checkpoint.dc4j) of "),
                (String) r[2]);
        assertTrue(((String) r[2]).contains("lower --clusters or --dense-dims, or use smaller images, or write no checkpoints (--checkpoint-every 0)"),
                (String) r[2]);
        assertFalse(Files.exists(out));
    }

    @Test void imageSizesAreCheckedWithoutOverflow(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        for (String size : List.of("2147483647", "2147483644x4", "28x", "x28", "28x28x28", "0", "-28", "28 x 28", "99999999999")) {
            Object[] r = run("train", "--dataset", images.toString(), "--method", "kmeans", "--image-size", size, "--out", tmp.resolve("o").toString());
            assertEquals(2, r[0], size + ": " + r[2]);
            assertTrue(((String) r[2]).startsWith("dcec: --image-size"), size + ": " + r[2]);
        }
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    /** What is read is validated, not just its framing: labels, weights, option values. */
    @Test void labelsOutsideTheSetsClassesAreErrorsAndKIsTheSetsClassCount(@TempDir Path tmp) throws IOException {
        for (int bad : new int[] {11, 200}) {
            Path data = FaultTest.mnistTest(tmp.resolve("data" + bad), 30, n -> n == 4 ? bad : n % 10);
            Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--out", tmp.resolve("o").toString());
            assertEquals(1, r[0], (String) r[2]);
            assertEquals("dcec: " + data.resolve("mnist/t10k-labels-idx1-ubyte.gz") + ": at decompressed byte 12 (the label of image 4): expected a label "
                    + "from 0 to 9, found " + bad, ((String) r[2]).strip());
        }
        // the first 12 images hold only the labels 0..3: the default K is still the set's 10 classes
        Path data = FaultTest.mnistTest(tmp.resolve("data"), 30, n -> n < 12 ? n % 4 : n % 10);
        Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--limit", "12", "--filters", "4,4,8",
                "--pretrain-epochs", "0", "--max-iter", "0", "--kmeans-restarts", "1", "--no-report", "--out", tmp.resolve("o").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("12 images of 1x28x28, K=10"), (String) r[1]);
        r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--limit", "4", "--out", tmp.resolve("o4").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--clusters 10 is larger than the number of images (4"), (String) r[2]);
        // a folder's classes are its sub-folders, however few of them the first images reach
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        r = run(quick("train", "--dataset", images.toString(), "--limit", "2", "--clusters", "2", "--out", tmp.resolve("f").toString(),
                "--pretrain-epochs", "0", "--max-iter", "0", "--no-report"));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("2 images of 1x12x12, K=2"), (String) r[1]);
    }

    /**
     * A --limit larger than the set reads all its images and says so in one line on stderr (it used to cap the count
     * silently): the training commands on a named set and on a folder, and the model commands; a --limit within the set
     * says nothing.
     */
    @Test void aLimitLargerThanTheSetIsSaid(@TempDir Path tmp) throws IOException {
        Path data = FaultTest.mnistTest(tmp.resolve("data"), 30);
        Object[] r = run("train", "--dataset", "mnist-test", "--data-dir", data.toString(), "--limit", "20000", "--method", "kmeans",
                "--clusters", "2", "--kmeans-restarts", "1", "--no-report", "--out", tmp.resolve("k").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("30 images of 1x28x28"), (String) r[1]);
        assertTrue(((String) r[2]).startsWith("dcec: --limit 20000 is more than mnist-test's 30 images: using all 30\n"), (String) r[2]);
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        r = run(quick("train", "--dataset", images.toString(), "--limit", "21", "--out", run.toString(), "--no-report"));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("dcec: --limit 21 is more than " + images + "'s 20 images: using all 20\n"), (String) r[2]);
        for (String cmd : List.of("predict", "embed", "evaluate")) {
            r = cmd.equals("evaluate") ? run(cmd, "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--limit", "99")
                    : run(cmd, "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--limit", "99",
                            "--output", tmp.resolve(cmd + ".csv").toString());
            assertEquals(0, r[0], cmd + ": " + r[2]);
            assertTrue(((String) r[2]).contains("dcec: --limit 99 is more than " + images + "'s 20 images: using all 20\n"), cmd + ": " + r[2]);
        }
        r = run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--limit", "20",
                "--output", tmp.resolve("p20.csv").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(((String) r[2]).contains("--limit"), (String) r[2]);
    }

    @Test void aModelWithNonFiniteWeightsIsRefused(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        // the same model with one NaN weight and a valid checksum
        org.dcec4j.engine.io.TensorFile f = org.dcec4j.engine.io.TensorFile.read(run.resolve("model.dc4j"));
        org.dcec4j.engine.io.TensorFile.Builder b = org.dcec4j.engine.io.TensorFile.builder();
        f.meta().forEach(b::meta);
        for (String n : f.names()) {
            float[] v = f.get(n).data().clone();
            if (n.equals("model.encoder.conv2.weight")) v[5] = Float.NaN;
            b.tensor(n, f.get(n).shape(), v);
        }
        Path broken = tmp.resolve("broken.dc4j");
        Files.write(broken, b.toBytes());
        for (String cmd : List.of("predict", "evaluate")) {
            Object[] r = cmd.equals("predict") ? run(cmd, "--model", broken.toString(), "--dataset", images.toString(), "--output", tmp.resolve("p.csv").toString())
                    : run(cmd, "--model", broken.toString(), "--dataset", images.toString());
            assertEquals(1, r[0], cmd + ": " + r[2]);
            assertTrue(((String) r[2]).contains("broken.dc4j: tensor 'model.encoder.conv2.weight' holds NaN at index 5"), (String) r[2]);
            assertEquals("", r[1]);
        }
    }

    @Test void optionValuesOutsideTheirRangeOrThatDoNotApplyAreRefused(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path out = tmp.resolve("o");
        for (String tol : List.of("2", "1.0001", "-0.5", "NaN")) {
            Object[] r = run(quick("train", "--dataset", images.toString(), "--tol", tol, "--out", out.toString()));
            assertEquals(2, r[0], tol + ": " + r[2]);
            assertTrue(((String) r[2]).contains("--tol is a fraction of labels and must be from 0 to 1"), (String) r[2]);
        }
        // --channels and --image-size shape folders only: refused for the named sets and for the model commands
        Object[] r = run("train", "--dataset", "shapes", "--image-size", "32", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--image-size: it applies to image folders only, and shapes has its own images (1x28x28)"), (String) r[2]);
        // a folder resized to a size the convolutional autoencoder cannot take: refused naming the option, before a
        // single image is read and with nothing written; a method without the autoencoder takes it
        for (String size : List.of("30x30", "32x28")) {
            r = run(quick("train", "--dataset", images.toString(), "--image-size", size, "--out", out.toString()));
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).startsWith("dcec: --image-size " + size + ": "), (String) r[2]);
            assertTrue(((String) r[2]).contains("got " + size), (String) r[2]);
            assertFalse(Files.exists(out), size);
        }
        Path kmeans = tmp.resolve("kmeans-30x30");
        r = run(quick("train", "--dataset", images.toString(), "--image-size", "30x30", "--method", "kmeans", "--out", kmeans.toString(), "--no-report"));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.readString(kmeans.resolve("config.json")).contains("\"height\": 30,\n  \"width\": 30,"), "the images were read at 30x30");
        r = run("train", "--dataset", "mnist", "--channels", "3", "--image-size", "16", "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --channels and --image-size: "), (String) r[2]);
        Path run = tmp.resolve("run");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", run.toString(), "--no-report"))[0]);
        r = run("predict", "--model", run.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--image-size", "28",
                "--output", tmp.resolve("p.csv").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).startsWith("dcec: --image-size: predict reads images at the model's own size and channels "
                + "(folders are resized to them); drop it"), (String) r[2]);
        assertTrue(((String) r[2]).contains("Unknown options: '--image-size', '28'"), (String) r[2]);
        // a file is not a folder of images
        r = run("train", "--dataset", images.resolve("class0/img000.png").toString(), "--out", out.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertFalse(Files.exists(out));
        // far more threads than processors: capped, with a word on stderr
        int most = 4 * Runtime.getRuntime().availableProcessors();
        r = run(quick("train", "--dataset", images.toString(), "--threads", "1000", "--out", out.toString(), "--no-report",
                "--pretrain-epochs", "0", "--max-iter", "0"));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--threads 1000 is more than 4 per processor") && ((String) r[2]).contains("using " + most), (String) r[2]);
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"threads\": " + most), Files.readString(out.resolve("config.json")));
    }

    /**
     * -Ddcec4j.threads, which the command line reads when --threads is not given, is capped like --threads: 16 threads on one
     * processor ran (-Ddcec4j.threads=1000 on two cores: 1,000 spinning workers, the run 6 times slower).
     */
    @Test void theThreadsPropertyIsCappedLikeTheOption(@TempDir Path tmp) throws Exception {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12)), out = tmp.resolve("run"), log = tmp.resolve("log");
        Process p = Forked.dcec(log, List.of("-XX:ActiveProcessorCount=1", "-Ddcec4j.threads=16"), "train", "--dataset", images.toString(),
                "--image-size", "12", "--filters", "4,4,8", "--clusters", "4", "--kmeans-restarts", "2", "--out", out.toString(), "--no-report",
                "--no-baseline", "--pretrain-epochs", "0", "--max-iter", "0");
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("dcec: -Ddcec4j.threads=16 is more than 4 per processor (1 available): using 4"), text);
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"threads\": 4"), Files.readString(out.resolve("config.json")));
    }

    /**
     * -Ddcec4j.kernels=vector on a JVM without the Vector API module is a setting the user gave: one line naming it and
     * the flag, the option error's exit code, no stack trace (it was an uncaught IllegalStateException, exit 1); a
     * kernels value the engine does not know names the property too.
     */
    @Test void theKernelsPropertyIsReportedInOneLine(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("log");
        for (String kernels : List.of("vector", "gpu")) {
            Process p = Forked.dcec(log, false, List.of("-Ddcec4j.kernels=" + kernels), "train", "--out", tmp.resolve("run-" + kernels).toString(),
                    "--no-report", "--no-baseline", "--pretrain-epochs", "0", "--max-iter", "0");
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            String text = Files.readString(log);
            assertEquals(DcecCommand.BAD_OPTION, p.exitValue(), text);
            assertFalse(text.contains("\tat org.dcec4j"), text);
            String expected = kernels.equals("vector")
                    ? "dcec: dcec4j.kernels=vector: vector kernels requested but the module jdk.incubator.vector is not available:"
                            + " start the JVM with --add-modules jdk.incubator.vector"
                    : "dcec: dcec4j.kernels must be auto, scalar or vector, not 'gpu'";
            assertTrue(text.contains(expected), text);
        }
    }

    @Test void datasetsIsDelegated() {
        Object[] r = run("datasets", "--help");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1] + r[2]).contains("usage: datasets"), (String) r[1]);
    }

    /** The summary's score table: name, ACC, NMI, ARI and what the row is, parsed from stdout. */
    static java.util.Map<String, String[]> scoreRows(String stdout) {
        java.util.Map<String, String[]> rows = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  (\\S.*?) +(-?\\d\\.\\d{4}) +(-?\\d\\.\\d{4}) +(-?\\d\\.\\d{4})  (.*)$")
                .matcher(stdout);
        while (m.find()) rows.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4), m.group(5)});
        return rows;
    }

    static String four(double v) { return String.format(java.util.Locale.ROOT, "%.4f", v); }

    /**
     * The end of a run says where clustering started and ended beside the pixel k-means baseline, each row equal to the
     * file it comes from: baseline.json, the iteration-0 row of dcec_log.csv, and the scores of predictions.csv.
     */
    @Test void theSummaryShowsWhereClusteringStartedAndEndedBesideTheBaseline(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(40, 3, 12));
        Path out = tmp.resolve("run");
        // --tol 0: no recomputation of P can stop the run early, so it ends at --max-iter 7
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", out.toString(), "--tol", "0"));
        assertEquals(0, r[0], (String) r[2]);
        String stdout = (String) r[1];
        java.util.Map<String, String[]> rows = scoreRows(stdout);
        assertEquals(List.of("pixel k-means", "CAE + k-means", "DCEC"), List.copyOf(rows.keySet()), stdout);
        // the baseline: as written in baseline.json
        java.util.Map<String, String> b = org.dcec4j.dcec.report.RunLogs.readConfig(out.resolve("baseline.json"));
        assertArrayEquals(new String[] {four(Double.parseDouble(b.get("acc"))), four(Double.parseDouble(b.get("nmi"))),
                four(Double.parseDouble(b.get("ari")))}, java.util.Arrays.copyOf(rows.get("pixel k-means"), 3));
        assertTrue(rows.get("pixel k-means")[3].startsWith("baseline: k-means on the raw pixels, 2 restarts, "), rows.get("pixel k-means")[3]);
        // the start: the k-means initialisation, iteration 0 of dcec_log.csv (its metrics read back as the doubles written)
        String[] first = Files.readAllLines(out.resolve("dcec_log.csv")).get(1).split(",", -1);
        assertEquals("0", first[0]);
        assertArrayEquals(new String[] {four(Double.parseDouble(first[1])), four(Double.parseDouble(first[2])), four(Double.parseDouble(first[3]))},
                java.util.Arrays.copyOf(rows.get("CAE + k-means"), 3));
        assertEquals("start: the k-means initialisation (iteration 0)", rows.get("CAE + k-means")[3]);
        // the end: the metrics of predictions.csv against the labels
        int[] truth = new int[40], pred = new int[40];
        List<String> p = Files.readAllLines(out.resolve("predictions.csv"));
        for (int i = 1; i < p.size(); i++) {
            String[] f = p.get(i).split(",");
            pred[Integer.parseInt(f[0])] = Integer.parseInt(f[1]);
            truth[Integer.parseInt(f[0])] = Integer.parseInt(f[3]);
        }
        assertArrayEquals(new String[] {four(org.dcec4j.dcec.metrics.Metrics.acc(truth, pred)), four(org.dcec4j.dcec.metrics.Metrics.nmi(truth, pred)),
                four(org.dcec4j.dcec.metrics.Metrics.ari(truth, pred))}, java.util.Arrays.copyOf(rows.get("DCEC"), 3));
        assertEquals("end: iteration 7, stopped at --max-iter", rows.get("DCEC")[3]);
        // the cluster sizes: the rows of each cluster in predictions.csv, counted here, in cluster order
        int[] sizes = new int[4];
        for (int c : pred) sizes[c]++;
        assertTrue(stdout.contains("\n  cluster sizes: " + java.util.Arrays.toString(sizes) + "\n"), java.util.Arrays.toString(sizes) + " in " + stdout);
        // aligned: the header's ACC ends where every row's first number ends
        String header = stdout.lines().filter(l -> l.endsWith("ACC     NMI     ARI")).findFirst().orElseThrow(() -> new AssertionError(stdout));
        int end = header.indexOf("ACC") + 3;
        for (String name : rows.keySet()) {
            String line = stdout.lines().filter(l -> l.startsWith("  " + name + " ")).findFirst().orElseThrow();
            assertEquals(' ', line.charAt(end), line);
            assertEquals(rows.get(name)[0], line.substring(end - 6, end), line);
        }
        // the report shows the same table, and the classes by their sub-folder names
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<tr><th>pixel k-means</th><td>" + rows.get("pixel k-means")[0] + "</td>"), "report: baseline row");
        assertTrue(html.contains("<tr><th>DCEC</th><td>" + rows.get("DCEC")[0] + "</td>"), "report: end row");
        assertTrue(html.contains(">class3</figcaption>") && html.contains("<tr><th><span class=\"name\" title=\"class3\">class3</span></th>"), "class names from the sub-folders");
        // the progress went to the error stream the command line was given, the baseline's too
        assertTrue(((String) r[2]).contains("pretraining: 2 epochs") && ((String) r[2]).contains("baseline: k-means on the raw pixels, 2 restarts"),
                (String) r[2]);
        // one bar per epoch over the 40 images, then one per interval of -T 3 up to --max-iter 7: 0-3, 3-6, 6-7 (not a
        // terminal: each bar is one line, printed when it ends, full)
        String err = (String) r[2];
        for (String bar : List.of("epoch 1/2 [========================] 100% 40/40 ", "epoch 2/2 [========================] 100% 40/40 ",
                "iter 0-3/7 [========================] 100% 3/3 ", "iter 3-6/7 [========================] 100% 3/3 ",
                "iter 6-7/7 [========================] 100% 1/1 "))
            assertEquals(1, err.lines().filter(l -> l.startsWith(bar)).count(), bar + " in\n" + err);
        assertFalse(err.contains("epoch 3/") || err.contains("iter 6-9"), err);
    }

    /** The baseline runs after training on a seed stream of its own: with or without it, the run's outputs are the same bytes. */
    @Test void theBaselineNeverChangesTheRun(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(40, 3, 12));
        Path with = tmp.resolve("with"), without = tmp.resolve("without");
        assertEquals(0, run(quick("train", "--dataset", images.toString(), "--out", with.toString(), "--baseline"))[0]);
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", without.toString(), "--no-baseline"));
        assertEquals(0, r[0], (String) r[2]);
        for (String f : List.of("model.dc4j", "predictions.csv", "dcec_log.csv", "cae_weights.dc4j", "config.json"))
            assertArrayEquals(Files.readAllBytes(with.resolve(f)), Files.readAllBytes(without.resolve(f)), f);
        assertTrue(Files.isRegularFile(with.resolve("baseline.json")));
        assertFalse(Files.exists(without.resolve("baseline.json")));
        assertFalse(((String) r[1]).contains("pixel k-means"), (String) r[1]);
        assertTrue(scoreRows((String) r[1]).containsKey("DCEC"), (String) r[1]);
        assertFalse(Files.readString(without.resolve("report.html")).contains("pixel k-means"));
    }

    @Test void baselineOptionsThatCannotApplyAreRefusedBeforeAnyWork(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path out = tmp.resolve("o");
        Object[] r = run(quick("train", "--dataset", images.toString(), "--out", out.toString(), "--baseline", "--no-baseline"));
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: --baseline and --no-baseline: pass one of them", ((String) r[2]).strip());
        r = run(quick("train", "--dataset", images.toString(), "--method", "kmeans", "--out", out.toString(), "--baseline"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--baseline: --method kmeans is the pixel k-means baseline itself"), (String) r[2]);
        // a folder of images without class sub-folders has no labels to score against
        Path flat = tmp.resolve("flat");
        Files.createDirectories(flat);
        try (var files = Files.walk(images)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, flat.resolve(f.getParent().getFileName() + "-" + f.getFileName()));
        }
        r = run(quick("cluster", "--dataset", flat.toString(), "--out", out.toString(), "--baseline"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--baseline: flat has no labels to score the pixel k-means baseline against; drop --baseline"), (String) r[2]);
        assertFalse(Files.exists(out));
        // without labels no baseline is attempted, and the summary says why there are no scores
        r = run(quick("train", "--dataset", flat.toString(), "--out", out.toString(), "--tol", "0"));
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("no labels: ACC/NMI/ARI not computed") && ((String) r[1]).contains("end: iteration 7"), (String) r[1]);
        assertFalse(Files.exists(out.resolve("baseline.json")));
    }

    /** The rule that runs the baseline unasked: labelled, and N·D·K·R at most 2·10^9 (here 20 · 144 · 4 · R). */
    @Test void theBaselineRunsUnaskedOnlyWhenCheap() {
        Dataset d = Shapes.generate(20, 3, 12);
        java.util.function.Function<String[], DcecCommand.TrainingCommand.BaselinePlan> plan = args -> {
            CommandLine.ParseResult pr = DcecCommand.commandLine(System.out, System.err).parseArgs(args);
            DcecCommand.TrainingCommand t = (DcecCommand.TrainingCommand) pr.subcommand().commandSpec().userObject();
            return t.baselinePlan(d, t.train.config(d, false));
        };
        assertTrue(plan.apply(new String[] {"train", "--clusters", "4", "--kmeans-restarts", "173611"}).run(), "11520 · 173611 = 1.99999872e9");
        DcecCommand.TrainingCommand.BaselinePlan big = plan.apply(new String[] {"train", "--clusters", "4", "--kmeans-restarts", "173612"});
        assertFalse(big.run());
        assertEquals("pixel k-means baseline: not computed (N·D·K·R = 2,000,010,240 is above 2,000,000,000, docs/usage.md#baseline); "
                + "--baseline computes it",
                big.skipped());
        assertTrue(plan.apply(new String[] {"cluster", "--clusters", "4", "--kmeans-restarts", "173612", "--baseline"}).run());
        DcecCommand.TrainingCommand.BaselinePlan off = plan.apply(new String[] {"train", "--no-baseline"});
        assertFalse(off.run());
        assertEquals(null, off.skipped());
        assertFalse(plan.apply(new String[] {"pretrain"}).run());
        assertFalse(plan.apply(new String[] {"train", "--method", "kmeans"}).run(), "pixel k-means is the baseline itself");
    }
}
