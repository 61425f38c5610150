package org.dcec4j.datasets;

import java.util.List;

/**
 * A file of a named data set and its checksums, from the built-in table (values from
 * verified copies of the official files, listed in docs/datasets.md#checksums).
 *
 * @param dir        the folder under a data directory, e.g. "mnist"
 * @param name       the file name, e.g. "t10k-labels-idx1-ubyte.gz"
 * @param sha256     SHA-256 of the file as stored, or null when copies legitimately differ
 *                   (Debian rewrites the Fashion-MNIST gzip headers)
 * @param rawSha256  SHA-256 of the decompressed content, or null when unknown; for uncompressed files
 *                   the same as sha256
 * @param rawBytes   size of the decompressed content, or -1 when unknown
 * @param downloadable whether the built-in mirrors serve it
 */
public record KnownFile(String dir, String name, String sha256, String rawSha256, long rawBytes, boolean downloadable) {

    /** Every file the loaders know, in table order. */
    public static final List<KnownFile> ALL = List.of(
            new KnownFile("mnist", "train-images-idx3-ubyte.gz",
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016, true),
            new KnownFile("mnist", "train-labels-idx1-ubyte.gz",
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008, true),
            new KnownFile("mnist", "t10k-images-idx3-ubyte.gz",
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016, true),
            new KnownFile("mnist", "t10k-labels-idx1-ubyte.gz",
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008, true),
            new KnownFile("usps", "usps_train.jf",
                    "a8e1df2a0da5984447d3de7c7067ec4b9bcd0a6bb956e2276718d96d904bd0bc",
                    "a8e1df2a0da5984447d3de7c7067ec4b9bcd0a6bb956e2276718d96d904bd0bc", 5_998_384, true),
            new KnownFile("usps", "usps_test.jf",
                    "f802e6ba3fbc8778cdea6a105311fb4a1a8251eb706b77882bb1966116bf87d2",
                    "f802e6ba3fbc8778cdea6a105311fb4a1a8251eb706b77882bb1966116bf87d2", 1_654_110, true),
            new KnownFile("usps", "zip.train.gz",
                    "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16", null, -1, false),
            new KnownFile("usps", "zip.test.gz",
                    "8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f", null, -1, false),
            new KnownFile("fashion-mnist", "train-images-idx3-ubyte.gz", null,
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016, true),
            new KnownFile("fashion-mnist", "train-labels-idx1-ubyte.gz", null,
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008, true),
            new KnownFile("fashion-mnist", "t10k-images-idx3-ubyte.gz", null,
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016, true),
            new KnownFile("fashion-mnist", "t10k-labels-idx1-ubyte.gz", null,
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008, true));

    /** The entry for dir/name, or null. */
    public static KnownFile find(String dir, String name) {
        for (KnownFile k : ALL) {
            if (k.dir.equals(dir) && k.name.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** "dir/name". */
    public String path() {
        return dir + "/" + name;
    }
}
