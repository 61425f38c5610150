package org.dcec4j.dcec.repro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.dcec4j.dcec.Method;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.cli.AsciiNumbers;

/**
 * Which cells the reproduction runs: data sets, each with its seeds, and the methods (every method runs on
 * every (data set, seed)). Written as a plan string {@code "mnist-test:0,1,2;usps:0-2;mnist:0"}: entries
 * separated by ';', each a built-in data set name, optionally ':' and its seeds (a comma list of integers 0 or more
 * and ranges {@code a-b}); a name without seeds gets its {@linkplain #defaultSeeds default seeds}.
 *
 * <p>Cells run one (data set, seed) group at a time, the first seed of every data set before the second,
 * so that one seed of the whole table is finished before the spread is measured.
 */
public record Plan(List<Entry> entries, List<Method> methods) {

    /** The paper's table order (docs/spec.md#results). */
    public static final List<Method> ALL_METHODS =
            List.of(Method.KMEANS, Method.CAE_KMEANS, Method.DEC_CONV, Method.DEC, Method.IDEC, Method.DCEC);

    /** The order cells of one (data set, seed) run in: the methods sharing a pretraining next to each other. */
    static final List<Method> RUN_ORDER =
            List.of(Method.KMEANS, Method.CAE_KMEANS, Method.DEC_CONV, Method.DCEC, Method.DEC, Method.IDEC, Method.DEC_CONV_DA, Method.DCEC_DA);

    /** The rows of the table: the paper's methods in its order, then the data-augmented ones. */
    public static final List<Method> RUN_ORDER_TABLE =
            List.of(Method.KMEANS, Method.CAE_KMEANS, Method.DEC_CONV, Method.DEC, Method.IDEC, Method.DCEC, Method.DEC_CONV_DA, Method.DCEC_DA);

    /** The data-augmented methods (DEC-DA), run when asked for with --methods. */
    public static final List<Method> DA_METHODS = List.of(Method.DEC_CONV_DA, Method.DCEC_DA);

    /** The default plan: three seeds of the two small sets, one of the two large ones. */
    public static final String DEFAULT = "mnist-test:0,1,2;usps:0,1,2;mnist:0;fashion-mnist:0";

    /** A data set and its seeds (in the order given, no repeats). */
    public record Entry(String dataset, List<Long> seeds) {
        public Entry { seeds = List.copyOf(seeds); }
    }

    /** One (data set, seed) and the planned methods on it, in run order. */
    public record Group(String dataset, long seed, List<Method> methods) {}

    public Plan {
        entries = List.copyOf(entries);
        methods = List.copyOf(methods);
        if (entries.isEmpty()) throw new IllegalArgumentException("--plan: no data set");
        if (methods.isEmpty()) throw new IllegalArgumentException("--methods: no method");
    }

    /** The seeds a data set gets when the plan names it without seeds. */
    public static List<Long> defaultSeeds(String dataset) {
        return dataset.equals("mnist-test") || dataset.equals("usps") ? List.of(0L, 1L, 2L) : List.of(0L);
    }

    public static Plan defaults() { return parse(DEFAULT, ALL_METHODS); }

