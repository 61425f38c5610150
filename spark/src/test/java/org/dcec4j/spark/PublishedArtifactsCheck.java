package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a consumer of the published artefacts sees besides the classes: the model every module inherits (its url,
 * scm and developers, which Maven Central requires) is the root pom's as written, and the javadoc jars link to no
 * page that is not published. By default Maven appends the module's artifactId to an inherited url and scm
 * (https://github.com/dcec4j/dcec4j/dcec4j-engine, scm:git:https://github.com/dcec4j/dcec4j.git/dcec4j-engine), and
 * the javadoc plugin then links the dcec javadoc's every {@code Backend} and {@code Dataset} to
 * {@code <that url>/apidocs/...}, which does not exist.
 *
 * <p>Not a {@code *Test}: it reads the javadoc jars of every module, so the spark module's surefire execution
 * {@code jar-notices} runs it in the verify phase (spark builds last), with this module's inherited model passed as
 * system properties ({@code dcec4j.model.*}).
 */
class PublishedArtifactsCheck {
    static final List<String> JAVADOC_MODULES = List.of("engine", "datasets", "dcec", "cli", "spark");

    /** The text of the first {@code <tag>} inside the root pom's {@code <section>} (the whole pom when null). */
    static String declared(String pom, String section, String tag) {
        String in = pom;
        if (section != null) {
            Matcher s = Pattern.compile("<" + section + "[\\s>].*?</" + section + ">", Pattern.DOTALL).matcher(pom);
            assertTrue(s.find(), "the root pom has no <" + section + ">");
            in = s.group();
        }
        Matcher m = Pattern.compile("<" + tag + ">([^<]*)</" + tag + ">").matcher(in);
        assertTrue(m.find(), "the root pom has no <" + tag + "> in <" + section + ">");
        return m.group(1).strip();
    }

    /** The project's own url as written in the root pom: the first {@code <url>} outside licences, scm and developers. */
    static String declaredUrl(String pom) {
        String head = pom.substring(0, pom.indexOf("<licenses>"));
        return declared(head, null, "url");
    }

    @Test
    void everyModuleInheritsTheUrlTheScmAndTheDevelopersAsWritten() throws IOException {
        String pom = Files.readString(JarNoticesCheck.root().resolve("pom.xml"), StandardCharsets.UTF_8);
        String url = System.getProperty("dcec4j.model.url");
        assertTrue(url != null, "run by the spark module's surefire execution jar-notices (mvn verify from the root)");
        assertEquals(declaredUrl(pom), url, "this module's inherited <url>");
        assertEquals(declared(pom, "scm", "connection"), System.getProperty("dcec4j.model.scm.connection"),
                "this module's inherited <scm><connection>");
        assertEquals(declared(pom, "scm", "developerConnection"),
                System.getProperty("dcec4j.model.scm.developerConnection"), "this module's inherited <scm><developerConnection>");
        assertEquals(declared(pom, "scm", "url"), System.getProperty("dcec4j.model.scm.url"),
                "this module's inherited <scm><url>");
        String developer = System.getProperty("dcec4j.model.developer");
        assertFalse(developer == null || developer.isBlank() || developer.startsWith("${"),
                "no <developers><developer><name> inherited (Maven Central requires one): " + developer);
        assertEquals(declared(pom, "developers", "name"), developer);
    }

    static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

    /** The links of a javadoc jar's pages into another module's javadoc ({@code .../apidocs/...}), at most a few. */
    static List<String> linksToUnpublishedPages(Path javadocJar) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(javadocJar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements() && out.size() < 3; ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".html")) continue;
                String page;
                try (var in = zip.getInputStream(entry)) {
                    page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Matcher m = HREF.matcher(page);
                while (m.find() && out.size() < 3)
                    if (m.group(1).contains("/apidocs/")) out.add(entry.getName() + " -> " + m.group(1));
            }
        }
        return out;
    }

    @Test
    void noJavadocLinksToAnotherModulesUnpublishedPages() throws IOException {
        Path root = JarNoticesCheck.root();
        String version = declared(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8), null, "version");
        for (String module : JAVADOC_MODULES) {
            Path jar = root.resolve(module + "/target/dcec4j-" + module + "-" + version + "-javadoc.jar");
            assertTrue(Files.isRegularFile(jar), "missing " + jar + " (run mvn verify from the root)");
            assertEquals(List.of(), linksToUnpublishedPages(jar), jar + " links to pages that are not published");
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                var index = zip.getEntry("allclasses-index.html");   // index.html may only redirect to a module's page
                assertTrue(index != null, jar + ": no allclasses-index.html");
                String page = new String(zip.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(page.contains("Licensed under the Apache License, Version 2.0") && !page.contains("All rights reserved"),
                        jar + ": the pages' footer should give the licence, not 'All rights reserved'");
            }
        }
    }

    /**
     * No two jars of the build declare one module name: the library jars and the engine's test jar (which the parent's
     * manifest entry had named org.dcec4j.engine too, so that the two could not share a module path).
     */
    @Test
    void everyJarHasAModuleNameOfItsOwn() throws IOException {
        Path root = JarNoticesCheck.root();
        String version = declared(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8), null, "version");
        Map<String, Path> byName = new java.util.TreeMap<>();
        for (String module : JarNoticesCheck.MODULES) {
            for (String suffix : List.of("", "-tests")) {
                Path jar = root.resolve(module + "/target/dcec4j-" + module + "-" + version + suffix + ".jar");
                if (suffix.isEmpty()) assertTrue(Files.isRegularFile(jar), "missing " + jar + " (run mvn verify from the root)");
                if (!Files.isRegularFile(jar)) continue;
                var found = java.lang.module.ModuleFinder.of(jar).findAll();
                assertEquals(1, found.size(), jar.toString());
                String name = found.iterator().next().descriptor().name();
                Path other = byName.put(name, jar);
                assertTrue(other == null, jar + " and " + other + " both declare the module " + name);
            }
        }
        assertTrue(byName.containsKey("org.dcec4j.engine.testing"), "the engine's test jar: " + byName);
    }

    // The check itself, on a hand-made jar.

    @Test
    void aLinkIntoAnotherModulesApidocsIsFound(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("x-javadoc.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : Map.of("a/A.html", "<a href=\"B.html\">B</a> <a href=\"https://docs.oracle.com/x.html\">x</a>",
                    "a/C.html", "<a href=\"https://github.com/dcec4j/dcec4j/dcec4j-engine/apidocs/org/B.html\">B</a>")
                    .entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        assertEquals(List.of("a/C.html -> https://github.com/dcec4j/dcec4j/dcec4j-engine/apidocs/org/B.html"),
                linksToUnpublishedPages(jar));
    }

    @Test
    void aMissingElementIsRefused() {
        assertThrows(AssertionError.class, () -> declared("<project></project>", "scm", "url"));
        assertEquals("b", declared("<project><scm><url>b</url></scm></project>", "scm", "url"));
    }
}
