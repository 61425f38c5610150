package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the links between code and docs honest, across the whole repository:
 * <ul>
 *   <li>every {@code Math: docs/math/<file>.md#<anchor>} in the Java sources names an existing file and anchor;</li>
 *   <li>every {@code docs/<file>.md#<anchor>} written in code, docs or the README names an existing anchor;</li>
 *   <li>every {@code Code:} path in docs/ exists, and every test a doc cites as {@code `SomeTest.method`} exists;</li>
 *   <li>every relative Markdown link {@code [text](path#anchor)} in docs/ and the README resolves;</li>
 *   <li>no heading uses a {@code {#id}} attribute, which GitHub and most Markdown hosts print as text.</li>
 * </ul>
 * An anchor is an explicit {@code <a id="..."></a>} or the slug GitHub generates for a heading: the heading
 * text in lower case, every character other than a letter, digit, mark, '-', '_' or space dropped, each
 * space turned into '-', and "-1", "-2", … appended to repeats within a file.
 *
 * <p>It lives in bench, the module at the top of the dependency chain (bench → dcec → engine, datasets): it
 * reads every module's sources and docs, so it belongs to none of the library modules, and in a reactor
 * build it runs after all of them. bench runs its tests once (its surefire execution without the Vector
 * API module is skipped), which is all a file check needs. The repository root is found by walking up
 * from the working directory (bench/ under Maven) to the folder that holds both the parent pom.xml and
 * docs/math.
 */
class DocsLinksTest {
    static final Path ROOT = findRoot();
    static final Pattern MATH_LINK = Pattern.compile("docs/math/([\\w.-]+\\.md)(?:#([\\w-]+))?");
    static final Pattern DOC_ANCHOR = Pattern.compile("docs/([\\w/.-]+\\.md)#([\\w-]+)");
    static final Pattern CODE_PATH = Pattern.compile("(?:[\\w.-]+/)+(?:[\\w.-]+\\.(?:java|py|sh|md|txt|bin))?");
    static final Pattern TEST_REF = Pattern.compile("`([A-Z]\\w*Test)\\.(\\w+)`");
    static final Pattern ANCHOR = Pattern.compile("<a id=\"([\\w-]+)\"></a>");
    static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    static final Pattern HEADING_ATTRIBUTE = Pattern.compile("^#{1,6}\\s.*\\{#[^}]*\\}\\s*$");
    static final Pattern MD_LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    static Path findRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs/math")) && Files.isRegularFile(p.resolve("pom.xml"))) return p;
        }
        throw new IllegalStateException("repository root (a folder with pom.xml and docs/math) not found at or above " + start);
    }

    static List<Path> files(String glob) throws IOException {
        var m = ROOT.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|\\.git)/.*"))
                    .filter(p -> m.matches(ROOT.relativize(p))).sorted().toList();
        }
    }

    static List<Path> markdown() throws IOException {
        List<Path> md = new ArrayList<>(files("docs/**.md"));
        md.addAll(files("README.md"));
        return md;
    }

    /** GitHub's anchor for a heading's text (see the class comment). */
    static String slug(String heading) {
        StringBuilder b = new StringBuilder();
        heading.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') b.append('-');
            else if (c == '-' || c == '_' || Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
                    || Character.getType(c) == Character.COMBINING_SPACING_MARK) b.appendCodePoint(c);
        });
        return b.toString();
    }

    /** The anchors a Markdown file defines: explicit {@code <a id>} tags and heading slugs (outside code fences). */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fence = false;
        for (String line : Files.readAllLines(md)) {
            if (line.stripLeading().startsWith("```")) { fence = !fence; continue; }
            if (fence) continue;
            Matcher a = ANCHOR.matcher(line);
            while (a.find()) out.add(a.group(1));
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                String s = slug(h.group(2));
                int n = seen.merge(s, 1, Integer::sum);
                out.add(n == 1 ? s : s + "-" + (n - 1));
            }
        }
        return out;
    }

    @Test void slugsFollowGitHubsRule() {
        assertEquals("the-shapes-generator", slug("The `shapes` generator"));
        assertEquals("backward-input-and-the-transposed-forward", slug("Backward-input (and the transposed forward)"));
        assertEquals("appendix-measurement-sets", slug("Appendix: measurement sets"));
        assertEquals("klpq-the-clustering-loss", slug("KL(P‖Q), the clustering loss"));
        assertEquals("make_goldenpy", slug("make_golden.py"));
        assertEquals("a--b", slug("a — b"));
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

    /** Every {@code docs/<file>.md#<anchor>} written anywhere in code, docs or the README names a real anchor. */
    @Test void everyDocsAnchorReferenceResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int refs = 0;
        List<Path> sources = new ArrayList<>(files("**/src/**/*.java"));
        sources.addAll(markdown());
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

    /** {@code [text](path)}, {@code [text](path#anchor)} and {@code [text](#anchor)} in docs/ and the README. */
    @Test void everyRelativeMarkdownLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path f : markdown()) {
            List<String> lines = Files.readAllLines(f);
            boolean fence = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).stripLeading().startsWith("```")) { fence = !fence; continue; }
                if (fence) continue;
                Matcher m = MD_LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("(?i)(https?|mailto):.*")) continue;
                    links++;
                    int hash = target.indexOf('#');
                    String path = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash + 1);
                    Path to = path.isEmpty() ? f : f.getParent().resolve(path).normalize();
                    String where = ROOT.relativize(f) + ":" + (i + 1) + " → " + target;
                    if (!to.startsWith(ROOT) || !Files.exists(to)) broken.add(where + " (no such file)");
                    else if (anchor != null && (!to.toString().endsWith(".md") || !anchors(to).contains(anchor)))
                        broken.add(where + " (no such anchor)");
                }
            }
        }
        assertTrue(links > 10, "suspiciously few relative Markdown links found (" + links + ")");
        assertTrue(broken.isEmpty(), "broken Markdown links:\n" + String.join("\n", broken));
    }

    /** {@code ## Heading {#id}} renders as literal text on GitHub: anchors are {@code <a id>} lines or heading slugs. */
    @Test void noHeadingAttributes() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path f : markdown()) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++)
                if (HEADING_ATTRIBUTE.matcher(lines.get(i)).matches()) bad.add(ROOT.relativize(f) + ":" + (i + 1) + " → " + lines.get(i));
        }
        assertTrue(bad.isEmpty(), "headings with {#id} attributes (use an <a id=\"...\"></a> line before the heading):\n" + String.join("\n", bad));
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
