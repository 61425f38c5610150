package org.dcec4j.datasets;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Where data files are looked for and how missing ones are fetched. Immutable; the {@code with...}
 * methods return changed copies.
 *
 * <p>Search order for a file {@code <dir>/<name>} (dir "mnist", "usps" or "fashion-mnist"):
 * the {@code --data-dir} folder, then {@code $DCEC4J_DATA}, then the cache ({@code ~/.cache/dcec4j}),
 * each as {@code <folder>/<dir>/<name>}; for fashion-mnist also {@code /usr/share/datasets/fashion-mnist/<name>}
 * (Debian's {@code dataset-fashion-mnist}). Missing files are downloaded into the cache from the
 * mirrors, in turn, when downloads are allowed.
 */
public final class DataSource {
    /** Environment variable naming a data folder. */
    public static final String ENV_DATA = "DCEC4J_DATA";
    /** Environment variable that, set to 1 or true, forbids downloads. */
    public static final String ENV_OFFLINE = "DCEC4J_OFFLINE";
    /** Where Debian's dataset-fashion-mnist installs its files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Default connect and read timeout of downloads. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The canonical locations, tried in turn. A mirror is a base URL the file name is appended to, or a
     * template with {file}; a gzipped answer for a file whose name does not end in .gz is decompressed.
     */
    public static final Map<String, List<String>> DEFAULT_MIRRORS = Map.of(
            "mnist", List.of(
                    "https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/",
                    "http://yann.lecun.com/exdb/mnist/"),
            "fashion-mnist", List.of(
                    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
            "usps", List.of(
                    "https://raw.githubusercontent.com/rymc/n2d/master/data/usps/",
                    "http://www-i6.informatik.rwth-aachen.de/~keysers/{file}.gz"));

    private final List<Path> dataDirs;
    /**
     * The folders among dataDirs that the user named, with what named them ({@code DATA_DIR}, "$DCEC4J_DATA"): each must be
     * a folder when the search reaches it ({@link #locate}), not skipped as the cache is when it does not exist yet.
     */
    private final Map<Path, String> named;
    /**
     * The folder {@link #fromEnvironment}'s dataDirOrNull names, in messages: in the library's words and the command
     * line's, which gives it with --data-dir (a library caller has no --data-dir).
     */
    static final String DATA_DIR = "the data folder given to DataSource.fromEnvironment (the command line's --data-dir)";
    private final Path cacheDir;
    private final Map<String, List<Path>> extraDirs;
    private final boolean downloads;
    /** Why downloads are off and how to turn them on, for messages (null when they are on). */
    private final String offlineReason;
    private final Map<String, List<String>> mirrors;
    private final Duration timeout;
    /** The deadline of one mirror's answer, or null for {@link Downloader#deadline}'s, scaled to the file's size. */
    private final Duration deadline;
    private final PrintStream progress;

    private DataSource(List<Path> dataDirs, Path cacheDir, Map<String, List<Path>> extraDirs, boolean downloads,
                       Map<String, List<String>> mirrors, Duration timeout, PrintStream progress) {
        this(dataDirs, Map.of(), cacheDir, extraDirs, downloads ? null : "downloads are off", mirrors, timeout, null, progress);
    }

    private DataSource(List<Path> dataDirs, Map<Path, String> named, Path cacheDir, Map<String, List<Path>> extraDirs,
                       String offlineReason, Map<String, List<String>> mirrors, Duration timeout, Duration deadline,
                       PrintStream progress) {
        boolean downloads = offlineReason == null;
        this.offlineReason = offlineReason;
        this.dataDirs = List.copyOf(dataDirs);
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        this.cacheDir = cacheDir;
        this.extraDirs = Map.copyOf(extraDirs);
        this.downloads = downloads;
        this.mirrors = Map.copyOf(mirrors);
        this.timeout = timeout;
        this.deadline = deadline;
        this.progress = progress;
    }

    /** The data source of this process: {@code --data-dir} (or null), the environment, the home folder. */
    public static DataSource fromEnvironment(Path dataDirOrNull) {
        return fromEnvironment(dataDirOrNull, System.getenv(), homeFolder());
    }

    /** This process's home folder: {@link #homeFolder(String, Map)} of user.home and the environment. */
    public static Path homeFolder() {
        return homeFolder(System.getProperty("user.home"), System.getenv());
    }

    /**
     * The home folder: {@code userHome} (the JVM's user.home) when it is an absolute path, else {@code $HOME} when that
     * is one, else {@code userHome} as it is, a relative path, for which {@link #fromEnvironment} allows no downloads.
     * JDK 17 sets user.home to "?" when the user id has no passwd entry (docker run -u 12345, OpenShift, systemd's
     * DynamicUser): the cache was then the relative folder ?/.cache/dcec4j below wherever the command ran.
     */
    public static Path homeFolder(String userHome, Map<String, String> env) {
        String home = env.get("HOME");
        for (String h : new String[] {userHome, home}) {
            try {
                if (h != null && !h.isBlank() && Path.of(h).isAbsolute()) {
                    return Path.of(h);
                }
            } catch (java.nio.file.InvalidPathException e) {
                // not a path here: try the next
            }
        }
        try {
            return Path.of(userHome == null || userHome.isBlank() ? "?" : userHome);
        } catch (java.nio.file.InvalidPathException e) {
            return Path.of("home");
        }
    }

    /**
     * The same with an explicit environment and home folder (for tests).
     *
     * @param env  environment variables (DCEC4J_DATA, DCEC4J_OFFLINE are read)
     * @param home the user's home; the cache is home/.cache/dcec4j
     */
    public static DataSource fromEnvironment(Path dataDirOrNull, Map<String, String> env, Path home) {
        List<Path> dirs = new ArrayList<>();
        Map<Path, String> named = new LinkedHashMap<>();
        if (dataDirOrNull != null) {
            dirs.add(dataDirOrNull);
            named.put(dataDirOrNull, DATA_DIR);
        }
        String data = env.get(ENV_DATA);
        if (data != null && !data.isBlank()) {
            dirs.add(Path.of(data));
            named.putIfAbsent(Path.of(data), "$" + ENV_DATA);
        }
        Path cache = home.resolve(".cache").resolve("dcec4j");
        if (home.isAbsolute()) {
            dirs.add(cache);
        }
        String offline = env.getOrDefault(ENV_OFFLINE, "");
        boolean allow = !(offline.equals("1") || offline.equalsIgnoreCase("true") || offline.equalsIgnoreCase("yes"));
        String reason = !allow ? ENV_OFFLINE + "=" + offline + " is set: unset it to download them"
                // no home (homeFolder): downloads would land below whatever folder the command runs in
                : !home.isAbsolute() ? "this process has no home folder to cache them in: user.home is '" + home + "' and $HOME is not"
                        + " set to an absolute path; put the files in " + DATA_DIR + " or in $" + ENV_DATA
                : null;
        return new DataSource(dirs, named, cache, Map.of("fashion-mnist", List.of(DEBIAN_FASHION_MNIST)), reason,
                DEFAULT_MIRRORS, DEFAULT_TIMEOUT, null, System.err);
    }

    /**
     * Exactly these folders, in order, then the cache (which is also searched); no system folders,
     * downloads off, default mirrors. The usual start for tests.
     */
    public static DataSource of(List<Path> dataDirs, Path cacheDir) {
        List<Path> dirs = new ArrayList<>(dataDirs);
        dirs.add(cacheDir);
        return new DataSource(dirs, cacheDir, Map.of(), false, DEFAULT_MIRRORS, DEFAULT_TIMEOUT, System.err);
    }

    /** A copy that allows or forbids downloads. */
    public DataSource withDownloads(boolean allow) {
        return new DataSource(dataDirs, named, cacheDir, extraDirs, allow ? null : "downloads are off", mirrors, timeout, deadline, progress);
    }

    /** A copy that forbids downloads, for this reason (named in messages: what turned them off, how to turn them on). */
    public DataSource withoutDownloads(String reason) {
        return new DataSource(dataDirs, named, cacheDir, extraDirs, reason, mirrors, timeout, deadline, progress);
    }

    /** A copy with these mirrors for one folder ("mnist", "usps", "fashion-mnist"), tried in order. */
    public DataSource withMirrors(String dir, List<String> baseUrls) {
        Map<String, List<String>> m = new HashMap<>(mirrors);
        m.put(dir, List.copyOf(baseUrls));
        return new DataSource(dataDirs, named, cacheDir, extraDirs, offlineReason, m, timeout, deadline, progress);
    }

    /**
     * A copy with this connect and read timeout for downloads: from 1 ms to 2^31 − 1 ms (24.8 days, the most a
     * connection takes); an IllegalArgumentException otherwise.
     */
    public DataSource withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0)
            throw new IllegalArgumentException("download timeout " + timeout + ": expected from 1 ms to " + Integer.MAX_VALUE
                    + " ms (24.8 days)");
        return new DataSource(dataDirs, named, cacheDir, extraDirs, offlineReason, mirrors, timeout, deadline, progress);
    }

    /**
     * A copy with this deadline for one mirror's whole answer, or null (the default) for one scaled to the file's size:
     * two minutes or four timeouts, plus the time the file takes at 50 kB/s. The connect and read timeout apply to one
     * blocking read each, so only the deadline ends an answer that trickles in. One too long for a count of nanoseconds
     * (about 292 years, {@code Duration.ofSeconds(Long.MAX_VALUE)} say) is no deadline.
     */
    public DataSource withDeadline(Duration deadline) {
        if (deadline != null && (deadline.isNegative() || deadline.isZero()))
            throw new IllegalArgumentException("download deadline " + deadline + ": expected a positive duration, or null for the"
                    + " default scaled to the file's size (a deadline of zero would fail every mirror at once)");
        return new DataSource(dataDirs, named, cacheDir, extraDirs, offlineReason, mirrors, timeout, deadline, progress);
    }

    /** A copy writing download progress to this stream (null: silent). */
    public DataSource withProgress(PrintStream progress) {
        return new DataSource(dataDirs, named, cacheDir, extraDirs, offlineReason, mirrors, timeout, deadline, progress);
    }

    /** A copy that also searches these folders (holding the files directly) for one folder name. */
    public DataSource withExtraDirs(String dir, List<Path> folders) {
        Map<String, List<Path>> m = new HashMap<>(extraDirs);
        m.put(dir, List.copyOf(folders));
        return new DataSource(dataDirs, named, cacheDir, m, offlineReason, mirrors, timeout, deadline, progress);
    }

    /** Whether missing files may be downloaded. */
    public boolean downloadsAllowed() {
        return downloads;
    }

    /** Where downloads go (files land in cacheDir/dir/name). */
    public Path cacheDir() {
        return cacheDir;
    }

    /** The download timeout. */
    public Duration timeout() {
        return timeout;
    }

    /** The mirrors of a folder, in order (empty when none). */
    public List<String> mirrors(String dir) {
        return mirrors.getOrDefault(dir, List.of());
    }

    /** The folders searched for dir's files, in order (each holds the files directly). */
    public List<Path> searchDirs(String dir) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        for (Path d : dataDirs) {
            out.add(d.resolve(dir));
        }
        out.addAll(extraDirs.getOrDefault(dir, List.of()));
        return new ArrayList<>(out);
    }

    /**
     * The first existing regular file dir/name along the search order, or null.
     *
     * @throws DatasetException when the search reaches a folder the user named (the data folder, $DCEC4J_DATA) that is not
     *                          a folder: a mistyped setting is reported, not skipped (the file would then come from a
     *                          later folder or a download without a word). One the search does not reach, because an
     *                          earlier folder holds the file, is not checked.
     */
    public Path locate(String dir, String name) {
        for (Path root : dataDirs) {
            String setting = named.get(root);
            if (setting != null && !Files.isDirectory(root)) {
                String what = Files.exists(root) ? "is not a folder" : "does not exist";
                throw new DatasetException(setting + " is " + root + ", which " + what + ": point it at the folder that holds"
                        + " mnist/, usps/ or fashion-mnist/" + (setting.startsWith("$") ? ", or unset it" : ""));
            }
            Path p = root.resolve(dir).resolve(name);
            if (isFile(p)) {
                return p;
            }
        }
        for (Path d : extraDirs.getOrDefault(dir, List.of())) {
            Path p = d.resolve(name);
            if (isFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Whether p is a regular file (following links); false when nothing is there. Something else under the file's
     * name (a folder, a link that leads nowhere, a pipe) is an error naming it: it was skipped as if absent, and the
     * file then came from a later folder or a download without a word, or was reported as not found where it is listed.
     */
    private static boolean isFile(Path p) {
        if (Files.isRegularFile(p)) {
            return true;
        }
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        String found;
        if (Files.isDirectory(p)) {
            found = "a folder";
        } else if (Files.isSymbolicLink(p) && !Files.exists(p)) {
            String target;
            try {
                target = " (-> " + Files.readSymbolicLink(p) + ")";
            } catch (java.io.IOException | UnsupportedOperationException e) {
                target = "";
            }
            found = "a symbolic link that leads nowhere" + target;
        } else {
            found = "a device, pipe or socket (not a regular file)";
        }
        throw new DatasetException(p + ": expected the data set's file (raw or gzipped), found " + found
                + ": put the file there, or remove what is in its place");
    }

    /**
     * Every file of dir, located or (when allowed) downloaded into the cache, in the order given.
     *
     * @throws DatasetException naming every missing file and where it may be put, when a file is
     *                          missing and downloads are off or fail
     */
    public List<Path> requireAll(String setName, String dir, List<String> names) {
        List<Path> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path p = locate(dir, name);
            found.add(p);
            if (p == null) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        if (!downloads || mirrors(dir).isEmpty()) {
            throw new DatasetException(missingMessage(setName, dir, missing)
                    + (downloads ? "" : " Downloads are off (" + offlineReason + ")."));
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Path p = found.get(i);
            if (p == null) {
                KnownFile k = KnownFile.find(dir, names.get(i));
                if (k == null || !k.downloadable()) {
                    throw new DatasetException(missingMessage(setName, dir, List.of(names.get(i)))
                            + " It cannot be downloaded.");
                }
                try {
                    p = Downloader.fetch(k, mirrors(dir), cacheDir.resolve(dir), timeout,
                            deadline != null ? deadline : Downloader.deadline(k, timeout), progress);
                } catch (DatasetException e) {
                    throw new DatasetException(e.getMessage() + " " + missingMessage(setName, dir, List.of(names.get(i))), e);
                }
            }
            out.add(p);
        }
        return out;
    }

    /** "mnist needs a, b; looked in ...; put them in ...", and which of them are there under another name. */
    String missingMessage(String setName, String dir, List<String> missing) {
        String elsewhere = "<folder>/" + dir + "/ with <folder> as " + DATA_DIR + " or " + ENV_DATA + "=<folder>";
        return setName + " needs " + String.join(", ", missing) + ", not found in " + searchDirs(dir) + ". Put the file(s) in "
                // no cache without a home folder (fromEnvironment)
                + (dataDirs.contains(cacheDir) ? cacheDir.resolve(dir) + " (or in " + elsewhere + ")." : elsewhere + ".")
                + misnamed(dir, missing);
    }

    /**
     * The files of dir that are there under the other compression's name (a gunzipped t10k-images-idx3-ubyte, Keysers'
     * usps_train.jf.gz as downloaded, the ESL zip.train gunzipped), each with the name to give it: the readers take raw
     * or gzipped content under the expected name, but look for no other, so such a file was reported as not found
     * without a word about it. Empty when there is none.
     */
    private String misnamed(String dir, List<String> missing) {
        List<String[]> wanted = new ArrayList<>();              // {name found, name to give it}
        for (String m : missing) {
            wanted.add(new String[] {m.endsWith(".gz") ? m.substring(0, m.length() - 3) : m + ".gz", m});
        }
        if (dir.equals("usps")) {                                // usps also reads the ESL pair, when both are there
            for (String esl : Datasets.USPS_ESL) {
                wanted.add(new String[] {esl.substring(0, esl.length() - 3), esl});
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] w : wanted) {
            if (locate(dir, w[1]) != null) {
                continue;
            }
            for (Path d : searchDirs(dir)) {
                Path p = d.resolve(w[0]);
                if (Files.isRegularFile(p)) {
                    out.append(" Found ").append(p).append(": rename it to ").append(w[1]).append(" (its content may be raw or gzipped).");
                    break;
                }
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "DataSource(dirs=" + dataDirs + ", cache=" + cacheDir + ", extra=" + extraDirs
                + ", downloads=" + downloads + ", timeout=" + timeout
                + (deadline != null ? ", deadline=" + deadline : "") + ")";
    }
}
