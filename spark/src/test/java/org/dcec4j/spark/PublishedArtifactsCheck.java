package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a consumer of the published artefacts sees besides the classes: the model every module inherits (its url,
 * scm and developers, which Maven Central requires) is the root pom's as written. By default Maven appends the
 * module's artifactId to an inherited url and scm (https://github.com/dcec4j/dcec4j/dcec4j-engine,
 * scm:git:https://github.com/dcec4j/dcec4j.git/dcec4j-engine), addresses that do not exist.
 *
 * <p>Not a {@code *Test}: the spark module's surefire execution {@code jar-notices} runs it in the verify phase,
 * with this module's inherited model passed as system properties ({@code dcec4j.model.*}).
 */
class PublishedArtifactsCheck {
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

    // The check itself, on a hand-made jar.

    @Test
    void aMissingElementIsRefused() {
        assertThrows(AssertionError.class, () -> declared("<project></project>", "scm", "url"));
        assertEquals("b", declared("<project><scm><url>b</url></scm></project>", "scm", "url"));
    }
}
