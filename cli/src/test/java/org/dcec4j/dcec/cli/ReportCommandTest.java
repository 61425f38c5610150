package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.quick;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dcec report RUN}: the page it builds for a finished train run is the one train writes, and every folder that
 * is not a finished train, cluster or pretrain run, and data that are not the run's, are refused with exit code 2, writing nothing.
 */
class ReportCommandTest {
    @TempDir static Path tmp;
    /** The images; a train run on them with its report; the same run (same seed) with --no-report; a cluster run of its weights. */
    static Path images, reported, unreported, clustered;

    @BeforeAll static void runs() throws IOException {
        images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        reported = tmp.resolve("a").resolve("run");
        unreported = tmp.resolve("b").resolve("run");     // the same folder name: the page's title is the folder's
        clustered = tmp.resolve("clustered");
        for (Object[] r : List.of(run(quick("train", "--dataset", images.toString(), "--out", reported.toString())),
                run(quick("train", "--dataset", images.toString(), "--out", unreported.toString(), "--no-report")),
                run(quick("cluster", "--dataset", images.toString(), "--weights", reported.resolve("cae_weights.dc4j").toString(),
                        "--out", clustered.toString()))))
            assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.isRegularFile(reported.resolve("report.html")));
        assertFalse(Files.exists(unreported.resolve("report.html")));
    }

    /** A copy of a finished run's folder (its lock file and report too, where there are). */
    static Path copy(Path from, String name) throws IOException {
        Path to = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> l = Files.list(from)) {
            for (Path f : l.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    /** Every file of a folder, hidden ones too (the lock file), with its time and bytes: what a refusal must leave as it was. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) return files;
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path f : w.filter(Files::isRegularFile).toList())
                files.put(dir.relativize(f).toString(), Files.getLastModifiedTime(f) + " " + java.util.HexFormat.of().formatHex(Files.readAllBytes(f)));
        }
        return files;
    }

    /** Runs report with args, asserts exit code 2 and the exact stderr line, and that nothing in dir changed. */
    static void refused(Path dir, String line, String... args) throws IOException {
        Map<String, String> before = snapshot(dir);
        Object[] r = run(args);
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: " + line + "\n", r[2]);
        assertEquals("", r[1]);
        assertEquals(before, snapshot(dir), "nothing written");
    }

    /** The page rebuilt from a train run's own folder is the page train wrote there, byte for byte. */
    @Test void theRebuiltPageIsTheOneTrainWrote() throws IOException {
        Path run = copy(reported, "rebuilt/run");
        byte[] written = Files.readAllBytes(run.resolve("report.html"));
        Files.delete(run.resolve("report.html"));
        Object[] r = run("report", run.toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals("wrote " + run.resolve("report.html").toAbsolutePath() + " (images, 20 images)\n", r[1]);
        assertEquals("", r[2]);
        assertArrayEquals(written, Files.readAllBytes(run.resolve("report.html")));
        // a page dcec wrote is replaced without --overwrite (by the same bytes here); the lock is left empty
        r = run("report", run.toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals("replaced " + run.resolve("report.html").toAbsolutePath() + " (images, 20 images)\n", r[1]);
        assertArrayEquals(written, Files.readAllBytes(run.resolve("report.html")));
        assertEquals(0, Files.size(run.resolve(RunLock.FILE_NAME)));
        try (Stream<Path> l = Files.list(run)) {
            assertEquals(List.of(), l.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    /**
     * A --no-report run of the same seed gets the page train wrote for its twin: the same bytes but for the times the
     * two runs measured (pretraining time, from pretrain_log.csv's seconds; the baseline's, from baseline.json).
     */
    @Test void aNoReportRunGetsThePageTrainWritesForTheSameRun() throws IOException {
        for (String f : List.of("config.json", "dcec_log.csv", "predictions.csv", "model.dc4j", "cae_weights.dc4j"))
            assertArrayEquals(Files.readAllBytes(reported.resolve(f)), Files.readAllBytes(unreported.resolve(f)), f);
        Path run = copy(unreported, "b2/run");
        Object[] r = run("report", run.toString(), "--dataset", images.toString());
        assertEquals(0, r[0], (String) r[2]);
        String rebuilt = Files.readString(run.resolve("report.html")), trains = Files.readString(reported.resolve("report.html"));
        assertEquals(withoutTimes(trains), withoutTimes(rebuilt));
        // and with the twin's measured times, the same bytes
        for (String f : List.of("pretrain_log.csv", "baseline.json")) Files.copy(reported.resolve(f), run.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, run("report", run.toString(), "--dataset", images.toString())[0]);
        assertEquals(trains, Files.readString(run.resolve("report.html")));
    }

    /** The page with every time in seconds ("0.6 s") written as "#.# s": the documented difference between two runs. */
    static String withoutTimes(String page) {
        return page.replaceAll("[0-9]+\\.[0-9] s\\b", "#.# s");
    }

    /** A folder that is not a finished train run is refused naming what it is and what is missing. */
    @Test void whatIsNotAFinishedTrainRunIsRefused() throws IOException {
        String need = "give the --out folder of a finished dcec train, cluster or pretrain run";
        Path none = tmp.resolve("none");
        refused(tmp.resolve("x"), none + ": no such folder; " + need, "report", none.toString());
        assertFalse(Files.exists(none));
        Path file = reported.resolve("config.json");
        refused(reported, file + ": is a file, not a run folder; " + need, "report", file.toString());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        refused(empty, empty + " holds no config.json (a run writes it first): it is not a run folder; " + need, "report", empty.toString());
        // a clustering without its model: named as cluster's (it is built as well: ReportClusterRunTest)
        Path unfinished = copy(clustered, "unfinished");
        Files.delete(unfinished.resolve("predictions.csv"));
        refused(unfinished, unfinished + " is not a finished run: it has no predictions.csv, which dcec cluster writes when its clustering"
                + " ends (a run still going or stopped before its end has none); cluster it again, then run dcec report",
                "report", unfinished.toString(), "--dataset", images.toString());

        // a pretraining: what dcec pretrain writes (its config.json is train's) gets a pretraining's page (ReportPretrainingRunTest)
        Path pretrained = Files.createDirectories(tmp.resolve("pretrained"));
        for (String f : List.of("config.json", "pretrain_log.csv", "cae_weights.dc4j")) Files.copy(reported.resolve(f), pretrained.resolve(f));
        Files.writeString(pretrained.resolve(RunLock.FILE_NAME), "");
        assertEquals(0, run("report", pretrained.toString(), "--dataset", images.toString())[0]);
        assertTrue(Files.readString(pretrained.resolve("report.html")).contains("<title>dcec4j pretraining: pretrained · dcec4j report</title>"));

        // a killed run: its logs so far, a checkpoint, and the lock file naming it
        Path killed = Files.createDirectories(tmp.resolve("killed"));
        for (String f : List.of("config.json", "pretrain_log.csv", "cae_weights.dc4j", "dcec_log.csv")) Files.copy(reported.resolve(f), killed.resolve(f));
        Files.writeString(killed.resolve("checkpoint.dc4j"), "not read");
        String holder = "pid 4711 on host build-2, started 2026-12-06T10:00:00Z by dcec train";
        Files.writeString(killed.resolve(RunLock.FILE_NAME), holder + "\n");
        refused(killed, killed + " is not a finished run: it has no model.dc4j and no predictions.csv, which dcec train writes when its"
                + " training ends (a run still going or stopped before its end has none; its .dcec.lock names \"" + holder
                + "\"); finish it with its dcec train command and --resume, which writes the report",
                "report", killed.toString(), "--dataset", images.toString());

        // a finished run whose model or log was deleted
        Path noModel = copy(unreported, "nomodel");
        Files.delete(noModel.resolve("model.dc4j"));
        refused(noModel, noModel + " is not a finished run: it has no model.dc4j, which dcec train writes when its training ends (a run still"
                + " going or stopped before its end has none); train it again, which writes the report",
                "report", noModel.toString(), "--dataset", images.toString());
        Path noLog = copy(unreported, "nolog");
        Files.delete(noLog.resolve("dcec_log.csv"));
        refused(noLog, noLog + " has no dcec_log.csv, which dcec train writes for --method dcec and the report is made of: it is not a whole"
                + " run folder", "report", noLog.toString(), "--dataset", images.toString());
    }

    /** Data that are not the run's (name, size, files, labels, C×H×W), or none given for a folder run, are refused. */
    @Test void dataThatAreNotTheRunsAreRefused() throws IOException {
        Path run = copy(unreported, "data/run"), config = run.resolve("config.json"), predictions = run.resolve("predictions.csv");
        String not = ": give the data set the run was trained on";
        refused(run, config + ": the run read the image folder 'images', not a built-in set: give that folder with --dataset", "report", run.toString());
        refused(run, "--dataset mnist-test is the data set 'mnist-test', but " + config + " records 'images'" + not,
                "report", run.toString(), "--dataset", "mnist-test");
        // the same images in a folder of another name
        Path other = Files.createDirectories(tmp.resolve("data/other"));
        copyTree(images, other);
        refused(run, "--dataset " + other + " is the data set 'other', but " + config + " records 'images'" + not,
                "report", run.toString(), "--dataset", other.toString());
        // a folder of that name with an image fewer, with an image renamed
        Path fewer = copyTree(images, Files.createDirectories(tmp.resolve("fewer/images")));
        Path last = lastImage(fewer);
        Files.delete(last);
        refused(run, "--dataset " + fewer + " holds 19 images, but " + config + " records 20 images" + not,
                "report", run.toString(), "--dataset", fewer.toString());
        Path renamed = copyTree(images, Files.createDirectories(tmp.resolve("renamed/images")));
        last = lastImage(renamed);
        Files.move(last, last.resolveSibling("zz.png"));
        String name = renamed.relativize(last).toString();
        refused(run, "image 19 of --dataset " + renamed + " is " + renamed.relativize(last.resolveSibling("zz.png")) + ", but " + predictions
                + " names " + name + NOT_THE_RUNS, "report", run.toString(), "--dataset", renamed.toString());
        // a label that is not the image's, a prediction fewer
        List<String> lines = Files.readAllLines(predictions);
        String row = lines.get(4);
        String[] f = row.split(",");
        List<String> edited = new ArrayList<>(lines);
        edited.set(4, String.join(",", f[0], f[1], f[2], Integer.toString((Integer.parseInt(f[3]) + 1) % 10), f[4]));
        Files.write(predictions, edited);
        refused(run, "image 3 of --dataset " + images + " has label " + f[3] + ", but " + predictions + " gives "
                + ((Integer.parseInt(f[3]) + 1) % 10) + not, "report", run.toString(), "--dataset", images.toString());
        Files.write(predictions, lines.subList(0, lines.size() - 1));
        refused(run, predictions + " has 19 predictions, but " + config + " records 20 images: the run's files are not of one run",
                "report", run.toString(), "--dataset", images.toString());
        Files.write(predictions, lines);
        // a named set of another C×H×W than config.json records: a run on "shapes" at 12×12
        Files.writeString(config, Files.readString(config).replace("\"dataset\": \"images\"", "\"dataset\": \"shapes\""));
        refused(run, "--dataset shapes has 1x28x28 images, but " + config + " records 1x12x12" + not, "report", run.toString());
        assertFalse(Files.exists(run.resolve("report.html")));
    }

    private static final String NOT_THE_RUNS = ReportCommand.NOT_THE_RUNS;

    /** A report.html dcec did not write is replaced only with --overwrite; a live run's folder is refused. */
    @Test void anotherFileAtReportHtmlNeedsOverwriteAndALiveRunIsRefused() throws IOException {
        Path run = copy(unreported, "foreign/run"), html = run.resolve("report.html");
        foreignPageNeedsOverwrite(run, "--dataset", images.toString());
        assertTrue(ReportCommand.writtenByDcec(html));
        assertNotEquals("<html>my notes</html>\n", Files.readString(html));
        Files.delete(html);
        Files.createDirectory(html);
        refused(run, html + " is a folder, not a report dcec wrote: move it away", "report", run.toString(), "--dataset", images.toString(), "--overwrite");
        Files.delete(html);
        refusedWhileHeld(run, "dcec train", "--dataset", images.toString());
    }

    /**
     * A report.html in run that dcec did not write ("my notes") is refused, naming it, and replaced with --overwrite
     * (report's other options: {@code options}).
     */
    static void foreignPageNeedsOverwrite(Path run, String... options) throws IOException {
        Path html = run.resolve("report.html");
        Files.writeString(html, "<html>my notes</html>\n");
        List<String> args = new ArrayList<>(List.of("report", run.toString()));
        args.addAll(List.of(options));
        refused(run, html + " is not a report dcec wrote (it does not begin and end as dcec's pages do): pass --overwrite to replace it,"
                + " or move it away", args.toArray(new String[0]));
        args.add("--overwrite");
        Object[] r = run(args.toArray(new String[0]));
        assertEquals(0, r[0], (String) r[2]);
    }

    /** With run held by {@code holder} (this process), report is refused naming the holder, and nothing in run changes. */
    static void refusedWhileHeld(Path run, String holder, String... options) throws IOException {
        try (RunLock lock = RunLock.acquire(run, holder)) {
            Map<String, String> before = snapshot(run);
            List<String> args = new ArrayList<>(List.of("report", run.toString()));
            args.addAll(List.of(options));
            Object[] r = run(args.toArray(new String[0]));
            assertEquals(2, r[0], (String) r[2]);
            String line = (String) r[2];
            assertTrue(line.startsWith("dcec: run folder " + run + " is in use by another run (pid " + ProcessHandle.current().pid()
                    + " on host ") && line.endsWith(" by " + holder + "): wait for it to finish, or choose another run folder\n"), line);
            assertEquals(before, snapshot(run));
        }
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> w = Files.walk(from)) {
            for (Path f : w.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t); else Files.copy(f, t);
            }
        }
        return to;
    }

    /** The image that sorts last in a folder (the last row of predictions.csv). */
    static Path lastImage(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).max(java.util.Comparator.comparing(f -> dir.relativize(f).toString())).orElseThrow();
        }
    }
}
