package org.dcec4j.dcec;

import java.util.Locale;

/**
 * The clustering methods of the DCEC paper's comparison table, all run by the same code
 * (docs/spec.md#methods).
 *
 * <p>Math: docs/math/dcec.md#methods
 */
public enum Method {
    /** CAE pretraining, k-means initialisation, joint training with L = L_r + γ·L_c. */
    DCEC("dcec", Network.CONV, true, true, true),
    /** CAE pretraining, then k-means on the embeddings; no clustering phase. */
    CAE_KMEANS("cae-kmeans", Network.CONV, true, false, false),
    /** Like DCEC with the decoder dropped in the clustering phase: L = L_c. */
    DEC_CONV("dec-conv", Network.CONV, true, true, false),
    /** k-means on the raw pixels. */
    KMEANS("kmeans", Network.NONE, false, false, false),
    /** The dense autoencoder d–500–500–2000–K, L = L_c in the clustering phase. */
    DEC("dec", Network.DENSE, true, true, false),
    /** The dense autoencoder, L = L_r + γ·L_c in the clustering phase. */
    IDEC("idec", Network.DENSE, true, true, true),
    /**
     * ConvIDEC-DA (Guo et al., ACML 2018): DCEC with every training batch randomly rotated and shifted, in
     * pretraining and in clustering; P and the stop rule use the clean images. docs/math/augmentation.md
     */
    DCEC_DA("dcec-da", Network.CONV, true, true, true, true),
    /** ConvDEC-DA: DEC-conv (L = L_c) with augmented clustering batches, after an augmented pretraining. */
    DEC_CONV_DA("dec-conv-da", Network.CONV, true, true, false, true);

    /** Which autoencoder a method trains. */
    public enum Network { CONV, DENSE, NONE }

    public final String cliName;
    public final Network network;
    /** Runs the pretraining phase (reconstruction only). */
    public final boolean pretrains;
    /** Runs the clustering phase (the KL loss and the target distribution). */
    public final boolean clusters;
    /** Keeps the reconstruction loss in the clustering phase. */
    public final boolean keepsDecoder;
    /** Trains on randomly transformed images (DEC-DA's data augmentation). */
    public final boolean augments;

    Method(String cliName, Network network, boolean pretrains, boolean clusters, boolean keepsDecoder) {
        this(cliName, network, pretrains, clusters, keepsDecoder, false);
    }

    Method(String cliName, Network network, boolean pretrains, boolean clusters, boolean keepsDecoder, boolean augments) {
        this.cliName = cliName;
        this.network = network;
        this.pretrains = pretrains;
        this.clusters = clusters;
        this.keepsDecoder = keepsDecoder;
        this.augments = augments;
    }

    /** The data-augmented variant of dcec (dcec-da) or dec-conv (dec-conv-da); the -DA methods are their own. */
    public Method augmented() {
        return switch (this) {
            case DCEC, DCEC_DA -> DCEC_DA;
            case DEC_CONV, DEC_CONV_DA -> DEC_CONV_DA;
            default -> throw new ConfigException("{augment} applies to dcec and dec-conv (giving dcec-da and dec-conv-da), not " + cliName);
        };
    }

    /** The method named {@code s} (its command-line name, any case). */
    public static Method parse(String s) {
        java.util.Objects.requireNonNull(s, "method name");
        for (Method m : values()) if (m.cliName.equalsIgnoreCase(s.trim())) return m;
        StringBuilder names = new StringBuilder();
        for (Method m : values()) names.append(names.length() == 0 ? "" : ", ").append(m.cliName);
        throw new IllegalArgumentException("unknown method '" + s + "': expected one of " + names);
    }

    /** The method's name in the papers' comparison tables ("DCEC", "CAE + k-means", "k-means on pixels", ...). */
    public String paperName() {
        return switch (this) {
            case KMEANS -> "k-means on pixels";
            case CAE_KMEANS -> "CAE + k-means";
            case DEC_CONV -> "DEC-conv";
            case DEC -> "DEC";
            case IDEC -> "IDEC";
            case DCEC -> "DCEC";
            case DEC_CONV_DA -> "ConvDEC-DA";
            case DCEC_DA -> "ConvIDEC-DA";
        };
    }

    /**
     * What the clustering phase of a method starts from, by name: "CAE + k-means" (k-means on the CAE's
     * embedding) or "AE + k-means" (the dense autoencoder's); null for pixel k-means, which has no such phase.
     */
    public String startName() {
        return switch (network) {
            case CONV -> "CAE + k-means";
            case DENSE -> "AE + k-means";
            case NONE -> null;
        };
    }

    @Override public String toString() { return cliName; }

    /** Lower-case name as used in files. */
    public String fileName() { return cliName.toLowerCase(Locale.ROOT); }
}
