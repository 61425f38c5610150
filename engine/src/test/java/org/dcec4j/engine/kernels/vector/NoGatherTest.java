package org.dcec4j.engine.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No vector kernel calls the Vector API's gather or scatter (the {@code fromArray} / {@code intoArray} overloads
 * that take an index map). On JDK 17, C2 compiles a gather into a gather instruction only when it also inlines
 * {@code IntVector.species}; when the call site looks cold at compile time it does not, and that JVM runs every
 * gather as plain Java that allocates its index and value arrays, for the rest of its life: 46–48 MB of garbage per
 * training step and a 30 % slower step in one JVM of three to six (docs/design-notes.md#no-gathers). The kernels copy
 * scattered floats one at a time instead.
 *
 * <p>Checked on the compiled classes: a class that calls a method names the method's descriptor in its constant pool.
 */
class NoGatherTest {
    /** The descriptors of FloatVector's index-map overloads: fromArray (gathers) and intoArray (scatters), plain and masked. */
    static final List<String> INDEX_MAP_DESCRIPTORS = List.of(
            "(Ljdk/incubator/vector/VectorSpecies;[FI[II)Ljdk/incubator/vector/FloatVector;",
            "(Ljdk/incubator/vector/VectorSpecies;[FI[IILjdk/incubator/vector/VectorMask;)Ljdk/incubator/vector/FloatVector;",
            "([FI[II)V",
            "([FI[IILjdk/incubator/vector/VectorMask;)V");

    /** The names of the classes in {@code dir} whose constant pool holds one of the index-map descriptors. */
    static List<String> classesWithIndexMaps(Path dir) throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator) {
                // constant-pool UTF-8 entries are plain bytes for these ASCII descriptors
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String d : INDEX_MAP_DESCRIPTORS)
                    if (bytes.contains(d)) found.add(f.getFileName() + " " + d);
            }
        }
        return found;
    }

    @Test void noVectorKernelGathersOrScatters() throws Exception {
        Path dir = Path.of(Gemm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/dcec4j/engine/kernels/vector");
        assertTrue(Files.isRegularFile(dir.resolve("ConvForward.class")), "the compiled vector kernels in " + dir);
        assertEquals(List.of(), classesWithIndexMaps(dir));
    }

    /** The check itself finds a gather: a class compiled from a one-line call is flagged. */
    @Test void theCheckFindsAGather(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path src = Files.writeString(tmp.resolve("G.java"),
                "class G { static Object g(float[] a, int[] m) { return jdk.incubator.vector.FloatVector.fromArray("
                + "jdk.incubator.vector.FloatVector.SPECIES_128, a, 0, m, 0); } }");
        int code = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--add-modules", "jdk.incubator.vector", "-d", tmp.toString(), src.toString());
        assertEquals(0, code, "javac of the probe class");
        assertEquals(List.of("G.class " + INDEX_MAP_DESCRIPTORS.get(0)), classesWithIndexMaps(tmp));
    }
}
