package org.dcec4j.dcec;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.dcec4j.engine.Backend;

/**
 * Run by {@link LibraryTest#aFitOnItsOwnBackendNeverMakesTheSharedOne} in a JVM of its own, started with system
 * properties that the shared backend refuses: a fit and a prediction on an explicit backend must not read them, and
 * once that backend is closed no kernel thread may be left.
 */
public class ExplicitBackendMain {
    public static void main(String[] args) throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Backend b = Backend.create(Backend.Kind.AUTO, 2)) {
            DcecModel m = LibraryTest.quick().backend(b).build().fit(LibraryTest.DATA);
            m.predict(LibraryTest.DATA.images(), LibraryTest.DATA.size());
        }
        List<Thread> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("dcec4j-")).collect(Collectors.toList());
        for (Thread t : left) t.join(5000);
        List<String> alive = left.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList());
        System.out.println(alive.isEmpty() ? "fit and predict on the explicit backend, no thread left" : "threads left: " + alive);
    }
}
