/**
 * The dcec4j data sets: readers of the IDX and USPS files, their downloads, image folders, the synthetic shapes and
 * the random affine augmentation. A named module rather than an automatic one so that it can say what it needs: an
 * automatic module declares no dependences, and JOML, a named module, was then not resolved on the module path
 * ({@code Shapes.generate} failed with {@code NoClassDefFoundError: org/joml/...} unless the application added
 * {@code --add-modules org.joml}).
 */
module org.dcec4j.datasets {
    requires transitive java.desktop; // BufferedImage and ImageReader in ImageConversion's, ImageFolder's and ContactSheet's API
    requires org.joml;

    exports org.dcec4j.datasets;
    exports org.dcec4j.datasets.augment;
    exports org.dcec4j.datasets.cli;
}
