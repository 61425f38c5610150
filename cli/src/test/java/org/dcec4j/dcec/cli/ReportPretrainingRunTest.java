package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.quick;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.dcec4j.dcec.cli.ReportCommandTest.copyTree;
import static org.dcec4j.dcec.cli.ReportCommandTest.foreignPageNeedsOverwrite;
import static org.dcec4j.dcec.cli.ReportCommandTest.lastImage;
import static org.dcec4j.dcec.cli.ReportCommandTest.refused;
import static org.dcec4j.dcec.cli.ReportCommandTest.refusedWhileHeld;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dcec report RUN} of a finished {@code dcec pretrain} run (pretrain_log.csv, the weights, config.json, no
 * clustering): its page shows the data set, the pretraining curve and time, and the configuration; a pretraining without
 * its weights (stopped before its end) is refused saying what is missing, and the checks of the other runs (data, weights,
 * lock, a report.html dcec did not write) apply to it too.
 */
class ReportPretrainingRunTest {
    @TempDir static Path tmp;
    /** The images; a pretraining of DCEC's CAE (seed 7) and one of DEC's dense autoencoder on them. */
    static Path images, cae, dense;

    @BeforeAll static void runs() throws IOException {
        images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        cae = tmp.resolve("cae");
        dense = tmp.resolve("dense");
        for (Object[] r : List.of(run(quick("pretrain", "--dataset", images.toString(), "--out", cae.toString(), "--seed", "7")),
                run(quick("pretrain", "--dataset", images.toString(), "--out", dense.toString(), "--method", "dec", "--dense-dims", "16,16,32"))))
            assertEquals(0, r[0], (String) r[2]);
        assertFalse(Files.exists(cae.resolve("report.html")), "pretrain writes no report");
    }

    /** A copy of a pretraining's folder (its lock file too) in this class's folder. */
    static Path copy(Path from, String name) throws IOException {
        return copyTree(from, Files.createDirectories(tmp.resolve(name)));
    }

