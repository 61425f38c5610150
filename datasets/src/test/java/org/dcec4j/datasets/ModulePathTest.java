package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the module path the data sets are the module org.dcec4j.datasets, and what they need comes with them: an
 * application that requires the module alone can generate the shapes, which draw with JOML (a named module, which
 * an automatic org.dcec4j.datasets, declaring no dependences, left unresolved: NoClassDefFoundError org/joml/...).
 * The jar is made here from the compiled classes with the manifest the build writes.
 */
class ModulePathTest {
    static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** target/classes as the jar plugin packs it, Automatic-Module-Name included. */
    static Path jar(Path classes, Path jar) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Automatic-Module-Name", "org.dcec4j.datasets");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test void theShapesRunOnTheModulePathWithJomlResolved(@TempDir Path dir) throws Exception {
        Path datasets = jar(location(Shapes.class), dir.resolve("dcec4j-datasets.jar"));
        Path joml = location(org.joml.Matrix3x2f.class);
        ModuleFinder finder = ModuleFinder.of(datasets, joml);
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("org.dcec4j.datasets"));
        assertTrue(cf.findModule("org.joml").isPresent(), "org.joml not resolved: " + cf.modules());
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Class<?> shapes = layer.findLoader("org.dcec4j.datasets").loadClass(Shapes.class.getName());
        assertEquals("org.dcec4j.datasets", shapes.getModule().getName());
        assertTrue(!shapes.getModule().getDescriptor().isAutomatic(), shapes.getModule().getDescriptor().toString());
        Object d = shapes.getMethod("generate", int.class, long.class, int.class).invoke(null, 20, 1L, 16);
        float[] images = (float[]) d.getClass().getMethod("images").invoke(d);
        assertArrayEquals(Shapes.generate(20, 1L, 16).images(), images, "the same images as on the class path");
        for (String p : List.of("org.dcec4j.datasets", "org.dcec4j.datasets.augment", "org.dcec4j.datasets.cli"))
            assertTrue(shapes.getModule().isExported(p), p + " exported");
    }
}
