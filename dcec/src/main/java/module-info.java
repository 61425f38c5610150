/**
 * DCEC and its baselines as a library: {@link org.dcec4j.dcec.Dcec} configures and fits, {@link org.dcec4j.dcec.DcecModel}
 * predicts, embeds, scores, saves and loads. A named module so that an application which requires it alone reads
 * what its API uses (the engine's {@code Backend}, the data sets' {@code Dataset}) and gets them resolved on the
 * module path: an automatic module declares no dependences, and the named engine module was then not resolved.
 */
module org.dcec4j.dcec {
    requires transitive org.dcec4j.engine;
    requires transitive org.dcec4j.datasets;

    exports org.dcec4j.dcec;
    exports org.dcec4j.dcec.cluster;
    exports org.dcec4j.dcec.metrics;
    exports org.dcec4j.dcec.model;
    exports org.dcec4j.dcec.report;
    exports org.dcec4j.dcec.run;
    exports org.dcec4j.dcec.train;
}
