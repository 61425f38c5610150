package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the two-way links between code and docs honest, across the whole repository:
 * every {@code Math: docs/math/<file>.md#<anchor>} in the code names an existing file and anchor, every
 * {@code Code:} path in docs/ exists, and every test a doc cites as {@code `SomeTest.method`} exists.
 */
class DocsLinksTest {
    static final Path ROOT = findRoot();
    static final Pattern MATH_LINK = Pattern.compile("docs/math/([\\w.-]+\\.md)(?:#([\\w-]+))?");
    static final Pattern CODE_PATH = Pattern.compile("(?:[\\w.-]+/)+(?:[\\w.-]+\\.(?:java|py|sh|md|txt|bin))?");
    static final Pattern TEST_REF = Pattern.compile("`([A-Z]\\w*Test)\\.(\\w+)`");
    static final Pattern ANCHOR = Pattern.compile("<a id=\"([\\w-]+)\"></a>");

    static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs")) ) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root (with docs/) not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Path> files(String glob) throws IOException {
        var m = ROOT.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .filter(p -> m.matches(ROOT.relativize(p))).sorted().toList();
        }
    }

    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(md)) {
            Matcher a = ANCHOR.matcher(line);
            while (a.find()) out.add(a.group(1));
            if (line.startsWith("#")) {   // GitHub heading slugs too
                String slug = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} -]", "").trim().replace(' ', '-');
                out.add(slug);
            }
        }
        return out;
    }

    @Test void everyMathLinkInCodeResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path java : files("**/src/**/*.java")) {
            List<String> lines = Files.readAllLines(java);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).contains("Math:") && !lines.get(i).contains("docs/math/")) continue;
                Matcher m = MATH_LINK.matcher(lines.get(i));
                while (m.find()) {
                    links++;
                    Path md = ROOT.resolve("docs/math").resolve(m.group(1));
                    String where = ROOT.relativize(java) + ":" + (i + 1) + " → " + m.group();
                    if (!Files.exists(md)) broken.add(where + " (no such file)");
                    else if (m.group(2) != null && !anchors(md).contains(m.group(2))) broken.add(where + " (no such anchor)");
                }
            }
        }
        assertTrue(links > 20, "suspiciously few Math: links found (" + links + ")");
        assertTrue(broken.isEmpty(), "broken Math: links:\n" + String.join("\n", broken));
    }

    static final Pattern DOC_ANCHOR = Pattern.compile("docs/([\\w/.-]+\\.md)#([\\w-]+)");

    /** Every {@code docs/<file>.md#<anchor>} written anywhere in code, docs or the README names a real anchor. */
    @Test void everyDocsAnchorReferenceResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int refs = 0;
        List<Path> sources = new ArrayList<>(files("**/src/**/*.java"));
        sources.addAll(files("docs/**.md"));
        sources.addAll(files("README.md"));
        for (Path f : sources) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = DOC_ANCHOR.matcher(lines.get(i));
                while (m.find()) {
                    refs++;
                    Path md = ROOT.resolve("docs").resolve(m.group(1));
                    String where = ROOT.relativize(f) + ":" + (i + 1) + " → " + m.group();
                    if (!Files.exists(md)) broken.add(where + " (no such file)");
                    else if (!anchors(md).contains(m.group(2))) broken.add(where + " (no such anchor)");
                }
            }
        }
        assertTrue(refs > 5, "suspiciously few docs/…#anchor references found (" + refs + ")");
        assertTrue(broken.isEmpty(), "broken docs anchors:\n" + String.join("\n", broken));
    }

    @Test void everyCodePathAndTestCitedInDocsExists() throws IOException {
        List<String> broken = new ArrayList<>();
        int paths = 0;
        List<Path> tests = files("**/src/test/**/*.java");
        for (Path md : files("docs/**.md")) {
            List<String> lines = Files.readAllLines(md);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = ROOT.relativize(md) + ":" + (i + 1);
                if (line.startsWith("Code:")) {
                    Matcher m = CODE_PATH.matcher(line);
                    boolean any = false;
                    while (m.find()) {
                        any = true; paths++;
                        if (!Files.exists(ROOT.resolve(m.group()))) broken.add(where + " → " + m.group() + " (no such file)");
                    }
                    if (!any) broken.add(where + " → a Code: line without a path");
                }
                Matcher t = TEST_REF.matcher(line);
                while (t.find()) {
                    String cls = t.group(1), method = t.group(2);
                    boolean found = false;
                    for (Path p : tests) {
                        if (!p.getFileName().toString().equals(cls + ".java")) continue;
                        String src = Files.readString(p);
                        if (Pattern.compile("void\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(src).find()) found = true;
                    }
                    if (!found) broken.add(where + " → test " + cls + "." + method + " not found");
                }
            }
        }
        assertTrue(paths > 10, "suspiciously few Code: paths found (" + paths + ")");
        assertTrue(broken.isEmpty(), "broken references in docs:\n" + String.join("\n", broken));
    }
}
