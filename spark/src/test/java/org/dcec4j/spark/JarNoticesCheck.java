package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jars the build makes carry dcec4j's licence and notices, and the runnable ones name every library they bundle.
 * Every jar has META-INF/LICENSE, NOTICE and THIRD-PARTY-NOTICES equal to the repository's files; the library jars
 * hold only dcec4j's classes; in the runnable jars (cli's dcec.jar, this module's dcec4j-spark.jar, bench's
 * benchmarks.jar) every class is dcec4j's or in a package that an entry of THIRD-PARTY-NOTICES covers, and that
 * entry's version is the version bundled (the library's own pom.properties in the jar, or else the root pom's
 * {@code <artifactId>.version}). A dependency added to a runnable jar, or moved to another version, without its
 * notice fails here.
 *
 * <p>Not a {@code *Test}: it reads the jars of every module, so the spark module's surefire execution
 * {@code jar-notices} runs it in the verify phase, after this module's own jar is made (spark builds last).
 */
class JarNoticesCheck {
    static final List<String> NOTICES = List.of("LICENSE", "NOTICE", "THIRD-PARTY-NOTICES");
    static final List<String> MODULES = List.of("engine", "datasets", "dcec", "cli", "bench", "spark");
    static final List<String> RUNNABLE = List.of("cli/target/dcec.jar", "spark/target/dcec4j-spark.jar",
            "bench/target/benchmarks.jar");

    /** An entry of THIRD-PARTY-NOTICES: "NAME VERSION (GROUP:ARTIFACT)" then "Packages: a, b". */
    record Component(String name, String version, String group, String artifact, List<String> packages) {
        boolean covers(String classFile) {
            for (String p : packages) if (classFile.startsWith(p.replace('.', '/') + "/")) return true;
            return false;
        }
    }

    static final Pattern HEADER = Pattern.compile("^(\\S.*?) (\\S+) \\(([^:\\s()]+):([^:\\s()]+)\\)(?:,.*)?$");

    static List<Component> components(String notices) {
        List<Component> out = new ArrayList<>();
        String[] lines = notices.split("\n", -1);
        for (int i = 0; i + 1 < lines.length; i++) {
            Matcher m = HEADER.matcher(lines[i]);
            if (!m.matches() || !lines[i + 1].startsWith("Packages: ")) continue;
            List<String> packages = new ArrayList<>();
            for (String p : lines[i + 1].substring("Packages: ".length()).split(",")) packages.add(p.strip());
            out.add(new Component(m.group(1), m.group(2), m.group(3), m.group(4), packages));
        }
        return out;
    }

    /** The root pom's properties ({@code <name>value</name>} inside {@code <properties>}). */
    static Map<String, String> pomProperties(String pom) {
        Map<String, String> out = new LinkedHashMap<>();
        int from = pom.indexOf("<properties>"), to = pom.indexOf("</properties>");
        Matcher m = Pattern.compile("<([\\w.-]+)>([^<]*)</\\1>").matcher(pom.substring(from, to));
        while (m.find()) out.put(m.group(1), m.group(2).strip());
        return out;
    }

