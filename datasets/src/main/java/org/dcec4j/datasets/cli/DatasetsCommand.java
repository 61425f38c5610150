package org.dcec4j.datasets.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dcec4j.datasets.Checksums;
import org.dcec4j.datasets.ContactSheet;
import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.KnownFile;
import org.dcec4j.datasets.Shapes;

/**
 * The {@code datasets} command (JDK only, no picocli; {@code dcec datasets ...} delegates here):
 * <pre>
 * datasets [--data-dir DIR] [--offline] list
 * datasets [--data-dir DIR] verify [NAME...]
 * datasets [--data-dir DIR] [--offline] fetch NAME
 * datasets [--data-dir DIR] [--offline] sheet NAME|FOLDER OUT.png [--columns N] [--rows N] [--scale S]
 * </pre>
 * Exit codes: 0 success, 1 failure (bad, unreadable or missing data, a failed download or write), 2 a bad
 * option or argument (an unknown command, option or set name, a sheet too large to draw).
 */
public final class DatasetsCommand {
    /** The contact sheet's defaults. */
    static final int SHEET_COLUMNS = 10, SHEET_ROWS = 10, SHEET_SCALE = 2;
    static final String USAGE = String.join("\n",
            "usage: datasets [--data-dir DIR] [--offline] <command>",
            "  list                      the named sets, where their files are and what is missing",
            "  verify [NAME...]          SHA-256 of every present file against the built-in table",
            "  fetch NAME                download the missing files of a set into the cache and verify them",
            "  sheet NAME|FOLDER OUT.png [--columns N] [--rows N] [--scale S]",
            "                            a PNG grid of samples (one row per class when labelled);",
            "                            defaults: --columns " + SHEET_COLUMNS + " --rows " + SHEET_ROWS + " --scale " + SHEET_SCALE,
            "search order: --data-dir, $" + DataSource.ENV_DATA + ", ~/.cache/dcec4j"
                    + " (+ " + DataSource.DEBIAN_FASHION_MNIST + " for fashion-mnist)");

    private DatasetsCommand() {
    }

