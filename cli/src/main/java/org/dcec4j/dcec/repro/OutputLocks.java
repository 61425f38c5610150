package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.run.RunLock;

/**
 * The folders that {@code dcec reproduce} and {@code dcec reproduce table} hold with {@link RunLock} while they write:
 * the reproduction its work folder, its results folder and the page's folder for its whole run; the rewrite of the page
 * its results folder (when it exists) and the page's folder. Whatever writes a results folder or a page therefore holds
 * that folder or the page's folder, and a second writer is refused at once, naming the folder and the live holder
 * (exit code 2). {@code reproduce table} used to take no lock: it rewrote the page while a reproduction was writing the
 * same page or the results it is made from, and two reproductions with different results folders but the same
 * {@code --table} (docs/reproduction.md by default) wrote it in turn, each with its own results. A folder already held
 * here (the page in the results folder, or in the work folder as with --quick) is held once.
 */
final class OutputLocks implements AutoCloseable {
    private final PrintWriter out;
    private final String what;
    private final List<RunLock> locks = new ArrayList<>();
    private final List<Path> held = new ArrayList<>();

    /** {@code what}: the command, for the holder line ("dcec reproduce"); notes of taken-over folders go to {@code out}. */
    OutputLocks(PrintWriter out, String what) {
        this.out = out;
        this.what = what;
    }

    /**
     * Holds {@code folder} (given as {@code option}; created if missing): its {@code .dcec.lock}, locked until
     * {@link #close}, however the process ends (the operating system releases the lock of a killed process). Held by a
     * live process: refused naming the folder and its holder. Left by a killed one: taken over, and said.
     */
    void hold(String option, Path folder) throws IOException {
        RunLock l;
        try {
            l = RunLock.acquire(folder, what);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.render(Map.of("runFolder", option)));
        }
        kept(l, folder);
        if (l.previousHolder() != null)
            out.println("note: " + option + " " + folder + ": taking it over from a run that ended without releasing it (" + l.previousHolder() + ")");
    }

    /**
     * Holds the folder of the page {@code table} (created if missing; the current folder for a bare file name), unless
     * it is held here already. Held by a live process: refused naming the page, its folder and the holder.
     */
    void holdPageFolder(Path table) throws IOException {
        Path folder = pageFolder(table);
        Files.createDirectories(folder);
        if (held.contains(folder.toRealPath())) return;
        RunLock l;
        try {
            l = RunLock.acquire(folder, what);
        } catch (ConfigException e) {
            // a symbolic link at the lock file's name, or a holder that ended in between: RunLock's own words
            String holder = RunLock.holder(folder);
            if (holder == null) throw new IllegalArgumentException(e.render(Map.of("runFolder", "--table's folder")));
            throw new IllegalArgumentException(pageFolderInUse(table, folder, holder) + ": wait for it to finish, or choose another --table");
        }
        kept(l, folder);
        if (l.previousHolder() != null)
            out.println("note: --table " + table + ": taking its folder " + folder + " over from a run that ended without releasing it ("
                    + l.previousHolder() + ")");
    }

    /** The folder holding the page {@code table}: its parent, or the current folder. */
    static Path pageFolder(Path table) {
        Path parent = table.getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }

    /** "--table T: its folder F is in use by another run (holder)", the start of the refusal and of a dry run's note. */
    static String pageFolderInUse(Path table, Path folder, String holder) {
        return "--table " + table + ": its folder " + folder + " is in use by another run (" + holder + ")";
    }

    private void kept(RunLock l, Path folder) throws IOException {
        locks.add(l);   // released by close() even if the folder cannot be resolved below
        held.add(folder.toRealPath());
    }

    /** Releases the folders, the last taken first; a failure is thrown once all are released. */
    @Override public void close() throws IOException {
        IOException failure = null;
        for (int i = locks.size() - 1; i >= 0; i--) {
            try {
                locks.get(i).close();
            } catch (IOException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        locks.clear();
        held.clear();
        if (failure != null) throw failure;
    }
}