    /**
     * Checks one runnable jar against the notices: every class dcec4j's or covered by a component, and each
     * component present at its stated version. Returns the names of the components it bundles, in the notices' order.
     */
    static List<String> checkRunnable(Path jar, List<Component> components, Map<String, String> pomProperties)
            throws IOException {
        Map<Component, Integer> found = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("org/dcec4j/")) continue;
                Component owner = null;
                for (Component c : components) if (c.covers(name)) owner = c;
                if (owner == null)
                    throw new AssertionError(jar + ": " + name + " is in no entry of THIRD-PARTY-NOTICES (expected a"
                            + " \"Packages:\" line covering it, with the library's copyright and licence)");
                found.merge(owner, 1, Integer::sum);
            }
            List<String> names = new ArrayList<>();
            for (Component c : components) {
                if (!found.containsKey(c)) continue;
                String bundled = bundledVersion(zip, c, pomProperties);
                if (bundled == null)
                    throw new AssertionError(jar + ": cannot tell which version of " + c.group() + ":" + c.artifact()
                            + " it holds (no pom.properties in the jar and no " + c.artifact()
                            + ".version in the root pom)");
                if (!bundled.equals(c.version()))
                    throw new AssertionError(jar + " bundles " + c.artifact() + " " + bundled
                            + ", THIRD-PARTY-NOTICES names " + c.name() + " " + c.version());
                names.add(c.name());
            }
            return names;
        }
    }

    static String bundledVersion(ZipFile zip, Component c, Map<String, String> pomProperties) throws IOException {
        ZipEntry e = zip.getEntry("META-INF/maven/" + c.group() + "/" + c.artifact() + "/pom.properties");
        if (e != null) {
            Properties p = new Properties();
            try (var in = zip.getInputStream(e)) {
                p.load(in);
            }
            return p.getProperty("version");
        }
        return pomProperties.get(c.artifact() + ".version");
    }

    static void checkNotices(Path jar, Path root) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String n : NOTICES) {
                ZipEntry e = zip.getEntry("META-INF/" + n);
                if (e == null) throw new AssertionError(jar + ": no META-INF/" + n);
                try (var in = zip.getInputStream(e)) {
                    assertArrayEquals(Files.readAllBytes(root.resolve(n)), in.readAllBytes(),
                            jar + ": META-INF/" + n + " differs from the repository's " + n);
                }
            }
        }
    }

    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("THIRD-PARTY-NOTICES")), "not run from a module folder: " + root);
        return root;
    }

    @Test
    void everyJarCarriesTheNoticesAndEveryBundledLibraryIsNamed() throws IOException {
        Path root = root();
        String pom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        Map<String, String> props = pomProperties(pom);
        Matcher v = Pattern.compile("<artifactId>dcec4j-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(v.find(), "the root pom's version");
        List<Component> components = components(Files.readString(root.resolve("THIRD-PARTY-NOTICES"), StandardCharsets.UTF_8));
        assertEquals(List.of("picocli", "JOML", "JMH", "JOpt Simple", "Apache Commons Math"),
                components.stream().map(Component::name).toList(), "the entries of THIRD-PARTY-NOTICES");

        for (String module : MODULES) {
            Path jar = root.resolve(module + "/target/dcec4j-" + module + "-" + v.group(1) + ".jar");
            assertTrue(Files.isRegularFile(jar), "missing " + jar + " (run mvn verify from the root)");
            checkNotices(jar, root);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (name.endsWith(".class") && !name.startsWith("org/dcec4j/") && !name.equals("module-info.class"))
                        throw new AssertionError(jar + " is a library jar but holds " + name);
                }
            }
        }
        Map<String, List<String>> bundled = new LinkedHashMap<>();
        for (String r : RUNNABLE) {
            Path jar = root.resolve(r);
            assertTrue(Files.isRegularFile(jar), "missing " + jar + " (run mvn verify from the root)");
            checkNotices(jar, root);
            bundled.put(r, checkRunnable(jar, components, props));
        }
        // what the notices' table says each runnable jar holds
        assertEquals(List.of("picocli", "JOML"), bundled.get("cli/target/dcec.jar"));
        assertEquals(List.of("picocli", "JOML"), bundled.get("spark/target/dcec4j-spark.jar"));
        assertEquals(List.of("JOML", "JMH", "JOpt Simple", "Apache Commons Math"), bundled.get("bench/target/benchmarks.jar"));
    }

    // The check itself, on hand-made jars: it must refuse what it is there to refuse.

    static Path jar(Path dir, String name, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    static final String NOTES = """
            Lib 1.2 (org.example:lib)
            Packages: org.example.lib, shaded.lib
            Copyright someone
            """;

    @Test
    void aClassNoEntryCoversIsRefused(@TempDir Path dir) throws IOException {
        List<Component> cs = components(NOTES);
        assertEquals(List.of(new Component("Lib", "1.2", "org.example", "lib", List.of("org.example.lib", "shaded.lib"))), cs);
        Map<String, String> props = Map.of("lib.version", "1.2");
        Path good = jar(dir, "good.jar", Map.of("org/dcec4j/A.class", "", "org/example/lib/B.class", "",
                "shaded/lib/x/C.class", ""));
        assertEquals(List.of("Lib"), checkRunnable(good, cs, props));
        Path other = jar(dir, "other.jar", Map.of("org/example/libx/B.class", ""));
        AssertionError e = assertThrows(AssertionError.class, () -> checkRunnable(other, cs, props));
        assertTrue(e.getMessage().contains("org/example/libx/B.class is in no entry"), e.getMessage());
    }

    @Test
    void aVersionOtherThanTheNoticesIsRefused(@TempDir Path dir) throws IOException {
        List<Component> cs = components(NOTES);
        Path fromPom = jar(dir, "a.jar", Map.of("org/example/lib/B.class", ""));
        AssertionError e = assertThrows(AssertionError.class, () -> checkRunnable(fromPom, cs, Map.of("lib.version", "1.3")));
        assertTrue(e.getMessage().contains("bundles lib 1.3, THIRD-PARTY-NOTICES names Lib 1.2"), e.getMessage());
        assertThrows(AssertionError.class, () -> checkRunnable(fromPom, cs, Map.of()));
        // the jar's own pom.properties wins over the root pom
        Path withProps = jar(dir, "b.jar", Map.of("org/example/lib/B.class", "",
                "META-INF/maven/org.example/lib/pom.properties", "version=1.2\n"));
        assertEquals(List.of("Lib"), checkRunnable(withProps, cs, Map.of("lib.version", "9")));
    }

    @Test
    void aMissingOrDifferentNoticeIsRefused(@TempDir Path dir) throws IOException {
        for (String n : NOTICES) Files.writeString(dir.resolve(n), n + " text");
        Map<String, String> all = new LinkedHashMap<>();
        for (String n : NOTICES) all.put("META-INF/" + n, n + " text");
        checkNotices(jar(dir, "ok.jar", all), dir);
        Map<String, String> changed = new LinkedHashMap<>(all);
        changed.put("META-INF/NOTICE", "another text");
        assertThrows(AssertionError.class, () -> checkNotices(jar(dir, "changed.jar", changed), dir));
        Map<String, String> missing = new LinkedHashMap<>(all);
        missing.remove("META-INF/THIRD-PARTY-NOTICES");
        AssertionError e = assertThrows(AssertionError.class, () -> checkNotices(jar(dir, "missing.jar", missing), dir));
        assertTrue(e.getMessage().endsWith("no META-INF/THIRD-PARTY-NOTICES"), e.getMessage());
    }
}