    /** Entry point of a stand-alone run. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with this process's environment; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(), DataSource.homeFolder());
    }

    /** Runs the command with an explicit environment and home folder (for tests); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path home) {
        Path dataDir = null;
        boolean offline = false;
        int columns = SHEET_COLUMNS;
        int rows = SHEET_ROWS;
        int scale = SHEET_SCALE;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data-dir":
                        dataDir = Path.of(value(args, ++i, a));
                        break;
                    case "--offline":
                        offline = true;
                        break;
                    case "--columns":
                        columns = positive(value(args, ++i, a), a);
                        break;
                    case "--rows":
                        rows = positive(value(args, ++i, a), a);
                        break;
                    case "--scale":
                        scale = positive(value(args, ++i, a), a);
                        break;
                    case "-h":
                    case "--help":
                    case "help":
                        out.println(USAGE);
                        return 0;
                    default:
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        positional.add(a);
                }
            }
            if (positional.isEmpty()) {
                throw new IllegalArgumentException("no command given");
            }
        } catch (IllegalArgumentException e) {
            err.println("datasets: " + (e instanceof InvalidPathException p ? IoErrors.describe(p) : e.getMessage()));
            err.println(USAGE);
            return 2;
        }
        DataSource source = DataSource.fromEnvironment(dataDir, env, home).withProgress(err);
        if (offline) {
            source = source.withoutDownloads("--offline was given: drop it to download them");
        }
        String command = positional.get(0);
        List<String> rest = positional.subList(1, positional.size());
        try {
            switch (command) {
                case "list":
                    return list(source, out);
                case "verify":
                    for (String name : rest) {
                        if (Datasets.dirOf(name) == null) {
                            return usage(err, name.equals("shapes") ? "verify: shapes has no files (it is generated)"
                                    : "verify: unknown set '" + name + "', expected one of " + Datasets.names());
                        }
                    }
                    return verify(source, rest, out);
                case "fetch":
                    if (rest.size() != 1) {
                        return usage(err, "fetch takes one name");
                    }
                    if (!Datasets.names().contains(rest.get(0))) {
                        return usage(err, "fetch: unknown set '" + rest.get(0) + "', expected one of " + Datasets.names());
                    }
                    return fetch(source, rest.get(0), out);
                case "sheet":
                    if (rest.size() != 2) {
                        return usage(err, "sheet takes a name or folder and an output .png");
                    }
                    if (!Datasets.names().contains(rest.get(0)) && !Files.isDirectory(Path.of(rest.get(0)))) {
                        return usage(err, "sheet: " + rest.get(0) + ": expected one of " + Datasets.names() + " or a folder of images");
                    }
                    if (!Datasets.names().contains(rest.get(0)) && inside(Path.of(rest.get(1)), Path.of(rest.get(0)))) {
                        return usage(err, "sheet: " + rest.get(1) + " is inside the image folder " + rest.get(0) + ": the sheet would"
                                + " replace one of its images or become one; write it outside the folder");
                    }
                    Dataset d = Datasets.load(rest.get(0), source);
                    long[] size = ContactSheet.size(d, columns, rows, scale);
                    if (!ContactSheet.drawable(size)) {
                        return usage(err, "sheet: --columns " + columns + " --rows " + rows + " --scale " + scale + " make a sheet of "
                                + pixels(size[0]) + "x" + pixels(size[1]) + " pixels, more than the " + ContactSheet.MAX_PIXELS
                                + " pixels allowed: lower --scale, --columns or --rows");
                    }
                    ContactSheet.write(Path.of(rest.get(1)), d, columns, rows, scale);
                    out.println("wrote " + rest.get(1) + ": " + d);
                    return 0;
                default:
                    return usage(err, "unknown command " + command);
            }
        } catch (DatasetException e) {
            // a download's failure names URLs a server gave (a redirect's Location), an image folder's its files' names
            err.println("datasets: " + TerminalText.printable(e.getMessage()));
            return 1;
        } catch (InvalidPathException e) {          // a name or output given that is no path here
            err.println("datasets: " + IoErrors.describe(e));
            return 2;
        } catch (UncheckedIOException e) {
            err.println("datasets: " + TerminalText.printable(IoErrors.describe(e)));
            return 1;
        } catch (OutOfMemoryError e) {
            err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
            return 1;
        }
    }

    /**
     * Whether file lies below folder, links resolved (as far as they exist). A contact sheet written there replaced the
     * image of that name (the sheet of a folder written over its a.png) or joined the set as an image of its own.
     */
    static boolean inside(Path file, Path folder) {
        try {
            Path dir = folder.toRealPath();
            Path at = file.toAbsolutePath().normalize();
            Path existing = at;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            Path real = existing == null ? at : existing.toRealPath().resolve(existing.relativize(at));
            return real.startsWith(dir) && !real.equals(dir);
        } catch (java.io.IOException e) {
            return false;                           // the load or the write says what is wrong with either
        }
    }

    /** The line for a full heap. */
    static String outOfMemory(long maxHeapBytes) {
        return "datasets: out of memory (the Java heap holds at most " + (maxHeapBytes >> 20) + " MB): give Java more memory"
                + " (java -Xmx" + largerHeapGb(maxHeapBytes) + "g ...)";
    }

    /**
     * The heap to advise, in GB, after a heap of maxHeapBytes ran out: twice it, at least 4 GB (a fixed -Xmx4g would
     * shrink a larger default heap). The dcec command's out-of-memory line uses it too.
     */
    public static long largerHeapGb(long maxHeapBytes) {
        return Math.max(4, (2 * (maxHeapBytes >> 20) + 1023) / 1024);
    }

    /** A side of a sheet, as {@link ContactSheet#size} gives it (Long.MAX_VALUE: at least that). */
    private static String pixels(long side) {
        return side == Long.MAX_VALUE ? "(2^63 or more)" : Long.toString(side);
    }

    private static int usage(PrintStream err, String message) {
        err.println("datasets: " + TerminalText.printable(message));
        err.println(USAGE);
        return 2;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String text, String option) {
        try {
            int v = AsciiNumbers.parseInt(text);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " expects a positive integer (" + AsciiNumbers.DIGITS + "), found " + text);
    }