    /** Parses a plan string (see the class comment). */
    public static Plan parse(String plan, List<Method> methods) {
        Map<String, Set<Long>> bySet = new LinkedHashMap<>();
        for (String part : plan.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int colon = p.indexOf(':');
            String name = (colon < 0 ? p : p.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            checkDataset(name, "--plan");
            List<Long> seeds = colon < 0 ? defaultSeeds(name) : seeds(p.substring(colon + 1), "--plan entry '" + p + "'");
            bySet.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(seeds);
        }
        if (bySet.isEmpty()) throw new IllegalArgumentException("--plan '" + plan + "': expected entries like mnist-test:0,1,2;usps:0");
        List<Entry> entries = new ArrayList<>();
        bySet.forEach((name, seeds) -> entries.add(new Entry(name, List.copyOf(seeds))));
        return new Plan(entries, methods);
    }

    /**
     * The plan of {@code --datasets} and {@code --seeds}: the given data sets (default: those of {@link #DEFAULT}),
     * each with the given seeds (default: its own default seeds).
     */
    public static Plan of(List<String> datasets, List<Long> seeds, List<Method> methods) {
        List<Entry> entries = new ArrayList<>();
        List<String> names = datasets != null ? datasets : defaults().entries.stream().map(Entry::dataset).toList();
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) continue;       // "usps,,mnist": skipped, as an empty seed is
            checkDataset(name, "--datasets");
            if (!seen.add(name)) continue;
            if (seeds != null && seeds.isEmpty()) throw new IllegalArgumentException("--seeds: no seed");
            entries.add(new Entry(name, seeds != null ? List.copyOf(new LinkedHashSet<>(seeds)) : defaultSeeds(name)));
        }
        // `--datasets ,,` reaches here as no name at all: said of --datasets, not of a --plan that was never given
        if (entries.isEmpty()) throw new IllegalArgumentException("--datasets: no data set; expected names like usps,mnist-test");
        return new Plan(entries, methods);
    }

    /** Parses a method list such as {@code dcec,cae-kmeans}; returns them in the paper's table order. */
    public static List<Method> methods(List<String> names) {
        if (names == null) return ALL_METHODS;
        Set<Method> chosen = new LinkedHashSet<>();
        for (String n : names) {
            if (n.trim().isEmpty()) continue;   // ",dcec": skipped, as an empty seed is
            try {
                chosen.add(Method.parse(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--methods: " + e.getMessage());
            }
        }
        if (chosen.isEmpty()) throw new IllegalArgumentException("--methods: no method");
        return RUN_ORDER_TABLE.stream().filter(chosen::contains).toList();
    }

    /** Seeds from "0,1,2" or "0-2" or "0,5-7"; none negative. */
    static List<Long> seeds(String text, String where) {
        Set<Long> out = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) continue;
            try {
                int dash = t.indexOf('-', 1);
                if (dash < 0) {
                    out.add(AsciiNumbers.parseLong(t));
                } else {
                    long a = AsciiNumbers.parseLong(t.substring(0, dash).trim()), b = AsciiNumbers.parseLong(t.substring(dash + 1).trim());
                    // b − a in exact arithmetic (it overflowed near the ends of the long range), and a loop that stops at b
                    // without stepping past it (s <= Long.MAX_VALUE never ends)
                    if (b < a || Math.subtractExact(b, a) > 1000) throw new NumberFormatException();
                    for (long s = a; ; s++) {
                        out.add(s);
                        if (s == b) break;
                    }
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(where + ": '" + t + "' is not a seed (an integer, digits 0-9) or a range a-b with a <= b"
                        + " of at most 1001 seeds");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(where + ": no seed");
        // a seed names the cell's folders (seed-<s>): -1 gave seed--1, in the work folder, the results and the table
        for (long s : out)
            if (s < 0) throw new IllegalArgumentException(where + ": seed " + s + " is negative; the reproduction's seeds are 0 or more"
                    + " (each names its cells' folders, seed-<s>)");
        return List.copyOf(out);
    }

    private static void checkDataset(String name, String option) {
        if (!Datasets.names().contains(name))
            throw new IllegalArgumentException(option + ": '" + name + "' is not a built-in data set; expected one of " + Datasets.names());
    }

    /** The (data set, seed) groups in run order: the first seed of every data set, then the second, … */
    public List<Group> groups() {
        List<Method> order = RUN_ORDER.stream().filter(methods::contains).toList();
        List<Group> out = new ArrayList<>();
        int most = entries.stream().mapToInt(e -> e.seeds.size()).max().orElse(0);
        for (int r = 0; r < most; r++)
            for (Entry e : entries)
                if (r < e.seeds.size()) out.add(new Group(e.dataset, e.seeds.get(r), order));
        return out;
    }

    /** Every cell, in run order. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (Group g : groups()) for (Method m : g.methods) out.add(new Cell(g.dataset, m, g.seed));
        return out;
    }

    /** Every cell of this plan and of the other, each once (for the table: planned rows are never dropped). */
    public Set<Cell> union(Plan other) {
        Set<Cell> all = new LinkedHashSet<>(cells());
        all.addAll(other.cells());
        return all;
    }

    /** The plan string of this plan (entries in order, seeds as written). */
    public String toPlanString() {
        StringBuilder s = new StringBuilder();
        for (Entry e : entries) {
            if (s.length() > 0) s.append(';');
            s.append(e.dataset).append(':');
            for (int i = 0; i < e.seeds.size(); i++) s.append(i > 0 ? "," : "").append(e.seeds.get(i));
        }
        return s.toString();
    }

    /** The seeds planned for a data set, sorted (empty when it is not in the plan). */
    public TreeSet<Long> seedsOf(String dataset) {
        TreeSet<Long> out = new TreeSet<>();
        for (Entry e : entries) if (e.dataset.equals(dataset)) out.addAll(e.seeds);
        return out;
    }
}
