package org.dcec4j.dcec.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.OptimizerSpec;
import org.dcec4j.dcec.report.ReportException;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.engine.nn.Init;

/**
 * The record of the pretraining that made the weights a clustering run reads ({@code dcec cluster} after
 * {@code dcec pretrain}, or after {@code train}): that pretraining's {@code config.json}, in the folder of the weights
 * (the clustering's own folder, whose config.json the clustering run's replaces, or another one: {@link #ofWeights}).
 * The clustering run keeps it whole under {@value #KEY} in its {@code config.json} ({@link RunFolder#pretraining}),
 * and takes the settings that only the pretraining uses ({@code pretrain_epochs}, {@code pretrain_optimizer},
 * {@code init}) from it rather than from its own options ({@link #applyTo}), so that its config, checkpoints and model
 * say how the weights were made. Weights without such a config.json have an {@link #unknown()} pretraining, whose
 * settings config.json and the model record as null.
 */
public final class PretrainingConfig {
    /** The key of a clustering run's config.json that holds the pretraining's config.json. */
    public static final String KEY = "pretraining";

    /** The settings that only the pretraining uses, as config.json names them. */
    public static final List<String> SETTINGS = DcecConfig.UNKNOWABLE;

    private final Path file;
    /** Where the record was read, as the messages name it: the config.json's path (null for an unknown pretraining). */
    private final String source;
    private final String json;
    private final String prefix;
    private final Map<String, String> settings;
    /** Of an unknown pretraining (json null): the keys of {@link #SETTINGS} recorded as null. */
    private final List<String> unknown;

    private PretrainingConfig(Path file, String source, String json, String prefix, Map<String, String> settings) {
        this.file = file; this.source = source; this.json = json; this.prefix = prefix; this.settings = settings; this.unknown = List.of();
    }

    private PretrainingConfig(List<String> unknown) {
        this.file = null; this.source = null; this.json = null; this.prefix = ""; this.settings = Map.of(); this.unknown = List.copyOf(unknown);
    }

    /**
     * A pretraining that nothing records (weights without a pretraining's config.json beside them): the clustering's
     * config.json and model record its settings as null, each except those the command line gives ({@link #recorded}).
     */
    public static PretrainingConfig unknown() { return new PretrainingConfig(SETTINGS); }

