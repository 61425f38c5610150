package org.dcec4j.datasets.cli;

/**
 * A count and its noun as the messages print them: "1 image", "2 images", "0 images" (the messages said "(1 images)",
 * "1 classes", "pretraining: 1 epochs").
 */
public final class Counts {
    private Counts() {
    }

    /** {@code n} and the noun, plural unless n is 1 (an s added: image, label, epoch, restart, iteration, cell). */
    public static String of(long n, String singular) {
        return of(n, singular, singular + "s");
    }

    /** {@code n} and the singular noun when n is 1, else the plural one (class, classes). */
    public static String of(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
