package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.quick;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.dcec4j.dcec.cli.ReportCommandTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.report.RunLogs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dcec report RUN} of a finished {@code dcec cluster} run: one in the folder of its pretraining (whose
 * pretrain_log.csv the page shows), one of the same weights in another folder (the page says where the weights came
 * from and that their pretraining's log is not there), one of weights whose pretraining is not known.
 */
class ReportClusterRunTest {
    @TempDir static Path tmp;
    /** The images; a pretraining; a clustering in its folder; clusterings of its weights elsewhere and of a renamed copy. */
    static Path images, pretrained, elsewhere, unknown;

    @BeforeAll static void runs() throws IOException {
        images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        pretrained = tmp.resolve("pre");
        elsewhere = tmp.resolve("elsewhere");
        unknown = tmp.resolve("unknown");
        Object[] r = run(quick("pretrain", "--dataset", images.toString(), "--out", pretrained.toString()));
        assertEquals(0, r[0], (String) r[2]);
        Files.copy(pretrained.resolve("config.json"), tmp.resolve("pre-config.json"));   // the clustering in the folder replaces it
        Path weights = pretrained.resolve("cae_weights.dc4j"), copied = Files.createDirectories(tmp.resolve("copied")).resolve("w.dc4j");
        Files.copy(weights, copied);
        for (Object[] c : List.of(
                run(quick("cluster", "--dataset", images.toString(), "--weights", weights.toString(), "--out", elsewhere.toString())),
                run(quick("cluster", "--dataset", images.toString(), "--weights", copied.toString(), "--out", unknown.toString())),
                run(quick("cluster", "--dataset", images.toString(), "--weights", weights.toString(), "--out", pretrained.toString()))))
            assertEquals(0, c[0], (String) c[2]);
        for (Path d : List.of(pretrained, elsewhere, unknown)) assertFalse(Files.exists(d.resolve("report.html")), d + ": cluster writes no report");
    }

    /** Runs report on dir, asserts it wrote the page, and returns it. */
    static String report(Path dir) throws IOException {
        Object[] r = run("report", dir.toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals("wrote " + dir.resolve("report.html").toAbsolutePath() + " (images, 20 images)\n", r[1]);
        assertEquals("", r[2]);
        String page = Files.readString(dir.resolve("report.html"));
        assertTrue(ReportCommand.writtenByDcec(dir.resolve("report.html")));
        for (String s : HtmlReport.SECTIONS) assertTrue(page.contains("<section id=\"" + s + "\">"), s);
        return page;
    }

    /** The score table's last row: the scores of predictions.csv against the labels, as train's page shows them. */
    static void endsWithThePredictionsScores(Path dir, String page) throws IOException {
        RunLogs.Predictions p = RunLogs.readPredictions(dir.resolve("predictions.csv"));
        int[] truth = new int[p.size()];
        List<String> lines = Files.readAllLines(dir.resolve("predictions.csv"));
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            truth[Integer.parseInt(f[0])] = Integer.parseInt(f[3]);
        }
        String row = "<tr><th>DCEC</th><td>" + four(Metrics.acc(truth, p.cluster())) + "</td><td>" + four(Metrics.nmi(truth, p.cluster()))
                + "</td><td>" + four(Metrics.ari(truth, p.cluster())) + "</td><td class=\"what\">end: iteration ";
        assertTrue(page.contains(row), row + "\n" + page);
    }

    static String four(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    /** In the pretraining's folder: its pretrain_log.csv is the page's pretraining curve. */
    @Test void aClusteringInItsPretrainingsFolderShowsThatPretraining() throws IOException {
        String page = report(pretrained);
        endsWithThePredictionsScores(pretrained, page);
        List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(pretrained.resolve("pretrain_log.csv"));
        assertEquals(2, rows.size());
        assertTrue(page.contains("chart-pretrain-loss"), page);
        assertTrue(page.contains("<tr><th>pretraining epochs</th><td>2</td></tr>"), page);
        assertFalse(page.contains("pretrain_log.csv is not in this folder"), page);
    }

    /** Elsewhere: no curve, and the page says where the weights came from and that their log is not there. */
    @Test void aClusteringInAnotherFolderSaysWhereItsWeightsCameFrom() throws IOException {
        String page = report(elsewhere);
        endsWithThePredictionsScores(elsewhere, page);
        assertFalse(page.contains("chart-pretrain-loss"), page);
        // where the weights came from: the pretraining's own config.json, which the clustering's keeps
        java.util.Map<String, String> pre = RunLogs.readConfig(tmp.resolve("pre-config.json"));
        String note = "<p class=\"note\">The weights this run clustered were pretrained in another folder (dcec cluster --weights):"
                + " config.json records that pretraining under pretraining (" + pre.get("method") + " on images, 20 images, seed " + pre.get("seed")
                + ", 2 epochs, dcec4j " + pre.get("dcec4j.release") + "; the configuration below lists it all); its log, pretrain_log.csv,"
                + " is not in this folder.</p>";
        assertTrue(page.contains(note), note + "\n" + page);
    }

    /** Weights without a pretraining's config.json: the page says the pretraining is not known. */
    @Test void aClusteringOfWeightsOfUnknownPretrainingSaysSo() throws IOException {
        String page = report(unknown);
        endsWithThePredictionsScores(unknown, page);
        assertTrue(page.contains("<p class=\"note\">The pretraining of the weights this run clustered is not known (no config.json of a"
                + " pretraining was beside them: config.json records pretrain_epochs, pretrain_optimizer and init as unknown), and its log,"
                + " pretrain_log.csv, is not in this folder.</p>"), page);
    }

    /**
     * A pretraining's folder before any clustering gets the page of a pretraining (ReportPretrainingRunTest); without its
     * weights it is refused.
     */
    @Test void aPretrainingOnlyFolderGetsAPretrainingsPage() throws IOException {
        Path only = Files.createDirectories(tmp.resolve("only"));
        Path src = tmp.resolve("pre-only");
        Object[] r = run(quick("pretrain", "--dataset", images.toString(), "--out", src.toString(), "--pretrain-epochs", "1"));
        assertEquals(0, r[0], (String) r[2]);
        for (String f : List.of("config.json", "pretrain_log.csv")) Files.copy(src.resolve(f), only.resolve(f));
        refused(only, only + " is not a finished run: it has no cae_weights.dc4j, which dcec pretrain writes when its pretraining ends, nor"
                + " the model.dc4j and predictions.csv of a finished dcec train run (a run still going or stopped before its end has none);"
                + " run it again, then run dcec report", "report", only.toString(), "--dataset", images.toString());
        Files.copy(src.resolve("cae_weights.dc4j"), only.resolve("cae_weights.dc4j"));
        String page = report(only);
        assertTrue(page.contains("<title>dcec4j pretraining: only · dcec4j report</title>"), page);
        assertTrue(page.contains("<tr><th>pretraining epochs</th><td>1</td></tr>"), page);
        assertFalse(page.contains("pretrain_log.csv is not in this folder"), page);
    }
}