    /**
     * The pretraining of the weights file {@code weights} that a clustering reads: the record in the config.json of
     * the weights' folder ({@link #in}, as the folder's own clustering reads it) when the file has the name a run folder
     * gives them ({@code weightsName}: cae_weights.dc4j or ae_weights.dc4j) and that config.json exists; otherwise
     * {@link #unknown()}. A config.json beside a file of another name is another run's, not a record of these weights.
     */
    public static PretrainingConfig ofWeights(Path weights, String weightsName) throws IOException {
        // a symbolic link is followed: the record is the one beside the file the weights are read from
        Path abs = Files.exists(weights) ? weights.toRealPath() : weights.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null || !abs.getFileName().toString().equals(weightsName)
                || !Files.isRegularFile(dir.resolve(RunFolder.CONFIG_JSON)))
            return unknown();
        return in(dir, false);
    }

    /**
     * The pretraining recorded in {@code dir}'s config.json, or null when there is none to read: no config.json, or,
     * for a {@code resume}, a config.json without a {@value #KEY} object that records pretraining settings (the
     * clustering it continues was started by a version that did not keep the record). Otherwise the {@value #KEY}
     * object of a clustering run's config.json (an earlier clustering of the same weights); {@link #unknown()} for the
     * config.json of a clustering whose pretraining was not known (one of {@link #SETTINGS} is null); else the whole
     * file: the pretraining's own (or a {@code train} run's, whose pretraining made the weights too). A config.json
     * that is not one JSON object is refused (a ConfigException naming it).
     */
    public static PretrainingConfig in(Path dir, boolean resume) throws IOException {
        Path file = dir.resolve(RunFolder.CONFIG_JSON);
        if (!Files.isRegularFile(file)) return null;
        String text;
        try {
            text = RunLogs.readUtf8(file);
        } catch (ReportException e) {
            throw new ConfigException(ConfigException.quote(e.getMessage()) + " (the settings of the pretraining whose weights are in " + ConfigException.quote(dir)
                    + "): repair or delete it");
        }
        return of(text, file, file.toString(), dir.toString(), resume);
    }

    /**
     * {@link #in}{@code (dir, false)} of a config.json already read, on a file system a {@link Path} does not reach (a
     * Hadoop path such as hdfs:/…, read by {@code dcec-spark}): {@code text} is the file's content, {@code source} its
     * path, which the messages name. Never null.
     */
    public static PretrainingConfig parse(String text, String source) {
        return of(text, null, source, "the folder of " + source, false);
    }

    private static PretrainingConfig of(String text, Path file, String source, String dir, boolean resume) {
        Map<String, String> flat;
        try {
            flat = RunLogs.parseConfig(text, source);
        } catch (ReportException e) {
            throw new ConfigException(ConfigException.quote(e.getMessage()) + " (the settings of the pretraining whose weights are in " + ConfigException.quote(dir)
                    + "): repair or delete it");
        }
        String nested = RunLogs.configMember(text, source, KEY);
        if (nested != null && nested.startsWith("{")) {
            Map<String, String> inner = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : flat.entrySet())
                if (e.getKey().startsWith(KEY + ".")) inner.put(e.getKey().substring(KEY.length() + 1), e.getValue());
            return new PretrainingConfig(file, source, unindent(nested), KEY + ".", inner);
        }
        if (!flat.containsKey(KEY) && SETTINGS.stream().anyMatch(k -> "null".equals(flat.get(k)))) return unknown();
        if (resume) return null;
        if (flat.containsKey(KEY))
            throw new ConfigException(ConfigException.quote(source) + ": \"" + KEY + "\" is " + ConfigException.quote(flat.get(KEY)) + ", not the object of a pretraining's settings: repair or delete it");
        String whole = text.strip();
        if (!whole.isEmpty() && whole.charAt(0) == '\uFEFF') whole = whole.substring(1).strip();
        return new PretrainingConfig(file, source, whole, "", flat);
    }

    /**
     * {@code cfg} with the pretraining's own settings: its epochs, optimiser and initialisation (an optimiser or
     * initialisation it does not record is the reference's: config.json records them only when they differ). A setting
     * in {@code given} (the library's names: pretrainEpochs, pretrainOptimizer, init; those the command line set
     * explicitly) must equal the pretraining's, else a ConfigException names it and both values; a pretraining that
     * records no epochs takes the given ones, and is refused without them.
     */
    public DcecConfig applyTo(DcecConfig cfg, Set<String> given) {
        if (json == null) return cfg.validate();       // unknown: the command line's, recorded as null where not given
        DcecConfig.Builder b = cfg.toBuilder();
        String epochs = settings.get("pretrain_epochs");
        if (epochs == null) {
            if (!given.contains("pretrainEpochs"))
                throw new ConfigException(where("pretrain_epochs") + " is missing: the pretraining that made the weights records no"
                        + " epochs (written by hand or by another program?); pass {pretrainEpochs} with the epochs of that pretraining");
        } else {
            int e;
            try {
                e = Integer.parseInt(epochs);
            } catch (NumberFormatException ex) {
                e = -1;
            }
            if (e < 0) throw new ConfigException(where("pretrain_epochs") + " is '" + ConfigException.quote(epochs) + "', not a number of epochs: repair or delete it");
            check(given, "pretrainEpochs", "pretrain_epochs", Integer.toString(cfg.pretrainEpochs()), Integer.toString(e));
            b.pretrainEpochs(e);
        }
        String opt = settings.get("pretrain_optimizer");
        OptimizerSpec optimizer;
        try {
            optimizer = opt == null ? OptimizerSpec.ADAM : OptimizerSpec.parse(opt);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where("pretrain_optimizer") + ": " + ConfigException.quote(e.getMessage()));
        }
        check(given, "pretrainOptimizer", "pretrain_optimizer", cfg.pretrainOptimizer().toString(), optimizer.toString());
        b.pretrainOptimizer(optimizer);
        String in = settings.get("init");
        Init.Scheme init;
        try {
            init = in == null ? Init.Scheme.GLOROT_UNIFORM : Init.Scheme.byName(in);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where("init") + ": " + ConfigException.quote(e.getMessage()));
        }
        check(given, "init", "init", cfg.init().cliName, init.cliName);
        b.init(init);
        return b.build().validate();
    }

    private void check(Set<String> given, String name, String key, String mine, String theirs) {
        if (given.contains(name) && !mine.equals(theirs))
            throw new ConfigException("{" + name + "} " + ConfigException.quote(mine) + " differs from the pretraining that made the weights (" + prefix + key
                    + " " + ConfigException.quote(theirs) + " in " + ConfigException.quote(source) + "): cluster records that pretraining's settings; drop {"
                    + name + "} or pass " + ConfigException.quote(theirs));
    }

    private String where(String key) { return ConfigException.quote(source) + ": \"" + prefix + key + "\""; }

    /**
     * What the clustering records: this record; of an unknown pretraining, one whose settings given on the command line
     * ({@code given}, the library's names as in {@link #applyTo}) are recorded as given, the others as null.
     */
    public PretrainingConfig recorded(Set<String> given) {
        if (json != null) return this;
        List<String> keys = new ArrayList<>();
        for (String key : unknown)
            if (!given.contains(switch (key) { case "pretrain_epochs" -> "pretrainEpochs"; case "pretrain_optimizer" -> "pretrainOptimizer"; default -> key; }))
                keys.add(key);
        return new PretrainingConfig(keys);
    }

    /** Whether a config.json records this pretraining (false: {@link #unknown()}). */
    public boolean known() { return json != null; }

    /** Of an unknown pretraining, the settings recorded as null (empty for a known one; {@link DcecConfig#toJson(Set)}). */
    public Set<String> unknownSettings() { return Set.copyOf(unknown); }

    /** The config.json the record was read from (null for an unknown pretraining, or one {@link #parse}d from text). */
    public Path file() { return file; }

    /** The path of the config.json the record was read from, as messages name it (null for an unknown pretraining). */
    public String source() { return source; }

    /** The pretraining's config.json, one JSON object as it was written (null for an unknown pretraining). */
    public String json() { return json; }

    /** The pretraining's settings, flattened as {@link RunLogs#readConfig} reads them. */
    public Map<String, String> settings() { return Map.copyOf(settings); }

    /** The object as a member of config.json: {@code "pretraining": {…}}, its lines indented one level further. */
    public String member() {
        if (json == null) throw new IllegalStateException("an unknown pretraining has no record");
        return "  \"" + KEY + "\": " + json.replace("\n", "\n  ");
    }

    /** {@link #member}'s object back as written: each line after the first without the two spaces it added. */
    private static String unindent(String object) {
        String[] lines = object.split("\n", -1);
        StringBuilder b = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int cut = 0;
            while (cut < 2 && cut < l.length() && l.charAt(cut) == ' ') cut++;
            b.append('\n').append(l, cut, l.length());
        }
        return b.toString();
    }

    /** The JSON text of the value of {@code key} in the top-level object of {@code json}, or null ({@link RunLogs#configMember}). */
    static String member(String json, String key) {
        return RunLogs.configMember(json, RunFolder.CONFIG_JSON, key);
    }
}
