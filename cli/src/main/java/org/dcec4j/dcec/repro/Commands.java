package org.dcec4j.dcec.repro;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.run.RunFolder;

/**
 * The `dcec` command lines of the cells and of the shared pretrainings, and where each runs: the run folder
 * {@code <work>/<data set>/seed-<s>/<method>} (pretrainings: {@code …/cae-pretraining}, {@code …/cae-da-pretraining}, {@code …/ae-pretraining}).
 * Hyper-parameters are never given: each command gets the CLI's defaults for its data set, the reference values
 * of docs/spec.md#defaults (shapes: its quick-run defaults), unless the quick preset is on.
 *
 * <ul>
 *   <li>kmeans: {@code train --method kmeans --no-report} (cluster needs weights, and pixel k-means has none);</li>
 *   <li>a shared pretraining: {@code pretrain --method dcec} (the CAE), {@code --method dcec-da} (the CAE on augmented
 *       batches) or {@code --method dec} (the dense autoencoder);</li>
 *   <li>every other method: {@code cluster --method M --weights <the shared pretraining's weights>}.</li>
 * </ul>
 *
 * @param work                 the folder of the run folders
 * @param dataDir              passed as --data-dir when not null
 * @param threads              passed as --threads when not null
 * @param quick                add {@link #QUICK} to every command
 * @param checkpointEpochs     --checkpoint-every of the pretrainings (epochs)
 * @param checkpointIterations --checkpoint-every of the cells (clustering iterations)
 */
record Commands(Path work, Path dataDir, Integer threads, boolean quick, int checkpointEpochs, int checkpointIterations) {

    /** The smoke-test preset: a tiny version of every cell (not the paper's settings). */
    static final List<String> QUICK = List.of("--limit", "200", "--pretrain-epochs", "2", "--max-iter", "30",
            "--kmeans-restarts", "2", "--batch-size", "64", "-T", "10");

    static final String RESUME = "--resume";
    static final String OVERWRITE = "--overwrite";
    static final String DATA_DIR_PLACEHOLDER = "<DIR>";
    /** The work folder in the result files when it lies outside the working directory (a machine path). */
    static final String WORK_PLACEHOLDER = "<WORK>";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    Commands {
        if (checkpointEpochs < 1) throw new IllegalArgumentException("--checkpoint-epochs must be at least 1, got " + checkpointEpochs);
        if (checkpointIterations < 1) throw new IllegalArgumentException("--checkpoint-iterations must be at least 1, got " + checkpointIterations);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }

    /** "reference" or "quick": recorded in every result, and a results folder holds one kind only. */
    String settings() { return quick ? "quick" : "reference"; }

    Path runDir(Cell c) { return work.resolve(c.folder()); }

    Path runDir(Pretraining p) { return work.resolve(p.folder()); }

    /** The weights file a cell starts from. */
    Path weights(Pretraining p) { return runDir(p).resolve(p.weightsFile()); }

    List<String> pretrain(Pretraining p) {
        List<String> a = new ArrayList<>(List.of("pretrain", "--dataset", p.dataset(), "--method", p.method().cliName,
                "--seed", Long.toString(p.seed())));
        common(a);
        a.addAll(List.of("--checkpoint-every", Integer.toString(checkpointEpochs), "--out", runDir(p).toString()));
        return a;
    }

    List<String> cell(Cell c) {
        boolean pixels = c.method() == Method.KMEANS;
        List<String> a = new ArrayList<>(List.of(pixels ? "train" : "cluster", "--dataset", c.dataset(), "--method", c.method().cliName,
                "--seed", Long.toString(c.seed())));
        common(a);
        a.addAll(List.of("--checkpoint-every", Integer.toString(checkpointIterations)));
        if (pixels) a.add("--no-report");
        else a.addAll(List.of("--weights", weights(c.pretraining()).toString()));
        a.addAll(List.of("--out", runDir(c).toString()));
        return a;
    }

    private void common(List<String> a) {
        if (quick) a.addAll(QUICK);
        if (threads != null) a.addAll(List.of("--threads", threads.toString()));
        if (dataDir != null) a.addAll(List.of("--data-dir", dataDir.toString()));
    }

    static List<String> withResume(List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.add(RESUME);
        return a;
    }

    /** The arguments of a run started over in a folder that a killed attempt left outputs in. */
    static List<String> withOverwrite(List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.add(OVERWRITE);
        return a;
    }

    /**
     * The arguments as recorded in the result files: an absolute --data-dir becomes {@code <DIR>} (a machine path
     * says nothing to a reader and must not enter the repository).
     */
    List<String> recorded(List<String> args) {
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i + 1 < a.size(); i++)
            if (a.get(i).equals("--data-dir") && Path.of(a.get(i + 1)).isAbsolute()) a.set(i + 1, DATA_DIR_PLACEHOLDER);
        return a;
    }

    /** "dcec " and the arguments, quoted for a POSIX shell where needed. */
    static String line(List<String> args) {
        return args.isEmpty() ? "dcec" : "dcec " + quoted(args);
    }

    /**
     * The arguments separated by one space, each that is not a plain word (letters, digits and {@code _./:=,+@%-}) in
     * single quotes, a single quote inside as {@code '\''}, the empty string as {@code ''}: what a POSIX shell reads
     * back as the same words, and {@link #words} too.
     */
    static String quoted(List<String> args) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            String x = args.get(i);
            if (i > 0) s.append(' ');
            s.append(PLAIN.matcher(x).matches() ? x : "'" + x.replace("'", "'\\''") + "'");
        }
        return s.toString();
    }

    /** The words of a {@link #line} (or of any line quoted the same way): split at unquoted spaces, the quoting undone. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') { quoted = !quoted; any = true; }
            else if (c == '\\' && !quoted && i + 1 < line.length()) { w.append(line.charAt(++i)); any = true; }
            else if (c == ' ' && !quoted) { if (any) out.add(w.toString()); w.setLength(0); any = false; }
            else { w.append(c); any = true; }
        }
        if (any) out.add(w.toString());
        return out;
    }

    /**
     * What must match between a run folder's recorded attempts and the planned command for the folder to be
     * continued or collected: the arguments without --resume, --overwrite, --checkpoint-every and --threads (which a
     * resumed or restarted run may change: neither the checkpoint interval nor the thread count changes a bit, and dcec
     * --resume takes another; a reproduction rerun with --threads refused every run folder it had touched).
     */
    static List<String> identity(List<String> args) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(RESUME) || args.get(i).equals(OVERWRITE)) continue;
            if (args.get(i).equals("--checkpoint-every") || args.get(i).equals("--threads")) { i++; continue; }
            a.add(args.get(i));
            // the run folder and the weights by their place under the work folder (data set/seed/method, + the file), not
            // by where the work folder lies: the same folder given as work or /abs/work, or moved, is the same run
            if ((args.get(i).equals("--out") || args.get(i).equals("--weights")) && i + 1 < args.size())
                a.add(tail(args.get(++i), args.get(i - 1).equals("--out") ? 3 : 4));
        }
        return a;
    }

    /** The last n elements of a path, '/'-separated. */
    private static String tail(String path, int n) {
        Path p = Path.of(path).normalize();
        int k = p.getNameCount();
        return k <= n ? p.toString().replace('\\', '/') : p.subpath(k - n, k).toString().replace('\\', '/');
    }

    /** The weights file name of a method's network (cae_weights.dc4j or ae_weights.dc4j). */
    static String weightsFile(Method m) { return RunFolder.weightsFileName(m); }
}
