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
import java.util.List;
import javax.imageio.ImageIO;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class DcecCommandTest {
    /** Runs the command; returns {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    static final List<String> TRAINING_OPTIONS = List.of("--method", "--clusters", "--filters", "--dense-dims", "--alpha", "--gamma",
            "--batch-size", "--pretrain-epochs", "--kmeans-restarts", "--update-interval", "--tol", "--max-iter", "--lr", "--seed",
            "--checkpoint-every", "--resume", "--out", "--dataset", "--data-dir", "--limit", "--threads", "--channels", "--image-size");

    @Test void helpListsEveryOptionOfEveryCommand() {
        CommandLine cl = DcecCommand.commandLine(System.out, System.err);
        String top = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String sub : cl.getSubcommands().keySet()) assertTrue(top.contains(sub), "top-level help lists " + sub);
        assertEquals(List.of("train", "pretrain", "cluster", "predict", "embed", "evaluate", "datasets"), List.copyOf(cl.getSubcommands().keySet()));
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
    }

    @Test void optionsReachTheConfig() {
        CommandLine cl = DcecCommand.commandLine(System.out, System.err);
        CommandLine.ParseResult pr = cl.parseArgs("train", "--method", "idec", "--clusters", "7", "--filters", "8,16,32",
                "--dense-dims", "50,20", "--alpha", "2", "--gamma", "0.5", "--batch-size", "32", "--pretrain-epochs", "3",
                "--kmeans-restarts", "4", "-T", "11", "--tol", "0.01", "--max-iter", "99", "--lr", "0.002", "--seed", "5",
                "--checkpoint-every", "6");
        DcecCommand.Train t = (DcecCommand.Train) pr.subcommand().commandSpec().userObject();
        Dataset d = Shapes.generate(20, 1, 12);
        DcecConfig c = t.train.config(d, false);
        DcecConfig expected = new DcecConfig(Method.IDEC, 7, new int[] {8, 16, 32}, new int[] {50, 20}, 2f, 0.5f, 32, 3, 4, 11,
                0.01, 99, 0.002f, 5, 6);
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
        assertEquals(DcecCommand.SHAPES_TOL, s.tol());
        assertEquals(10, s.K());
        // an explicit option replaces only its own shapes default
        CommandLine.ParseResult one = DcecCommand.commandLine(System.out, System.err).parseArgs("train", "--max-iter", "3000");
        DcecConfig o = ((DcecCommand.Train) one.subcommand().commandSpec().userObject()).train.config(d, true);
        assertEquals(3000, o.maxIter());
        assertEquals(DcecCommand.SHAPES_EPOCHS, o.pretrainEpochs());
        assertEquals(DcecCommand.SHAPES_BATCH, o.batchSize());
        assertEquals(DcecCommand.SHAPES_T, o.updateInterval());
    }

    @Test void badOptionsFailWithAMessageAndWriteNothing(@TempDir Path tmp) {
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
        assertTrue(((String) r[2]).contains("unknown method 'kmeanz'"), (String) r[2]);
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
        assertFalse(Files.exists(out));
    }

    /** A folder of 12×12 PNGs in one sub-folder per class, trained, then predict / embed / evaluate on it. */
    @Test void trainOnAFolderThenPredictEmbedEvaluate(@TempDir Path tmp) throws IOException {
        Dataset d = Shapes.generate(30, 3, 12);
        Path images = tmp.resolve("images");
        for (int n = 0; n < d.size(); n++) {
            Path dir = images.resolve("class" + d.labels()[n]);
            Files.createDirectories(dir);
            BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
            for (int h = 0; h < 12; h++) for (int w = 0; w < 12; w++) {
                int v = Math.round(d.images()[n * 144 + h * 12 + w] * 255);
                img.getRaster().setSample(w, h, 0, v);
            }
            ImageIO.write(img, "png", dir.resolve(String.format("img%03d.png", n)).toFile());
        }
        Path out = tmp.resolve("run");
        Object[] r = run("train", "--dataset", images.toString(), "--image-size", "12", "--filters", "4,4,8", "--clusters", "4",
                "--batch-size", "8", "--pretrain-epochs", "2", "--kmeans-restarts", "2", "-T", "3", "--max-iter", "7", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r[0], (String) r[2]);
        String stdout = (String) r[1];
        assertTrue(stdout.contains("summary") && stdout.contains("ACC") && stdout.contains("kernels:") && stdout.contains("threads: 1"), stdout);
        for (String f : List.of("config.json", "pretrain_log.csv", "dcec_log.csv", "cae_weights.dc4j", "model.dc4j", "predictions.csv", "report.html"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        List<String> log = Files.readAllLines(out.resolve("dcec_log.csv"));
        assertEquals(DcecTrainer.DCEC_HEADER, log.get(0));
        assertEquals(List.of("0", "3", "6", "7"), log.subList(1, log.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
        assertEquals(3, Files.readAllLines(out.resolve("pretrain_log.csv")).size());

        Path pred = tmp.resolve("pred.csv");
        r = run("predict", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", pred.toString());
        assertEquals(0, r[0], (String) r[2]);
        List<String> p = Files.readAllLines(pred), trained = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("index,cluster,confidence", p.get(0));
        assertEquals(31, p.size());
        // the model predicts on the same images what the run reported (run rows carry a label column too)
        for (int i = 1; i < p.size(); i++) assertTrue(trained.get(i).startsWith(p.get(i) + ","), p.get(i) + " vs " + trained.get(i));

        Path emb = tmp.resolve("emb.csv");
        r = run("embed", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString(), "--output", emb.toString());
        assertEquals(0, r[0], (String) r[2]);
        List<String> e = Files.readAllLines(emb);
        assertEquals("index,z0,z1,z2,z3", e.get(0));
        assertEquals(31, e.size());

        r = run("evaluate", "--model", out.resolve("model.dc4j").toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("ACC") && ((String) r[1]).contains("NMI(geometric)"), (String) r[1]);

        // a model for 12×12 images refuses 28×28 named data
        r = run("predict", "--model", out.resolve("model.dc4j").toString(), "--dataset", "shapes", "--limit", "5", "--output", pred.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("the model takes 1x12x12"), (String) r[2]);
    }

    @Test void datasetsIsDelegated() {
        Object[] r = run("datasets", "--help");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1] + r[2]).contains("usage: datasets"), (String) r[1]);
    }
}