    /** Runs report on dir, asserts it wrote (or replaced) the page, and returns it. */
    static String report(Path dir, String verb) throws IOException {
        Object[] r = run("report", dir.toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(verb + " " + dir.resolve("report.html").toAbsolutePath() + " (images, 20 images)\n", r[1]);
        assertEquals("", r[2]);
        assertTrue(ReportCommand.writtenByDcec(dir.resolve("report.html")));
        assertEquals(0, Files.size(dir.resolve(RunLock.FILE_NAME)), "the lock is left free");
        return Files.readString(dir.resolve("report.html"));
    }

    /** A loss as the page writes it: four significant digits, trailing zeros dropped (the report's Html.number). */
    static String shown(double v) {
        String f = String.format(Locale.ROOT, "%." + Math.max(0, 4 - ((int) Math.floor(Math.log10(Math.abs(v))) + 1)) + "f", v);
        return f.indexOf('.') < 0 ? f : f.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The page of a finished pretraining: what it ran on, every epoch's L_r of pretrain_log.csv, its time, its configuration. */
    @Test void aFinishedPretrainingGetsThePageOfWhatItHas() throws IOException {
        Path run = copy(cae, "page/cae");
        String page = report(run, "wrote");
        Map<String, String> config = RunLogs.readConfig(run.resolve("config.json"));
        assertTrue(page.contains("<title>dcec4j pretraining: cae · dcec4j report</title>"), page);
        for (String s : HtmlReport.SECTIONS) assertTrue(page.contains("<section id=\"" + s + "\">"), s);
        // the page's self-check expects the one chart (the pretraining curve) and no images
        assertTrue(page.contains(" data-charts=\"1\" data-images=\"0\">"), page);
        assertTrue(page.contains("<tr><th>run</th><td>pretraining only (dcec pretrain): no clustering</td></tr>"), page);
        assertTrue(page.contains("<tr><th>data set</th><td>images, 20 images of 1×12×12</td></tr>"), page);
        assertTrue(page.contains("<tr><th>method</th><td>dcec</td></tr>") && page.contains("<tr><th>seed</th><td>7</td></tr>"), page);
        assertEquals("7", config.get("seed"));
        // every epoch of pretrain_log.csv on the curve, the last and the time in the summary
        List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(run.resolve("pretrain_log.csv"));
        assertEquals(2, rows.size());
        assertTrue(page.contains("id=\"chart-pretrain-loss\""), page);
        for (RunLogs.PretrainRow row : rows)
            assertTrue(page.contains("<title>L_r at epoch " + row.epoch() + ": " + shown(row.loss()) + "</title>"), row + "\n" + page);
        assertTrue(page.contains("<tr><th>pretraining epochs</th><td>2</td></tr>"), page);
        assertTrue(page.contains("<tr><th>" + HtmlReport.LAST_PRETRAINING_LOSS + "</th><td>" + shown(rows.get(1).loss()) + "</td></tr>"), page);
        assertTrue(page.contains("<tr><th>pretraining time</th><td>"
                + String.format(Locale.ROOT, "%.1f", rows.get(0).seconds() + rows.get(1).seconds()) + " s</td></tr>"), page);
        // the sections of a clustering say that there is none, and how to make one
        assertTrue(page.contains("<p class=\"note\">This run only pretrained the autoencoder (dcec pretrain), whose weights are"
                + " cae_weights.dc4j: it has no clustering, no losses or changed labels to show. dcec cluster clusters those weights (with"
                + " --weights in another folder; in this one, where it replaces this page and keeps the pretraining), and dcec"
                + " report makes the page of that clustering.</p>"), page);
        assertTrue(page.contains("<p class=\"note\">A pretraining has no clusters: the confusion matrix is that of a clustering.</p>"), page);
        assertTrue(page.contains("<p class=\"note\">A pretraining has no clusters to show samples of.</p>"), page);
        assertFalse(page.contains("No clustering log (dcec_log.csv) was given") || page.contains("No labels"), page);
        // a page dcec wrote is replaced without --overwrite, by the same bytes but for the folder's name (none here)
        assertEquals(page, report(run, "replaced"));
    }

    /**
     * A clustering in the pretraining's folder supersedes the page made of that pretraining, as it does the
     * pretraining's last checkpoint: cluster deletes it without --overwrite and keeps the pretraining's files; then
     * report makes the clustering's page, with that pretraining's curve. A report.html that is not a pretraining's page
     * dcec wrote still counts as another run's result.
     */
    @Test void aClusteringInThePretrainingsFolderReplacesItsPage() throws IOException {
        Path run = copy(cae, "then-cluster/cae");
        report(run, "wrote");
        byte[] log = Files.readAllBytes(run.resolve("pretrain_log.csv")), weights = Files.readAllBytes(run.resolve("cae_weights.dc4j"));
        // someone's own page at that name: refused as before
        Path foreign = Files.writeString(run.resolve("report.html.mine"), "<html>my notes</html>\n");
        Path page = run.resolve("report.html");
        byte[] ours = Files.readAllBytes(page);
        Files.copy(foreign, page, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Object[] r = run(quick("cluster", "--dataset", images.toString(), "--out", run.toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: --out " + run + " holds the results of another run (report.html): pass --overwrite to replace them, or choose"
                + " another --out\n", r[2]);
        Files.write(page, ours);
        Files.delete(foreign);
        r = run(quick("cluster", "--dataset", images.toString(), "--out", run.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertFalse(Files.exists(page));
        assertTrue(java.util.Arrays.equals(log, Files.readAllBytes(run.resolve("pretrain_log.csv"))));
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(run.resolve("cae_weights.dc4j"))));
        String clustering = report(run, "wrote");
        assertTrue(clustering.contains("<title>dcec4j run: cae · dcec4j report</title>") && clustering.contains("id=\"chart-pretrain-loss\""), clustering);
        assertFalse(clustering.contains("pretraining only"), clustering);
    }

    /** A pretraining of DEC's dense autoencoder: its weights are ae_weights.dc4j. */
    @Test void aDensePretrainingNamesItsWeights() throws IOException {
        String page = report(copy(dense, "page/dense"), "wrote");
        assertTrue(page.contains("<tr><th>method</th><td>dec</td></tr>"), page);
        assertTrue(page.contains("whose weights are ae_weights.dc4j: it has no clustering"), page);
        assertTrue(page.contains("id=\"chart-pretrain-loss\""), page);
    }

    /** A pretraining stopped before its end (no weights) is refused saying what is missing; so is a log cut short. */
    @Test void anUnfinishedPretrainingIsRefused() throws IOException {
        Path killed = copy(cae, "killed");
        Files.delete(killed.resolve("cae_weights.dc4j"));
        String holder = "pid 4711 on host build-2, started 2026-12-06T10:00:00Z by dcec pretrain";
        Files.writeString(killed.resolve(RunLock.FILE_NAME), holder + "\n");
        refused(killed, killed + " is not a finished run: it has no cae_weights.dc4j, which dcec pretrain writes when its pretraining ends,"
                + " nor the model.dc4j and predictions.csv of a finished dcec train run (a run still going or stopped before its end has none;"
                + " its .dcec.lock names \"" + holder + "\"); run it again, then run dcec report",
                "report", killed.toString(), "--dataset", images.toString());
        // stopped with a checkpoint to continue from, the lock released
        Files.writeString(killed.resolve(RunLock.FILE_NAME), "");
        Files.writeString(killed.resolve("checkpoint.dc4j"), "not read");
        refused(killed, killed + " is not a finished run: it has no cae_weights.dc4j, which dcec pretrain writes when its pretraining ends,"
                + " nor the model.dc4j and predictions.csv of a finished dcec train run (a run still going or stopped before its end has none);"
                + " finish it with its command (dcec pretrain or dcec train) and --resume, then run dcec report",
                "report", killed.toString(), "--dataset", images.toString());
        // a train run killed as it ended its pretraining: its lock names train
        Path train = copy(cae, "train-killed");
        String trainHolder = "pid 4712 on host build-2, started 2026-12-06T10:00:00Z by dcec train";
        Files.writeString(train.resolve(RunLock.FILE_NAME), trainHolder + "\n");
        refused(train, train + " is not a finished run: it has no model.dc4j and no predictions.csv, which dcec train writes when its training"
                + " ends (a run still going or stopped before its end has none; its .dcec.lock names \"" + trainHolder + "\"); train it again,"
                + " which writes the report", "report", train.toString(), "--dataset", images.toString());
        // the weights without the log, and a log that ends before config.json's last epoch
        Path noLog = copy(cae, "nolog");
        Files.delete(noLog.resolve("pretrain_log.csv"));
        refused(noLog, noLog + " has no pretrain_log.csv, which dcec pretrain writes for --method dcec and the report is made of: it is not"
                + " a whole run folder", "report", noLog.toString(), "--dataset", images.toString());
        Path cut = copy(cae, "cut");
        List<String> lines = Files.readAllLines(cut.resolve("pretrain_log.csv"));
        Files.write(cut.resolve("pretrain_log.csv"), lines.subList(0, 2));
        refused(cut, cut.resolve("pretrain_log.csv") + " ends at epoch 1, but " + cut.resolve("config.json") + " records 2 pretraining"
                + " epochs: the run's files are not of one run", "report", cut.toString(), "--dataset", images.toString());
        for (Path p : List.of(killed, train, noLog, cut)) assertFalse(Files.exists(p.resolve("report.html")));
    }

    /** Data that are not the pretraining's and weights of another network are refused, as a train run's. */
    @Test void dataAndWeightsThatAreNotThePretrainingsAreRefused() throws IOException {
        Path run = copy(cae, "data/cae"), config = run.resolve("config.json");
        Path fewer = copyTree(images, Files.createDirectories(tmp.resolve("fewer/images")));
        Files.delete(lastImage(fewer));
        refused(run, "--dataset " + fewer + " holds 19 images, but " + config + " records 20 images" + ReportCommand.NOT_THE_RUNS,
                "report", run.toString(), "--dataset", fewer.toString());
        refused(run, config + ": the run read the image folder 'images', not a built-in set: give that folder with --dataset", "report", run.toString());
        // the dense pretraining's weights under the CAE's name
        Path weights = run.resolve("cae_weights.dc4j");
        Files.copy(dense.resolve("ae_weights.dc4j"), weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TensorFile f = TensorFile.read(weights), right = TensorFile.read(cae.resolve("cae_weights.dc4j"));
        long count = 0, expected = 0;
        for (String n : f.names()) count += f.get(n).data().length;
        for (String n : right.names()) expected += right.get(n).data().length;
        refused(run, weights + " holds the weights of " + f.meta("class") + " (" + count + " weights), but " + config + " records the weights of "
                + ConvAutoencoder.class.getName() + " (" + expected + " weights: 1x12x12, 4 clusters, filters [4, 4, 8], method dcec): the"
                + " run's files are not of one run", "report", run.toString(), "--dataset", images.toString());
        // a model in their place
        Files.write(weights, TensorFile.builder().meta("kind", "dcec-model").tensor("x", new int[] {1}, new float[] {0}).toBytes());
        refused(run, weights + " is not a pretraining's weights file (kind dcec-model), but " + config + " records the weights of "
                + ConvAutoencoder.class.getName() + " (" + expected + " weights: 1x12x12, 4 clusters, filters [4, 4, 8], method dcec): the"
                + " run's files are not of one run", "report", run.toString(), "--dataset", images.toString());
        assertFalse(Files.exists(run.resolve("report.html")));
    }

    /** A report.html dcec did not write is replaced only with --overwrite; a pretraining at work in the folder is refused. */
    @Test void anotherFileAtReportHtmlNeedsOverwriteAndALiveRunIsRefused() throws IOException {
        Path run = copy(cae, "foreign/cae"), html = run.resolve("report.html");
        foreignPageNeedsOverwrite(run, "--dataset", images.toString());
        assertTrue(Files.readString(html).contains("<title>dcec4j pretraining: cae · dcec4j report</title>"));
        refusedWhileHeld(run, "dcec pretrain", "--dataset", images.toString());
    }
}
