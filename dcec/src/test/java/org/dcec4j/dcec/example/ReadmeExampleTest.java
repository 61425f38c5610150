package org.dcec4j.dcec.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from Java" example is this package's {@link ReadmeExample}, character for character, and it
 * runs as a fresh application would: in its own JVM whose class path holds only the library's classes and JOML
 * (no picocli, no commons-math3, no test framework), so that neither the text nor the artefacts can rot.
 */
class ReadmeExampleTest {

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("engine")))) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    @Test void theReadmeShowsThisExampleVerbatim() throws Exception {
        Path root = repositoryRoot();
        String source = Files.readString(root.resolve("dcec/src/test/java/org/dcec4j/dcec/example/ReadmeExample.java"));
        String example = source.substring(source.indexOf("// README: begin\n") + "// README: begin\n".length(), source.indexOf("// README: end"));
        String readme = Files.readString(root.resolve("README.md"));
        assertTrue(readme.contains("```java\n" + example + "```"), "README.md must show the example of ReadmeExample.java between ```java and ```:\n" + example);
    }

    @Test void theExampleRunsWithOnlyTheLibraryOnTheClassPath() throws Exception {
        // the forked JVM sets its own flags: the surefire run without the vector module would only repeat this
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        List<String> kept = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String n = e.replace('\\', '/');
            boolean library = n.endsWith("/engine/target/classes") || n.endsWith("/datasets/target/classes") || n.endsWith("/dcec/target/classes")
                    || n.endsWith("/dcec/target/test-classes") || n.matches(".*/(dcec4j-(engine|datasets|dcec)-[^/]*|joml-[^/]*)\\.jar");
            if (library && !n.contains("tests.jar")) kept.add(e);
        }
        String cp = String.join(File.pathSeparator, kept);
        assertFalse(cp.contains("picocli") || cp.contains("commons-math") || cp.contains("junit"), cp);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", cp, ReadmeExample.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the example timed out:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ACC") && out.contains("same clusters"), out);
    }
}
