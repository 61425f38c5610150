package org.dcec4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * The JVM options a driver or executor running Spark needs on JDK 17+: Spark's own list of module opens
 * ({@link JavaModuleOptions}, what {@code spark-submit} adds), preceded by {@code -XX:+IgnoreUnrecognizedVMOptions}
 * so that one list serves JDK 17 (which does not know every flag of the list) and later JDKs.
 *
 * <p>{@code java org.dcec4j.spark.JvmOptions FILE} writes them to FILE, one per line (a Java {@code @argfile}: the
 * build's test JVM reads it); without an argument they are printed on one line, for {@code spark.driver.extraJavaOptions}.
 */
public final class JvmOptions {
    private JvmOptions() {}

    /** The options, space-separated (Spark's list already starts with the flag in recent versions: not repeated). */
    public static String get() {
        String spark = JavaModuleOptions.defaultModuleOptions().trim();
        return spark.startsWith(IGNORE) ? spark : IGNORE + " " + spark;
    }

    private static final String IGNORE = "-XX:+IgnoreUnrecognizedVMOptions";

    public static void main(String[] args) throws IOException {
        String options = get();
        if (args.length == 0) {
            System.out.println(options);
            return;
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, String.join("\n", options.trim().split("\\s+")) + "\n", StandardCharsets.UTF_8);
    }
}
