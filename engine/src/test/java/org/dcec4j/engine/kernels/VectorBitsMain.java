package org.dcec4j.engine.kernels;

import org.dcec4j.engine.Backend;

/**
 * Run in a forked JVM by {@link VectorBitsPropertyTest} with a {@code -Ddcec4j.vector.bits} value: creates an auto
 * and a vector backend twice each and prints one line per attempt, the backend's description or the exception.
 */
public final class VectorBitsMain {
    public static void main(String[] args) {
        for (Backend.Kind kind : new Backend.Kind[] {Backend.Kind.AUTO, Backend.Kind.VECTOR, Backend.Kind.AUTO, Backend.Kind.VECTOR}) {
            try (Backend b = Backend.create(kind, 1)) {
                System.out.println(kind + " -> " + b.describe());
            } catch (Throwable e) {
                System.out.println(kind + " -> " + e);
            }
        }
    }
}
