package org.dcec4j.dcec.train;

/** The phases of a run, in order. */
public enum Phase {
    PRETRAIN("pretrain"), KMEANS("kmeans"), CLUSTER("cluster");

    public final String id;

    Phase(String id) { this.id = id; }

    public static Phase parse(String s) {
        for (Phase p : values()) if (p.id.equals(s)) return p;
        throw new IllegalArgumentException("unknown phase '" + s + "'");
    }
}
