package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dcec4j.dcec.cli.DcecCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * `dcec reproduce --publish-weights`: the shared pretraining's weights go beside its pretraining.json; a later
 * reproduction in an empty work folder runs the cells from them without pretraining, to the same models; damaged
 * or unverifiable published weights are refused with the file named. Quick preset on shapes, forked JVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublishedWeightsTest {
    @TempDir static Path dir;
    Path results, table;
    String published;
    String dcecModel, kmModel;

    static final String CAE = "shapes/seed-0/cae-pretraining", KM = "shapes/seed-0/cae-kmeans", DCEC = "shapes/seed-0/dcec";

    String[] args(Path work, String... extra) {
        List<String> a = new ArrayList<>(List.of("reproduce", "--quick", "--plan", "shapes:0", "--methods", "dcec,cae-kmeans", "--threads", "2",
                "--work", work.toString(), "--results", results.toString(), "--table", table.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** Exit code and the two streams, joined. */
    record Run(int rc, String text) {}

    static Run dcec(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll void publish() throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        results = dir.resolve("results");
        table = dir.resolve("reproduction.md");
        Run r = dcec(args(dir.resolve("work-1"), "--publish-weights"));
        assertEquals(0, r.rc(), r.text());
        published = r.text();
        dcecModel = ReproduceCommandTest.result(results, DCEC).modelSha256();
        kmModel = ReproduceCommandTest.result(results, KM).modelSha256();
    }

    void forgetCells() throws IOException {
        for (String cell : List.of(DCEC, KM)) Files.deleteIfExists(results.resolve(cell).resolve("result.json"));
    }

    @Test @Order(1) void theWeightsArePublishedAsRecorded() throws Exception {
        Path w = results.resolve(CAE).resolve("cae_weights.dc4j");
        assertArrayEquals(Files.readAllBytes(dir.resolve("work-1").resolve(CAE).resolve("cae_weights.dc4j")), Files.readAllBytes(w));
        assertEquals(PretrainingRecord.read(results.resolve(CAE).resolve(PretrainingRecord.FILE)).weightsSha256(), ReproduceCommandTest.sha256(w));
        assertTrue(published.contains("CAE pretraining on shapes, seed 0 published: "), published);
        String page = Files.readString(table);
        assertTrue(page.contains("Published pretrained weights") && page.contains("(results/" + CAE + "/cae_weights.dc4j)"), page);
        // only the weights: the cells' models and predictions stay in the work folder
        assertFalse(Files.exists(results.resolve(DCEC).resolve("model.dc4j")));
    }

    @Test @Order(2) void aDryRunSaysItWouldUseThemAndWritesNothing() throws Exception {
        Run r = dcec(args(dir.resolve("work-dry"), "--dry-run"));
        // the cells are done: nothing needs the pretraining
        assertEquals(0, r.rc(), r.text());
        forgetCells();
        Path w = results.resolve(CAE).resolve("cae_weights.dc4j");
        byte[] page = Files.readAllBytes(table);
        Files.delete(w);      // with --publish-weights, a dry run still publishes nothing
        r = dcec(args(dir.resolve("work-1"), "--dry-run", "--publish-weights"));
        assertEquals(0, r.rc(), r.text());
        assertFalse(Files.exists(w), "a dry run published");
        Files.copy(dir.resolve("work-1").resolve(CAE).resolve("cae_weights.dc4j"), w);
        r = dcec(args(dir.resolve("work-dry"), "--dry-run"));
        assertEquals(0, r.rc(), r.text());
        assertTrue(r.text().contains("would use the published weights"), r.text());
        assertFalse(Files.exists(dir.resolve("work-dry").resolve(CAE)), "a dry run wrote into the work folder");
        assertArrayEquals(page, Files.readAllBytes(table), "a dry run rewrote the page");
    }

    /** An empty work folder: the cells start from the published weights, nothing pretrains, the models are the same. */
    @Test @Order(3) void anotherMachineRunsTheCellsWithoutPretraining() throws Exception {
        forgetCells();
        Path work = dir.resolve("work-2");
        Run r = dcec(args(work));
        assertEquals(0, r.rc(), r.text());
        assertTrue(r.text().contains("using the published weights"), r.text());
        assertTrue(r.text().contains("0 of 2 cells done before this run, 2 run now, 0 failed"), r.text());
        assertFalse(Files.exists(work.resolve(CAE).resolve("attempts.tsv")), "the pretraining ran");
        assertFalse(Files.exists(work.resolve(CAE).resolve("checkpoint.dc4j")), "the pretraining ran");
        assertEquals(dcecModel, ReproduceCommandTest.result(results, DCEC).modelSha256());
        assertEquals(kmModel, ReproduceCommandTest.result(results, KM).modelSha256());
        // the report's loss curve comes from the copied pretrain_log.csv
        assertTrue(Files.readString(results.resolve("shapes/report.html")).contains("pretraining epochs (shared CAE)"));
    }

    /** A damaged published copy is replaced by --publish-weights from a run folder whose weights match the record. */
    @Test @Order(4) void publishingReplacesADamagedCopy() throws Exception {
        Path w = results.resolve(CAE).resolve("cae_weights.dc4j");
        byte[] good = Files.readAllBytes(w), bad = good.clone();
        bad[bad.length - 3] ^= 1;
        Files.write(w, bad);
        Run r = dcec(args(dir.resolve("work-1"), "--publish-weights"));
        assertEquals(0, r.rc(), r.text());
        assertTrue(r.text().contains("published (it replaces a damaged copy)"), r.text());
        assertArrayEquals(good, Files.readAllBytes(w));
    }

    /** Last: changes the published files. Damaged, unverifiable or foreign weights are refused, named, and nothing runs. */
    @Test @Order(5) void damagedOrForeignWeightsAreRefused() throws Exception {
        Path w = results.resolve(CAE).resolve("cae_weights.dc4j");
        byte[] good = Files.readAllBytes(w), bad = good.clone();
        bad[bad.length - 3] ^= 1;
        Files.write(w, bad);
        forgetCells();
        Path work = dir.resolve("work-3");
        Run r = dcec(args(work));
        assertEquals(1, r.rc(), r.text());          // a damaged file, as everywhere in dcec
        assertTrue(r.text().contains(w.toString()) && r.text().contains("SHA-256") && r.text().contains("damaged"), r.text());
        assertFalse(Files.exists(work.resolve(DCEC)), "a cell ran from damaged weights");

        // weights without their record cannot be verified
        Files.write(w, good);
        Path record = results.resolve(CAE).resolve(PretrainingRecord.FILE);
        String json = Files.readString(record);
        Files.delete(record);
        r = dcec(args(dir.resolve("work-4")));
        assertEquals(1, r.rc(), r.text());
        assertTrue(r.text().contains(w + " is published without its pretraining.json"), r.text());

        // a record of another pretraining command (here: 3 epochs where the plan has 2) is not the planned pretraining
        assertTrue(json.contains("--pretrain-epochs 2"), json);
        Files.writeString(record, json.replace("--pretrain-epochs 2", "--pretrain-epochs 3"));
        r = dcec(args(dir.resolve("work-5")));
        assertEquals(2, r.rc(), r.text());
        assertTrue(r.text().contains(w + " was published by another command") && r.text().contains("--pretrain-epochs 3"), r.text());
        assertFalse(Files.exists(dir.resolve("work-5").resolve(DCEC)), "a cell ran from another pretraining's weights");
        Files.writeString(record, json);
    }

    /**
     * Published weights whose record gives another arithmetic version were used: the cells started from them give other
     * models than a fresh pretraining with this version. Refused naming the file and both versions, exit 2; nothing runs.
     * pretraining.json records the version (the field wins over the config.json beside it, which says the same unless
     * edited); a record without it, of an older version, leaves it to config.json (CollectedRunTest).
     */
    @Test @Order(6) void weightsOfAnotherArithmeticVersionAreRefused() throws Exception {
        Path record = results.resolve(CAE).resolve(PretrainingRecord.FILE);
        String json = Files.readString(record), mark = "\"arithmetic\": " + org.dcec4j.dcec.Version.ARITHMETIC + ",";
        assertTrue(json.contains(mark), json);
        int other = org.dcec4j.dcec.Version.ARITHMETIC + 1;
        Files.writeString(record, json.replace(mark, "\"arithmetic\": " + other + ","));
        forgetCells();
        Run r = dcec(args(dir.resolve("work-6")));
        assertEquals(2, r.rc(), r.text());
        assertTrue(r.text().contains("cae_weights.dc4j, published with its pretraining.json, was written by a dcec4j of arithmetic version " + other
                + " (" + record + "), this one computes with arithmetic version " + org.dcec4j.dcec.Version.ARITHMETIC), r.text());
        assertFalse(Files.exists(dir.resolve("work-6").resolve(DCEC)), "a cell ran from another arithmetic's weights");
        Files.writeString(record, json);
    }

    @Test void publishedIdentityLeavesOutTheMachine() {
        List<String> a = Commands.words("dcec pretrain --dataset usps --method dcec-da --seed 1 --threads 2 --data-dir '<DIR>' "
                + "--checkpoint-every 5 --out '<WORK>/usps/seed-1/cae-da-pretraining' --resume");
        assertEquals(List.of("pretrain", "--dataset", "usps", "--method", "dcec-da", "--seed", "1"), Runner.publishedIdentity(a));
    }
}
