package org.dcec4j.dcec.cli;

import static org.dcec4j.datasets.cli.TerminalText.printable;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dcec4j.dcec.Version;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.engine.io.TensorFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dcec info FILE}: what a dcec4j file is, without running anything. The file is read and checked as every
 * command reads it (magic, version, every section's checksum: a damaged file is named and refused), then described:
 * a first line saying what it is (a model and the images it takes, a checkpoint and where it would resume, a pretrained
 * network's weights), its metadata in the order it was written, and its tensors with their shapes. For a checkpoint
 * the first line also says whether this dcec4j would continue it: one written by another arithmetic version would be
 * refused by {@code --resume} (docs/kernels.md#arithmetic-version). For a model, a second line says when the model
 * commands would refuse it (NaN weights, metadata no run writes) and why.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describe a dcec4j file (model.dc4j, checkpoint.dc4j, pretrained weights): what it is, its metadata and its tensors.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A file dcec4j wrote: model.dc4j, checkpoint.dc4j, cae_weights.dc4j, ae_weights.dc4j.")
    Path file;   // converted by the command line's DcecCommand.PATHS, registered for every subcommand

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws IOException {
        // "" is the current folder to Path.of: it was described as a folder named "" ("dcec: : is a folder, ...")
        if (file.toString().isEmpty())
            throw new IllegalArgumentException("FILE is empty: name a file dcec4j wrote (model.dc4j, checkpoint.dc4j, cae_weights.dc4j, ae_weights.dc4j)");
        if (Files.isDirectory(file)) {
            // read as a file, java.io said only "run1 (Is a directory)"
            List<String> files = new ArrayList<>();
            try (Stream<Path> l = Files.list(file)) {
                l.filter(p -> p.getFileName().toString().endsWith(".dc4j") && Files.isRegularFile(p)).sorted().forEach(p -> files.add(p.toString()));
            }
            throw new IllegalArgumentException(file + ": is a folder, not a file dcec4j wrote; give one of its files: "
                    + (files.isEmpty() ? "it holds no .dc4j file (model.dc4j, checkpoint.dc4j, cae_weights.dc4j, ae_weights.dc4j)" : String.join(", ", files)));
        }
        TensorFile f = TensorFile.read(file);
        PrintWriter out = spec.commandLine().getOut();
        out.println(printable(file.toString()) + " (" + String.format(Locale.ROOT, "%,d", Files.size(file)) + " bytes, checksums verified)");
        out.println("  " + printable(what(f)));
        if ("dcec-model".equals(f.meta("kind"))) {
            // checksums pass on a model saved from a diverged run (NaN weights) or with edited metadata: say what the
            // model commands would say, rather than describe it as a usable model
            try {
                org.dcec4j.dcec.train.TrainedModel.parse(Files.readAllBytes(file), file.toString());
            } catch (TensorFile.FormatException e) {
                String why = e.getMessage().startsWith(file + ": ") ? e.getMessage().substring(file.toString().length() + 2) : e.getMessage();
                out.println("  predict, embed and evaluate refuse it: " + printable(why));
            }
        }
        out.println("metadata:");
        int width = f.meta().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, String> e : f.meta().entrySet()) {
            // a value of several lines (the settings' JSON) keeps its lines, each indented under the first
            String[] lines = e.getValue().strip().split("\n", -1);
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", printable(e.getKey()), printable(lines[0]));
            for (int i = 1; i < lines.length; i++) out.println(" ".repeat(width + 4) + printable(lines[i]));
        }
        long values = 0;
        for (String n : f.names()) values += f.get(n).data().length;
        out.printf(Locale.ROOT, "tensors: %d, %,d values%n", f.names().size(), values);
        int nameWidth = f.names().stream().mapToInt(String::length).max().orElse(0);
        for (String n : f.names())
            out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %s%n", printable(n), Arrays.toString(f.get(n).shape()));
        return DcecCommand.OK;
    }

    /** The first line's description: the kind of file and what it holds. */
    static String what(TensorFile f) {
        String kind = f.meta("kind");
        if ("dcec-model".equals(kind))
            return "a trained " + shown(f, "method") + " model for " + shown(f, "channels") + "x" + shown(f, "height") + "x" + shown(f, "width")
                    + " images, " + shown(f, "clusters") + " clusters; model files record no dcec4j version (the run's config.json does)";
        if ("dcec-checkpoint".equals(kind)) {
            boolean pretraining = "pretrain".equals(f.meta("phase"));
            String where = pretraining ? "the pretraining, after epoch " + shown(f, "epoch") : "the clustering, at iteration " + shown(f, "iteration");
            String arithmetic = RunFolder.arithmeticOf(f);
            String by = f.meta("release") != null ? "dcec4j " + f.meta("release") + ", commit " + shown(f, "commit") + ", arithmetic " + (arithmetic == null ? "?" : arithmetic)
                    : arithmetic != null ? "a dcec4j of arithmetic " + arithmetic + " that did not record its release" : "a dcec4j from before 2026-12-05";
            String verdict = arithmetic == null ? "this dcec4j cannot check its data or arithmetic and would refuse it"
                    : arithmetic.equals(Integer.toString(Version.ARITHMETIC)) ? "this dcec4j can continue it with --resume"
                    : "another arithmetic: this dcec4j (arithmetic " + Version.ARITHMETIC + ") would refuse to continue it";
            return "a checkpoint of " + where + ", written by " + by + "; " + verdict;
        }
        if ("module".equals(kind)) {
            String cls = f.meta("class");
            return cls == null ? "the weights of a network whose class is not recorded (no 'class' entry; pretrained weights for --weights)"
                    : "the weights of a " + cls.substring(cls.lastIndexOf('.') + 1) + " (pretrained weights for --weights)";
        }
        return kind == null ? "a tensor file with no 'kind' entry (not one the dcec command writes)"
                : "a tensor file of kind '" + kind + "' (not one the dcec command writes)";
    }

    /**
     * A model's or checkpoint's metadata value for the first line, "?" when the entry is missing (an edited file, which the second line
     * says the model commands refuse): the line read "a trained null model for nullx28x28 images".
     */
    private static String shown(TensorFile f, String key) {
        return f.meta(key) == null ? "?" : f.meta(key);
    }
}
