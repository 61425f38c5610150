package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.quick;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster} in the folder of the pretraining whose weights it reads: its config.json replaces the pretraining's,
 * and used to record the pretraining settings of the cluster command line (200 epochs, Adam, glorot-uniform when that
 * line did not give them) instead of those that made the weights. It now records the pretraining's: its epochs,
 * optimiser and initialisation at the top, and the pretraining's whole config.json under "pretraining". The same for
 * weights from another pretraining's folder ({@code --weights}); weights without their pretraining's config.json
 * record those settings as null.
 */
class ClusterAfterPretrainingTest {

    /** The pretraining's settings: none of them the cluster command line's. */
    static final List<String> PRETRAINING = List.of("--pretrain-epochs", "3", "--pretrain-optimizer", "sgd:0.5:0.9",
            "--init", "uniform-fan-in", "--batch-size", "4", "--lr", "0.002");

    /** The QUICK options of a command without --pretrain-epochs, then {@code more}. */
    static String[] withoutPretrainEpochs(String command, String... more) {
        List<String> all = new ArrayList<>(List.of(quick(command)));
        int i = all.indexOf("--pretrain-epochs");
        all.remove(i + 1);
        all.remove(i);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    static String[] plus(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    private static Path pretrain(Path tmp, Path images, String name) throws IOException {
        Path dir = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of(quick("pretrain", plus(PRETRAINING, "--dataset", images.toString(), "--out", dir.toString()))));
        Object[] r = run(args.toArray(new String[0]));
        assertEquals(0, r[0], (String) r[2]);
        return dir;
    }

    private static void assertRecordsThePretraining(Path dir, String pretrainingJson) throws IOException {
        Map<String, String> c = RunLogs.readConfig(dir.resolve(RunFolder.CONFIG_JSON));
        String text = Files.readString(dir.resolve(RunFolder.CONFIG_JSON));
        assertEquals("3", c.get("pretrain_epochs"), text);
        assertEquals("sgd:0.5:0.9", c.get("pretrain_optimizer"), text);
        assertEquals("uniform-fan-in", c.get("init"), text);
        // the settings both phases have: the clustering's at the top, the pretraining's under "pretraining"
        assertEquals("8", c.get("batch_size"), text);
        assertEquals("0.001", c.get("lr"), text);
        assertEquals("4", c.get("pretraining.batch_size"), text);
        assertEquals("0.002", c.get("pretraining.lr"), text);
        assertEquals("3", c.get("pretraining.pretrain_epochs"), text);
        assertFalse(c.keySet().stream().anyMatch(k -> k.startsWith("pretraining.pretraining")), "kept once: " + text);
        // the pretraining's config.json itself, as it was written
        Path copy = Files.writeString(dir.resolveSibling(dir.getFileName() + "-pretraining.json"), pretrainingJson);
        Map<String, String> pre = RunLogs.readConfig(copy);
        assertTrue(pre.size() > 20, pre.toString());
        for (Map.Entry<String, String> e : pre.entrySet()) assertEquals(e.getValue(), c.get("pretraining." + e.getKey()), e.getKey());
        assertTrue(text.contains(pretrainingJson.strip().replace("\n", "\n  ")), text);
        // and the model's metadata
        String model = TensorFile.read(dir.resolve(RunFolder.MODEL)).meta("config");
        assertTrue(model.contains("\"pretrain_epochs\": 3") && model.contains("\"init\": \"uniform-fan-in\""), model);
    }

    /**
     * pretrain with settings A, then cluster in its folder with a command line that gives none of them: config.json
     * records A (it recorded the command line's defaults); a second clustering there (--overwrite), which finds the
     * clustering's config.json, records A again.
     */
    @Test void clusterRecordsThePretrainingThatMadeTheWeights(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path dir = pretrain(tmp, images, "run");
        String pretrainingJson = Files.readString(dir.resolve(RunFolder.CONFIG_JSON));
        Object[] r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);

        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--overwrite", "--seed", "3"));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);
        assertTrue(Files.readString(dir.resolve(RunFolder.CONFIG_JSON)).contains("\"seed\": 3"));

        // the pretraining's own values, given again, are accepted
        r = run(quick("cluster", plus(List.of("--pretrain-epochs", "3", "--init", "uniform-fan-in", "--pretrain-optimizer", "sgd:0.5:0.9"),
                "--dataset", images.toString(), "--out", dir.toString(), "--overwrite")));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);
    }

    /** A pretraining option of the cluster command line that contradicts the pretraining is refused in one line, nothing changed. */
    @Test void aContradictingPretrainingOptionIsRefused(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path dir = pretrain(tmp, images, "run");
        byte[] config = Files.readAllBytes(dir.resolve(RunFolder.CONFIG_JSON));
        Object[] r = run(quick("cluster", "--dataset", images.toString(), "--out", dir.toString()));   // QUICK: --pretrain-epochs 2
        assertEquals(2, r[0], (String) r[2]);
        String err = ((String) r[2]).strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith("dcec: --pretrain-epochs 2 differs from the pretraining that made the weights (pretrain_epochs 3 in ")
                && err.endsWith("drop --pretrain-epochs or pass 3"), err);
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--init", "glorot-uniform"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--init glorot-uniform differs from the pretraining that made the weights (init uniform-fan-in in "),
                (String) r[2]);
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--pretrain-optimizer", "adam"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--pretrain-optimizer adam differs from the pretraining that made the weights"
                + " (pretrain_optimizer sgd:0.5:0.9 in "), (String) r[2]);
        assertArrayEquals(config, Files.readAllBytes(dir.resolve(RunFolder.CONFIG_JSON)));
        assertFalse(Files.exists(dir.resolve(RunFolder.DCEC_LOG)));
    }

    /**
     * cluster --resume accepts its own folder (its config.json is the clustering's, the record of the pretraining
     * inside), refuses a changed clustering setting and a contradicting pretraining option, and keeps the record.
     */
    @Test void clusterResumeKeepsThePretrainingRecord(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path dir = pretrain(tmp, images, "run");
        String pretrainingJson = Files.readString(dir.resolve(RunFolder.CONFIG_JSON));
        String[] cluster = withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--checkpoint-every", "3");
        Object[] r = run(cluster);
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.CHECKPOINT)));
        r = run(plus(List.of(cluster), "--resume"));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);

        r = run(plus(List.of(cluster), "--resume", "--gamma", "0.5"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("was written with other settings"), (String) r[2]);
        r = run(plus(List.of(cluster), "--resume", "--pretrain-epochs", "200"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--pretrain-epochs 200 differs from the pretraining that made the weights"
                + " (pretraining.pretrain_epochs 3 in "), (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);
    }

    /**
     * {@code train --resume} in the folder of a clustering (its config.json records the pretraining of its weights): refused
     * with exit code 2 and one line saying to continue it with {@code cluster --resume}, nothing changed. With options
     * that matched the checkpoint it was accepted, and its config.json, written again without the record, lost the
     * pretraining's (for a clustering in the pretraining's folder, the only copy of that pretraining's config.json).
     */
    @Test void trainResumeOfAClusteringIsRefusedAndKeepsThePretrainingRecord(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path dir = pretrain(tmp, images, "run");
        String pretrainingJson = Files.readString(dir.resolve(RunFolder.CONFIG_JSON));
        Object[] r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--checkpoint-every", "3"));
        assertEquals(0, r[0], (String) r[2]);
        Map<String, byte[]> before = ResumeTest.contents(dir);
        // the options of the clustering, its pretraining's settings included: the checkpoint's own
        r = run(quick("train", "--dataset", images.toString(), "--out", dir.toString(), "--checkpoint-every", "3", "--pretrain-epochs", "3",
                "--pretrain-optimizer", "sgd:0.5:0.9", "--init", "uniform-fan-in", "--resume"));
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: --resume: " + dir + " holds a clustering of pretrained weights (its " + RunFolder.CONFIG_JSON + " records their"
                + " pretraining): continue it with dcec cluster --resume", ((String) r[2]).strip());
        ResumeTest.assertSameFiles(before, dir);
        assertRecordsThePretraining(dir, pretrainingJson);
        // cluster --resume continues it
        r = run(plus(List.of(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--checkpoint-every", "3")),
                "--resume"));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(dir, pretrainingJson);
    }

    /**
     * A pretraining's config.json that records no epochs (none of dcec4j's lacks them; one written by hand) is refused
     * naming the option that supplies them; with it the clustering runs. A missing optimiser or initialisation is the
     * reference's, as config.json writes them only when they differ.
     */
    @Test void aPretrainingRecordWithoutEpochsIsRefusedClearly(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path dir = tmp.resolve("run");
        assertEquals(0, run(quick("pretrain", "--dataset", images.toString(), "--out", dir.toString(), "--pretrain-epochs", "3"))[0]);
        Path config = dir.resolve(RunFolder.CONFIG_JSON);
        Files.writeString(config, Files.readString(config).replace("  \"pretrain_epochs\": 3,\n", ""), StandardCharsets.UTF_8);
        Object[] r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("config.json: \"pretrain_epochs\" is missing: the pretraining that made the weights records no epochs")
                && ((String) r[2]).contains("pass --pretrain-epochs with the epochs of that pretraining"), (String) r[2]);
        r = run(quick("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--pretrain-epochs", "3"));
        assertEquals(0, r[0], (String) r[2]);
        Map<String, String> c = RunLogs.readConfig(config);
        assertEquals("3", c.get("pretrain_epochs"));
        assertEquals(null, c.get("pretraining.pretrain_epochs"));
        assertEquals(null, c.get("init"));
        assertEquals(null, c.get("pretrain_optimizer"));

        // a config.json that is not JSON: refused naming it
        Files.writeString(config, "{\"method\": ", StandardCharsets.UTF_8);
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--overwrite"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains(config + ":1:12: ") && ((String) r[2]).contains("repair or delete it"), (String) r[2]);
        // a byte that is not UTF-8: refused naming the file and the byte (it said only "dcec: Input length = 1", exit 1)
        Files.write(config, new byte[] {'{', '"', 'K', '"', ':', ' ', '1', (byte) 0xFF, '}'});
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", dir.toString(), "--overwrite"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains(config + ": byte 7 (0xff) is not UTF-8"), (String) r[2]);
    }

    /**
     * cluster --weights from another folder that holds their pretraining's config.json records that pretraining as in
     * its own folder (it recorded the command line's settings: 2 epochs, Adam, glorot-uniform): a contradicting option
     * is refused with nothing written, --resume keeps the record and still compares the clustering settings, and the
     * record kept by a clustering in the pretraining's folder is read there too.
     */
    @Test void weightsFromAnotherPretrainingsFolderRecordThatPretraining(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path pre = pretrain(tmp, images, "pre");
        String pretrainingJson = Files.readString(pre.resolve(RunFolder.CONFIG_JSON));
        String weights = pre.resolve("cae_weights.dc4j").toString();
        Path out = tmp.resolve("cells");
        Object[] r = run(quick("cluster", "--dataset", images.toString(), "--out", out.toString(), "--weights", weights));   // --pretrain-epochs 2
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).strip().startsWith("dcec: --pretrain-epochs 2 differs from the pretraining that made the weights"
                + " (pretrain_epochs 3 in " + pre.resolve(RunFolder.CONFIG_JSON) + ")"), (String) r[2]);
        assertFalse(Files.exists(out.resolve(RunFolder.CONFIG_JSON)));

        String[] cluster = withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", out.toString(), "--weights", weights,
                "--checkpoint-every", "3");
        r = run(cluster);
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(out, pretrainingJson);
        assertEquals(pretrainingJson, Files.readString(pre.resolve(RunFolder.CONFIG_JSON)), "the pretraining's folder is only read");
        assertTrue(Files.isRegularFile(out.resolve(RunFolder.CHECKPOINT)));
        r = run(plus(List.of(cluster), "--resume"));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(out, pretrainingJson);
        r = run(plus(List.of(cluster), "--resume", "--gamma", "0.5"));
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("was written with other settings"), (String) r[2]);

        // weights whose folder holds a clustering's config.json with the record (cluster ran there first)
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", pre.toString()));
        assertEquals(0, r[0], (String) r[2]);
        Path second = tmp.resolve("second");
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", second.toString(), "--weights", weights));
        assertEquals(0, r[0], (String) r[2]);
        assertRecordsThePretraining(second, pretrainingJson);
    }

    /** The pretraining settings of config.json and of the model's metadata are null, and no record is kept. */
    private static void assertUnknownPretraining(Path dir) throws IOException {
        Map<String, String> c = RunLogs.readConfig(dir.resolve(RunFolder.CONFIG_JSON));
        String text = Files.readString(dir.resolve(RunFolder.CONFIG_JSON));
        for (String key : List.of("pretrain_epochs", "pretrain_optimizer", "init")) assertEquals("null", c.get(key), key + ": " + text);
        assertFalse(c.keySet().stream().anyMatch(k -> k.startsWith("pretraining")), text);
        String model = TensorFile.read(dir.resolve(RunFolder.MODEL)).meta("config");
        assertTrue(model.contains("\"pretrain_epochs\": null") && model.contains("\"pretrain_optimizer\": null")
                && model.contains("\"init\": null"), model);
    }

    /**
     * Weights without their pretraining's config.json beside them (copied elsewhere, renamed, or a pretraining folder
     * whose config.json is gone) record the pretraining settings as unknown, null, where they recorded the command
     * line's defaults as the pretraining's; an option given is recorded as given. --resume still compares the
     * clustering settings, and a clustering of that folder's weights again keeps them unknown.
     */
    @Test void weightsWithoutTheirPretrainingsConfigRecordUnknownSettings(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path pre = pretrain(tmp, images, "pre");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(pre.resolve("cae_weights.dc4j"), elsewhere.resolve("cae_weights.dc4j"));
        Files.copy(pre.resolve("cae_weights.dc4j"), pre.resolve("renamed.dc4j"));   // beside a config.json, but not the file it made
        for (Path w : List.of(elsewhere.resolve("cae_weights.dc4j"), pre.resolve("renamed.dc4j"))) {
            Path out = tmp.resolve("cells-" + w.getParent().getFileName());
            String[] cluster = withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", out.toString(),
                    "--weights", w.toString(), "--checkpoint-every", "3");
            Object[] r = run(cluster);
            assertEquals(0, r[0], (String) r[2]);
            assertUnknownPretraining(out);
            r = run(plus(List.of(cluster), "--resume"));
            assertEquals(0, r[0], (String) r[2]);
            assertUnknownPretraining(out);
            r = run(plus(List.of(cluster), "--resume", "--gamma", "0.5"));
            assertEquals(2, r[0], (String) r[2]);
            assertTrue(((String) r[2]).contains("was written with other settings"), (String) r[2]);
        }

        Path given = tmp.resolve("given");
        Object[] r = run(quick("cluster", "--dataset", images.toString(), "--out", given.toString(), "--init", "uniform-fan-in",
                "--weights", elsewhere.resolve("cae_weights.dc4j").toString()));
        assertEquals(0, r[0], (String) r[2]);
        Map<String, String> c = RunLogs.readConfig(given.resolve(RunFolder.CONFIG_JSON));
        assertEquals("2", c.get("pretrain_epochs"));
        assertEquals("uniform-fan-in", c.get("init"));
        assertEquals("null", c.get("pretrain_optimizer"));

        // the pretraining's own folder without its config.json, clustered twice
        Files.delete(pre.resolve(RunFolder.CONFIG_JSON));
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", pre.toString()));
        assertEquals(0, r[0], (String) r[2]);
        assertUnknownPretraining(pre);
        r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", pre.toString(), "--overwrite"));
        assertEquals(0, r[0], (String) r[2]);
        assertUnknownPretraining(pre);
    }

    /**
     * cluster --weights of another folder's pretraining in a folder that holds weights of its own pretraining is refused
     * with nothing changed: its config.json, which replaces the folder's, would record the other pretraining, and a
     * later clustering of the folder's own weights would take that record as theirs (it ran, and replaced the record).
     */
    @Test void otherWeightsInAPretrainingsFolderAreRefused(@TempDir Path tmp) throws IOException {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path pre = pretrain(tmp, images, "pre");
        Path mine = tmp.resolve("mine");
        assertEquals(0, run(withoutPretrainEpochs("pretrain", "--dataset", images.toString(), "--out", mine.toString()))[0]);
        byte[] config = Files.readAllBytes(mine.resolve(RunFolder.CONFIG_JSON));
        for (List<String> extra : List.of(List.<String>of(), List.of("--overwrite"))) {
            String[] args = withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", mine.toString(),
                    "--weights", pre.resolve("cae_weights.dc4j").toString());
            Object[] r = run(plus(List.of(args), extra.toArray(new String[0])));
            assertEquals(2, r[0], (String) r[2]);
            String err = ((String) r[2]).strip();
            assertFalse(err.contains("\n"), err);
            assertTrue(err.startsWith("dcec: --out " + mine + " holds the weights of its own pretraining (" + mine.resolve("cae_weights.dc4j")
                    + ")") && err.contains("drop --weights") && err.contains("or choose another --out"), err);
            assertArrayEquals(config, Files.readAllBytes(mine.resolve(RunFolder.CONFIG_JSON)));
            assertFalse(Files.exists(mine.resolve(RunFolder.DCEC_LOG)));
        }
        // its own weights named by --weights are its own
        Object[] r = run(withoutPretrainEpochs("cluster", "--dataset", images.toString(), "--out", mine.toString(),
                "--weights", mine.resolve("cae_weights.dc4j").toString()));
        assertEquals(0, r[0], (String) r[2]);
    }
}
