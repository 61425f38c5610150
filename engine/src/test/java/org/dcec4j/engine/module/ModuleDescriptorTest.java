package org.dcec4j.engine.module;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the module path the engine is the module org.dcec4j.engine: an application that requires it compiles against
 * the public packages, and the Vector API kernels (org.dcec4j.engine.kernels.vector) stay internal.
 */
class ModuleDescriptorTest {
    /** The compiled engine: the folder holding module-info.class. */
    static Path engineClasses() throws Exception {
        return Path.of(Backend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static String compile(Path dir, String source) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/app"));
        Files.writeString(dir.resolve("src/module-info.java"), "module app { requires org.dcec4j.engine; }\n");
        Files.writeString(src.resolve("Main.java"), "package app;\n" + source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = javac.run(null, null, new PrintStream(err, true, StandardCharsets.UTF_8), "-d", dir.resolve("out").toString(),
                "--module-path", engineClasses().toString(), dir.resolve("src/module-info.java").toString(), src.resolve("Main.java").toString());
        return code + " " + err.toString(StandardCharsets.UTF_8);
    }

    @Test void theDescriptorNamesTheModuleAndItsExports() {
        Module m = Backend.class.getModule();
        // the tests run on the class path (an unnamed module); the descriptor is read from the compiled classes
        assertTrue(!m.isNamed() || m.getName().equals("org.dcec4j.engine"), m.toString());
    }

    @Test void anApplicationSeesThePublicPackagesButNotTheVectorKernels(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(engineClasses().resolve("module-info.class")), "module-info.class in " + engineClasses());
        String ok = compile(dir.resolve("ok"), "public class Main { public static void main(String[] a) {"
                + " try (org.dcec4j.engine.Backend b = org.dcec4j.engine.Backend.create(org.dcec4j.engine.Backend.Kind.AUTO, 1)) {"
                + " System.out.println(b.kernels().name()); } } }");
        assertTrue(ok.startsWith("0 ") && !ok.contains("error"), ok);
        String hidden = compile(dir.resolve("hidden"), "public class Main { Object k = org.dcec4j.engine.kernels.vector.Gemm.class; }");
        assertTrue(hidden.startsWith("1 ") && hidden.contains("org.dcec4j.engine.kernels.vector is not visible"), hidden);
    }
}