    private static int list(DataSource source, PrintStream out) {
        out.println("downloads: " + (source.downloadsAllowed() ? "allowed, into " + source.cacheDir() : "off"));
        for (String name : Datasets.names()) {
            if (name.equals("shapes")) {
                out.printf(Locale.ROOT, "%-14s built in   %d x 1x%dx%d, generated (seed %d)%n", name, Shapes.DEFAULT_N,
                        Shapes.DEFAULT_SIZE, Shapes.DEFAULT_SIZE, Shapes.DEFAULT_SEED);
                continue;
            }
            String dir = Datasets.dirOf(name);
            List<String> missing = new ArrayList<>();
            List<String> where = new ArrayList<>();
            for (String f : Datasets.filesOf(name)) {
                Path p = source.locate(dir, f);
                if (p == null) {
                    missing.add(f);
                } else if (!where.contains(p.getParent().toString())) {
                    where.add(p.getParent().toString());
                }
            }
            if (missing.isEmpty()) {
                out.printf("%-14s present    %s%n", name, String.join(", ", where));
            } else if (name.equals("usps") && eslPair(source)) {
                out.printf("%-14s present    %s (ESL zip.*.gz)%n", name, source.locate(dir, "zip.train.gz").getParent());
            } else {
                out.printf("%-14s missing    %s (looked in %s)%n", name, String.join(", ", missing), source.searchDirs(dir));
            }
        }
        return 0;
    }

    /** Whether both files of USPS's ESL pair are present: usps then loads without the .jf pair. */
    private static boolean eslPair(DataSource source) {
        return source.locate("usps", "zip.train.gz") != null && source.locate("usps", "zip.test.gz") != null;
    }

    private static int verify(DataSource source, List<String> names, PrintStream out) {
        List<String> dirs = new ArrayList<>();
        for (String name : names) {
            dirs.add(Datasets.dirOf(name));
        }
        int bad = 0;
        int missingRequired = 0;
        for (KnownFile k : KnownFile.ALL) {
            if (!names.isEmpty() && !dirs.contains(k.dir())) {
                continue;
            }
            // a named set's own files only: mnist-test reads the t10k pair, not MNIST's train files (usps: both pairs)
            boolean read = names.isEmpty();
            for (String name : names) {
                read |= Datasets.dirOf(name).equals(k.dir()) && (name.equals("usps") || Datasets.filesOf(name).contains(k.name()));
            }
            if (!read) {
                continue;
            }
            Path p = source.locate(k.dir(), k.name());
            // the ESL pair is optional; with it present, usps does not need the .jf pair
            String optional = k.name().startsWith("zip.") ? " (optional)"
                    : k.dir().equals("usps") && eslPair(source) ? " (not needed: usps reads the ESL pair zip.*.gz)" : "";
            if (p == null) {
                out.printf("missing  %s%s%n", k.path(), optional);
                if (optional.isEmpty() && !names.isEmpty()) {
                    boolean needed = false;
                    for (String name : names) {
                        needed |= Datasets.dirOf(name).equals(k.dir()) && Datasets.filesOf(name).contains(k.name());
                    }
                    missingRequired += needed ? 1 : 0;
                }
                continue;
            }
            Checksums.Verdict v = Checksums.verify(p, k);
            if (v.ok()) {
                out.printf("ok       %s (%s %s)%n", p, v.how(), v.found());
            } else {
                bad++;
                out.printf("BAD      %s: %s expected %s, found %s%s%n", p, v.how(), v.expected(k), v.found(), Checksums.contentNote(p, k));
            }
        }
        return bad > 0 || missingRequired > 0 ? 1 : 0;
    }

    private static int fetch(DataSource source, String name, PrintStream out) {
        if (name.equals("shapes")) {
            out.println("shapes is built in: nothing to fetch");
            return 0;
        }
        String dir = Datasets.dirOf(name);
        List<String> names = Datasets.filesOf(name);
        // usps loads from the ESL pair when the .jf pair is incomplete (Datasets.load): then nothing is missing, and the
        // ESL pair is what is verified (offline, fetch usps failed for want of the .jf files that usps does not need)
        if (name.equals("usps") && eslPair(source)
                && (source.locate(dir, names.get(0)) == null || source.locate(dir, names.get(1)) == null)) {
            names = List.of("zip.train.gz", "zip.test.gz");
            out.println("usps reads the ESL pair zip.*.gz (the .jf pair is incomplete): nothing to download");
        }
        List<Path> files = source.requireAll(name, dir, names);
        int bad = 0;
        for (Path p : files) {
            KnownFile k = KnownFile.find(dir, p.getFileName().toString());
            Checksums.Verdict v = Checksums.verify(p, k);
            out.printf("%-8s %s%s%n", v.ok() ? "ok" : "BAD", p, v.ok() ? "" : Checksums.contentNote(p, k));
            bad += v.ok() ? 0 : 1;
        }
        return bad == 0 ? 0 : 1;
    }
}
