package org.dcec4j.dcec.repro;

import java.util.Map;
import org.dcec4j.dcec.Method;

/**
 * The DCEC paper's table (docs/spec.md#results): ACC / NMI in percent, one number per method and data set, for
 * MNIST-full, MNIST-test and USPS. Fashion-MNIST and shapes are not in the paper. A test checks these numbers
 * against the table in docs/spec.md.
 */
final class PaperResults {
    private PaperResults() {}

    /** One cell of the paper's table, in percent. */
    record Figure(double acc, double nmi) {}

    private static final Map<String, Map<Method, Figure>> TABLE = Map.of(
            "mnist", Map.of(
                    Method.KMEANS, new Figure(54.24, 48.52), Method.CAE_KMEANS, new Figure(84.90, 79.27),
                    Method.DEC_CONV, new Figure(88.63, 87.59), Method.DEC, new Figure(84.08, 81.28),
                    Method.IDEC, new Figure(84.21, 83.81), Method.DCEC, new Figure(88.97, 88.49)),
            "mnist-test", Map.of(
                    Method.KMEANS, new Figure(54.63, 50.18), Method.CAE_KMEANS, new Figure(79.00, 72.55),
                    Method.DEC_CONV, new Figure(84.83, 82.62), Method.DEC, new Figure(69.94, 67.69),
                    Method.IDEC, new Figure(71.45, 69.40), Method.DCEC, new Figure(85.29, 83.61)),
            "usps", Map.of(
                    Method.KMEANS, new Figure(66.82, 62.66), Method.CAE_KMEANS, new Figure(74.15, 73.30),
                    Method.DEC_CONV, new Figure(77.90, 81.08), Method.DEC, new Figure(69.28, 70.18),
                    Method.IDEC, new Figure(72.10, 73.23), Method.DCEC, new Figure(79.00, 82.57)));

    /**
     * DEC-DA's published figures (Guo, Zhu, Liu, Yin, ACML 2018; docs/spec.md#augmentation): the best of its variants
     * per data set, beside both -DA methods.
     */
    private static final Map<String, Figure> DEC_DA = Map.of(
            "mnist", new Figure(98.5, 96.0), "mnist-test", new Figure(98.3, 95.8), "usps", new Figure(98.7, 96.2),
            "fashion-mnist", new Figure(58.6, 63.6));

    /** The paper's figure, or null when the paper has none for this data set. */
    static Figure of(String dataset, Method method) {
        if (method.augments) return DEC_DA.get(dataset);
        Map<Method, Figure> m = TABLE.get(dataset);
        return m == null ? null : m.get(method);
    }

    static boolean covers(String dataset) { return TABLE.containsKey(dataset); }

    /** The paper's name of a method (the first column of its table). */
    static String name(Method m) { return m.paperName(); }

    /** The heading name of a data set. */
    static String datasetName(String dataset) {
        return switch (dataset) {
            case "mnist" -> "MNIST-full";
            case "mnist-test" -> "MNIST-test";
            case "usps" -> "USPS";
            case "fashion-mnist" -> "Fashion-MNIST";
            case "shapes" -> "Shapes";
            default -> dataset;
        };
    }
}
