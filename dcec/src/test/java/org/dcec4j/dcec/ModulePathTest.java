package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the module path an application that requires org.dcec4j.dcec gets what the API uses: the engine (Backend) and
 * the data sets (Dataset), and through them JOML. As an automatic module, which declares no dependences, the dcec
 * module resolved neither the named engine module nor a named data sets module: NoClassDefFoundError at the fit.
 * The jar is made here from the compiled classes with the manifest the build writes.
 */
class ModulePathTest {
    static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path jar(Path classes, Path jar) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Automatic-Module-Name", "org.dcec4j.dcec");
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

    @Test void aFitRunsOnTheModulePathWithTheModuleAlone(@TempDir Path dir) throws Exception {
        Path dcec = jar(location(Dcec.class), dir.resolve("dcec4j-dcec.jar"));
        ModuleFinder finder = ModuleFinder.of(dcec, location(Backend.class), location(Shapes.class), location(org.joml.Matrix3x2f.class));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("org.dcec4j.dcec"));
        for (String m : new String[] {"org.dcec4j.engine", "org.dcec4j.datasets", "org.joml"})
            assertTrue(cf.findModule(m).isPresent(), m + " not resolved: " + cf.modules());
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("org.dcec4j.dcec");
        Class<?> dcecClass = loader.loadClass(Dcec.class.getName());
        assertTrue(!dcecClass.getModule().getDescriptor().isAutomatic(), dcecClass.getModule().getDescriptor().toString());
        // Dcec.builder().method(KMEANS).clusters(2).seed(0).build().fit(Shapes.generate(20, 1, 16)): through the layer's classes
        Class<?> methodClass = loader.loadClass(Method.class.getName());
        Object b = dcecClass.getMethod("builder").invoke(null);
        b = b.getClass().getMethod("method", methodClass).invoke(b, methodClass.getField("KMEANS").get(null));
        b = b.getClass().getMethod("clusters", int.class).invoke(b, 2);
        b = b.getClass().getMethod("kmeansRestarts", int.class).invoke(b, 1);
        b = b.getClass().getMethod("seed", long.class).invoke(b, 0L);
        Object configured = b.getClass().getMethod("build").invoke(b);
        Class<?> shapes = loader.loadClass(Shapes.class.getName());
        Object data = shapes.getMethod("generate", int.class, long.class, int.class).invoke(null, 20, 1L, 16);
        Object model = dcecClass.getMethod("fit", loader.loadClass("org.dcec4j.datasets.Dataset")).invoke(configured, data);
        int[] clusters = (int[]) model.getClass().getMethod("predict", float[].class, int.class)
                .invoke(model, data.getClass().getMethod("images").invoke(data), 20);
        assertEquals(20, clusters.length);
        assertEquals("org.dcec4j.dcec", model.getClass().getModule().getName());
    }
}
