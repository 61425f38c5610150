package org.dcec4j.dcec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.engine.nn.Init;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainingConfigTest {

    /** A pretraining's config.json whose data set is a folder named with quotes, braces and a key's name. */
    static final String PRETRAINING = "{\n  \"method\": \"dcec\",\n  \"pretrain_epochs\": 3,\n  \"init\": \"uniform-fan-in\",\n"
            + "  \"dataset\": \"a\\\"}, \\\"pretraining\\\": {\\\\\",\n  \"dcec4j\": {\"release\": \"0.1.0\", \"local_changes\": null}\n}";

    /**
     * The record is read from the pretraining's config.json whole, kept in a clustering's config.json under
     * "pretraining", and read back from there as it was (a data set's name that looks like JSON does not confuse it).
     */
    @Test void theRecordIsKeptAndReadBackWhole(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), PRETRAINING + "\n");
        assertNull(PretrainingConfig.in(dir, true), "a resume reads only a clustering's record");
        PretrainingConfig p = PretrainingConfig.in(dir, false);
        assertEquals(PRETRAINING, p.json());
        assertEquals("a\"}, \"pretraining\": {\\", p.settings().get("dataset"));

        String clustering = "{\n  \"method\": \"dec-conv\",\n  \"pretrain_epochs\": 3,\n  \"dataset\": \"a\\\"}, \\\"pretraining\\\": {\\\\\",\n"
                + p.member() + "\n}\n";
        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), clustering);
        assertEquals("dcec", RunLogs.readConfig(dir.resolve(RunFolder.CONFIG_JSON)).get("pretraining.method"));
        for (boolean resume : new boolean[] {false, true}) {
            PretrainingConfig back = PretrainingConfig.in(dir, resume);
            assertEquals(PRETRAINING, back.json());
            assertEquals(p.settings(), back.settings());
        }
        assertNull(PretrainingConfig.member(clustering, "missing"));
        assertEquals("\"dec-conv\"", PretrainingConfig.member(clustering, "method"));
    }

    /** The pretraining's own settings replace the config's; one given explicitly must agree; the optimiser it omits is Adam. */
    @Test void applyToTakesThePretrainingsSettings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), PRETRAINING);
        PretrainingConfig p = PretrainingConfig.in(dir, false);
        DcecConfig cfg = DcecConfig.defaults().toBuilder().pretrainOptimizer(OptimizerSpec.sgd(1f, 0.9f)).build();
        DcecConfig applied = p.applyTo(cfg, Set.of());
        assertEquals(3, applied.pretrainEpochs());
        assertEquals(Init.Scheme.UNIFORM_FAN_IN, applied.init());
        assertEquals(OptimizerSpec.ADAM, applied.pretrainOptimizer());
        assertEquals(cfg.batchSize(), applied.batchSize());
        ConfigException e = assertThrows(ConfigException.class, () -> p.applyTo(cfg, Set.of("pretrainOptimizer")));
        assertTrue(e.getMessage().startsWith("{pretrainOptimizer} sgd:1.0:0.9 differs from the pretraining that made the weights"
                .replace("{pretrainOptimizer}", "pretrainOptimizer")), e.getMessage());
        assertEquals(applied, p.applyTo(cfg.toBuilder().pretrainEpochs(3).build(), Set.of("pretrainEpochs")));
    }

    /**
     * Weights whose folder holds no config.json, or a config.json beside a file of another name, have an unknown
     * pretraining; beside a run folder's weights name it is that folder's record. An unknown pretraining leaves the
     * config as it is and records the settings the command line did not give as null (replaced where the config
     * names them, added where it leaves them out); the config.json of such a clustering is read back as unknown.
     */
    @Test void weightsWithoutAConfigHaveAnUnknownPretraining(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("cae_weights.dc4j"), "");
        assertFalse(PretrainingConfig.ofWeights(weights, "cae_weights.dc4j").known());
        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), PRETRAINING);
        assertEquals(PRETRAINING, PretrainingConfig.ofWeights(weights, "cae_weights.dc4j").json());
        assertFalse(PretrainingConfig.ofWeights(Files.writeString(dir.resolve("other.dc4j"), ""), "cae_weights.dc4j").known());

        PretrainingConfig unknown = PretrainingConfig.unknown();
        DcecConfig cfg = DcecConfig.defaults().toBuilder().pretrainEpochs(7).init(Init.Scheme.UNIFORM_FAN_IN).build();
        assertEquals(cfg, unknown.applyTo(cfg, Set.of()));
        String json = cfg.toJson(unknown.unknownSettings());
        Map<String, String> c = RunLogs.parseConfig(json, "test");
        assertEquals("null", c.get("pretrain_epochs"));
        assertEquals("null", c.get("pretrain_optimizer"));
        assertEquals("null", c.get("init"));
        assertEquals(cfg.toJson().lines().count() + 1, json.lines().count(), json);
        PretrainingConfig given = unknown.recorded(Set.of("pretrainEpochs", "init"));
        assertEquals(Set.of("pretrain_optimizer"), given.unknownSettings());
        c = RunLogs.parseConfig(cfg.toJson(given.unknownSettings()), "test");
        assertEquals("7", c.get("pretrain_epochs"));
        assertEquals("uniform-fan-in", c.get("init"));
        assertEquals("null", c.get("pretrain_optimizer"));

        Files.writeString(dir.resolve(RunFolder.CONFIG_JSON), json);
        for (boolean resume : new boolean[] {false, true})
            assertEquals(Set.copyOf(PretrainingConfig.SETTINGS), PretrainingConfig.in(dir, resume).unknownSettings());
        assertThrows(IllegalStateException.class, unknown::member);
        assertThrows(IllegalArgumentException.class, () -> cfg.toJson(Set.of("seed")));   // only the pretraining's settings
    }

    /**
     * {@link PretrainingConfig#parse} reads a config.json's text as {@link PretrainingConfig#in} reads the file (for a
     * file on another file system, dcec-spark's hdfs:/…): the pretraining's own, a clustering's record, a clustering's
     * unknown one; its messages name the source it was given.
     */
    @Test void parseReadsTextAsInReadsTheFile() {
        String source = "hdfs://nn/runs/p1/config.json";
        PretrainingConfig p = PretrainingConfig.parse(PRETRAINING + "\n", source);
        assertEquals(PRETRAINING, p.json());
        assertEquals(source, p.source());
        assertNull(p.file());
        assertEquals("3", p.settings().get("pretrain_epochs"));
        PretrainingConfig back = PretrainingConfig.parse("{\n  \"method\": \"dcec\",\n" + p.member() + "\n}\n", source);
        assertEquals(PRETRAINING, back.json());
        assertEquals(p.settings(), back.settings());
        ConfigException e = assertThrows(ConfigException.class, () -> p.applyTo(DcecConfig.defaults(), Set.of("pretrainEpochs")));
        assertTrue(e.getMessage().contains("(pretrain_epochs 3 in " + source + ")"), e.getMessage());
        String unknown = DcecConfig.defaults().toJson(Set.copyOf(PretrainingConfig.SETTINGS));
        assertFalse(PretrainingConfig.parse(unknown, source).known());
        e = assertThrows(ConfigException.class, () -> PretrainingConfig.parse("{\"pretrain_epochs\": ", source));
        assertTrue(e.getMessage().contains(source), e.getMessage());
    }

    /** A symbolic link to a run folder's weights has that folder's pretraining, not the (absent) one beside the link. */
    @Test void aLinkToWeightsHasThePretrainingBesideItsTarget(@TempDir Path dir) throws IOException {
        Path run = Files.createDirectories(dir.resolve("run")), elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path weights = Files.writeString(run.resolve("cae_weights.dc4j"), "");
        Files.writeString(run.resolve(RunFolder.CONFIG_JSON), PRETRAINING);
        Path link = elsewhere.resolve("cae_weights.dc4j");
        try {
            Files.createSymbolicLink(link, weights);
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
        }
        assertEquals(PRETRAINING, PretrainingConfig.ofWeights(link, "cae_weights.dc4j").json());
    }
}
