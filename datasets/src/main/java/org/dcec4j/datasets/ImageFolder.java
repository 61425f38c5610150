package org.dcec4j.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A folder of images (PNG, JPEG, BMP, GIF, read by ImageIO) as a data set.
 *
 * <p>Layout: either image files directly in the folder (unlabeled), or one sub-folder per class
 * holding the images (at any depth) of that class; labels are the sub-folders' indices in sorted name
 * order and the sub-folders' names the class names ({@link Dataset#classNames()}). Images are taken in sorted relative-path order, so the result does not depend on the file
 * system. Hidden files and folders (names starting with '.', at any depth) and other files are ignored.
 *
 * <p>Pixels: grayscale images are read from their raster (no colour-space conversion); colour images
 * as sRGB; transparency is composited over black; C = 1 from colour uses the luma
 * 0.299 R + 0.587 G + 0.114 B; values /255 (or /(2^bits − 1)), floating-point samples as they are (refused
 * outside [0, 1] or NaN, as are signed 16-bit samples and colour samples of more than 16 bits). Resizing averages
 * the covered area of every output pixel (a box filter). CMYK and YCCK JPEGs are read as other decoders read them
 * ({@link #pixels}); a JPEG of 12-bit samples, which the JDK's decoder does not read, is refused naming the file and
 * its precision.
 */
public final class ImageFolder {
    /** File name endings read, lower case. */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolder() {
    }

    /**
     * Largest image decoded, in pixels (2^28, e.g. 16384x16384: a 200-megapixel photo fits): a bigger one is refused from
     * its header, before its pixels are allocated.
     */
    public static final long MAX_PIXELS = 1L << 28;
    /** Largest side of an image decoded. */
    public static final int MAX_SIDE = 1 << 15;
    /**
     * Pixels an image may have whatever its file's size where its format leaves pixels out at no cost in bytes (2^20,
     * 1024x1024: 4 MB decoded, 12 MB as floats): a GIF's screen outside its frame is transparent, a run-length BMP's
     * codes may skip to the end of a row or of the image, so a small real file may declare that much.
     */
    public static final long SPARSE_PIXELS = 1L << 20;
    /** Largest side an image is resized to. */
    public static final int MAX_SIZE = 2048;

    /** Every image resized to C×H×W (C 1 or 3). */
    public static Dataset load(Path dir, int C, int H, int W) {
        if (H <= 0 || W <= 0) {
            throw new IllegalArgumentException("height and width must be positive, got " + H + "x" + W);
        }
        try (ImageStream s = stream(dir, C, H, W, Integer.MAX_VALUE)) {
            return s.readAll();
        }
    }

    /** Every image at its own size, which must be the same for all (C 1 or 3). */
    public static Dataset load(Path dir, int C) {
        try (ImageStream s = stream(dir, C, 0, 0, Integer.MAX_VALUE)) {
            return s.readAll();
        }
    }

    /** The class names (sorted sub-folder names) of a labelled folder, or an empty list. */
    public static List<String> classNames(Path dir) {
        return List.copyOf(classes(dir).keySet());
    }

    /**
     * Each class's name and image files in label order, or nothing when no sub-folder holds an image. Then every
     * sub-folder is a class, and one without images is an error rather than skipped: skipping it would shift the
     * labels of the classes after it and change their number (torchvision's ImageFolder refuses it too).
     */
    private static Map<String, List<Path>> classes(Path dir) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        String empty = null;
        for (Path sub : subfolders(dir)) {
            List<Path> images = images(sub, true);
            String name = name(sub);
            if (out.put(name, images) != null) {
                throw new DatasetException(dir + ": two class folders are named '" + name + "' when their names are read as UTF-8"
                        + " (bytes that are not UTF-8 read as U+FFFD): rename one");
            }
            if (images.isEmpty() && empty == null) {
                empty = name;
            }
        }
        if (empty == null || out.values().stream().allMatch(List::isEmpty)) {
            return empty == null ? out : Map.of();
        }
        throw new DatasetException(dir + ": class folder '" + empty + "' holds no images (" + String.join(", ", EXTENSIONS)
                + "): every sub-folder is a class, and an empty one would shift the labels of those after it;"
                + " add its images or remove it");
    }

    /**
     * The first {@code limit} images of the folder in its order (sorted paths), decoded a batch at a time
     * when read: the others are listed, never decoded.
     *
     * @param H 0 (and W 0): the images' own size, taken from the first image's header, which all must share
     */
    public static ImageStream stream(Path dir, int C, int H, int W, int limit) {
        if (C != 1 && C != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + C);
        }
        if (H < 0 || W < 0 || H > MAX_SIZE || W > MAX_SIZE) {
            throw new IllegalArgumentException("height and width must be from 1 to " + MAX_SIZE + ", got " + H + "x" + W);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": expected a folder of images, found " + (Files.exists(dir) ? "a file" : "nothing"));
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        List<Path> top = images(dir, false);
        Map<String, List<Path>> byClass = classes(dir);
        List<String> classes = List.copyOf(byClass.keySet());
        if (!classes.isEmpty()) {
            if (!top.isEmpty()) {
                throw DatasetException.at(dir, top.get(0).getFileName().toString(),
                        "either images at the top level (unlabeled) or class sub-folders, not both",
                        "an image at the top level and " + classes.size() + " class sub-folder(s)");
            }
            for (int k = 0; k < classes.size(); k++) {
                for (Path f : byClass.get(classes.get(k))) {
                    files.add(f);
                    labelList.add(k);
                }
            }
        } else {
            files.addAll(top);
        }
        if (files.isEmpty()) {
            throw new DatasetException(dir + ": expected image files (" + String.join(", ", EXTENSIONS)
                    + ") in the folder or in class sub-folders, found none");
        }
        int total = files.size();
        int N = Math.min(total, limit);
        int OH = H;
        int OW = W;
        if (H == 0) {
            int[] hw = header(files.get(0), 0, total);
            OH = hw[0];
            OW = hw[1];
        }
        int[] labels = null;
        if (!classes.isEmpty()) {
            labels = new int[N];
            for (int n = 0; n < N; n++) {
                labels[n] = labelList.get(n);
            }
        }
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return new FolderStream(fileName == null ? "images" : name(dir.toAbsolutePath().normalize()), dir, files.subList(0, N), total, C, OH, OW, H == 0,
                labels, classes);
    }

    /** The images of a folder, decoded when read. */
    private static final class FolderStream implements ImageStream {
        private final String name;
        private final Path dir;
        private final List<Path> files;
        private final int total;
        private final int C;
        private final int H;
        private final int W;
        private final boolean nativeSize;
        private final int[] labels;
        private final List<String> classes;
        private int next;

        FolderStream(String name, Path dir, List<Path> files, int total, int C, int H, int W, boolean nativeSize, int[] labels,
                     List<String> classes) {
            this.name = name;
            this.dir = dir;
            this.files = files;
            this.total = total;
            this.C = C;
            this.H = H;
            this.W = W;
            this.nativeSize = nativeSize;
            this.labels = labels;
            this.classes = classes;
        }

        @Override public String name() { return name; }
        @Override public int size() { return files.size(); }
        @Override public int channels() { return C; }
        @Override public int height() { return H; }
        @Override public int width() { return W; }
        @Override public int[] labels() { return labels; }
        @Override public int numClasses() { return labels == null ? 0 : classes.size(); }
        @Override public List<String> classNames() { return labels == null ? List.of() : classes; }

        @Override public List<String> fileNames() {
            return new java.util.AbstractList<>() {
                @Override public String get(int n) { return fileName(dir, files.get(n)); }
                @Override public int size() { return files.size(); }
            };
        }

        @Override
        public int read(float[] x, int offset, int max) {
            int n = Math.min(max, files.size() - next);
            int D = C * H * W;
            for (int i = 0; i < n; i++, next++) {
                Path f = files.get(next);
                BufferedImage img = decode(f, next, total);
                if (nativeSize && (img.getHeight() != H || img.getWidth() != W)) {
                    throw DatasetException.at(f, "image " + next + " of " + total, H + "x" + W + " pixels like "
                            + files.get(0).getFileName() + " (or give a size to resize to)", img.getHeight() + "x" + img.getWidth());
                }
                String bad = badSamples(img);
                if (bad != null) {
                    throw DatasetException.at(f, "image " + next + " of " + total, SAMPLES, bad);
                }
                resize(x, offset + i * D, pixels(img, C), C, img.getHeight(), img.getWidth(), H, W);
            }
            return n;
        }

        @Override
        public void close() {
        }
    }

    /** The ImageIO reader of a file, its input set; a DatasetException when none accepts it. */
    private static ImageReader reader(Path f, int n, int total, ImageInputStream in) {
        if (in == null) {
            // ImageIO does not say why it cannot open a file: the file system does (permission denied, ...)
            String why = "a file ImageIO cannot open";
            try (SeekableByteChannel c = Files.newByteChannel(f)) {
                // it opens now: ImageIO's reason is unknown
            } catch (IOException e) {
                why = "a file that cannot be opened: " + IoErrors.why(e);
            }
            throw DatasetException.at(f, "image " + n + " of " + total, "a readable PNG, JPEG, BMP or GIF image", why);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            // a copy that failed, a placeholder touched into place: say so rather than blame the format
            throw DatasetException.at(f, "image " + n + " of " + total, "a readable PNG, JPEG, BMP or GIF image",
                    isEmpty(f) ? "an empty file (0 bytes)" : "no ImageIO reader accepts it");
        }
        ImageReader r = readers.next();
        r.setInput(in, true, true);
        return r;
    }

    /** Whether f holds no bytes (false when its size cannot be read: the message then stays ImageIO's). */
    private static boolean isEmpty(Path f) {
        try {
            return Files.size(f) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Height and width from the image's header, checked against the limits before any pixel is decoded. */
    private static int[] checkedSize(Path f, int n, int total, ImageReader r) throws IOException {
        return checkHeader(r, f, "image " + n + " of " + total, Files.size(f));
    }

    /**
     * {height, width} of the image the reader (its input set) will decode, from its header, checked before any pixel
     * is allocated: against {@link #checkLimits}, against what the file's {@code fileBytes} bytes can encode in the
     * reader's format ({@link #checkFileHolds}), and for a GIF its logical screen too, which is the image's size here
     * but costs its file nothing ({@link #checkScreen}). {@code where} is the position for the message. Shared with
     * the distributed decoder.
     */
    public static int[] checkHeader(ImageReader r, Object file, String where, long fileBytes) throws IOException {
        int[] canvas = gifCanvas(r);
        long w = canvas == null ? r.getWidth(0) : canvas[3];
        long h = canvas == null ? r.getHeight(0) : canvas[2];
        checkLimits(file, where, w, h);
        // a GIF's screen may be larger than its data (the rest is transparent): the frame is what its data must fill
        checkFileHolds(file, where, r, r.getWidth(0), r.getHeight(0), fileBytes);
        if (canvas != null) {
            checkScreen(file, where, w, h, r.getWidth(0), r.getHeight(0), fileBytes);
        }
        return new int[] {(int) h, (int) w};
    }

    /**
     * What one byte of a file can encode in a reader's format: at most {@code perByte} pixels; {@code sparse} when the
     * format may leave pixels out at no cost (then an image of up to {@link #SPARSE_PIXELS} pixels passes whatever
     * its file's size). {@code name} names the format, and its compression, in messages; perByte 0 is no bound.
     */
    private record Capacity(String name, long perByte, boolean sparse) { }

    /**
     * The {@link Capacity} of the reader's format, which ImageIO chose by the file's content, not its name (a TIFF
     * named a.png is read as a TIFF, and a PNG's bound does not hold for it), with its compression from the header for
     * BMP and TIFF. PNG 8256 pixels a byte (deflate expands a byte to at most 1032 bytes, each at least 8 pixels of 1
     * bit), JPEG 512 (every 8x8 block of every component costs at least one bit), GIF 2731 (an LZW code of b bits, 12
     * at most, yields fewer than 2^b pixels: 4096 pixels in 12 bits at best). BMP: uncompressed rows 8 (1-bit
     * pixels), a run-length code (RLE8, RLE4) at most 255 pixels in 2 bytes, so 128, sparse (a delta or end-of-line
     * code skips pixels; a few bytes claimed 16384x16384 and ImageIO allocated it), embedded JPEG or PNG as those.
     * WBMP 8 (uncompressed 1-bit). TIFF by compression: none 8, PackBits 512 (2 bytes repeat a byte 128 times, 8
     * pixels of 1 bit), LZW 21848 (4096 bytes in a 12-bit code), deflate 8256, JPEG 512, CCITT fax codes 8 times the
     * width (a 2D-coded row that repeats the one above costs a bit), another (which ImageIO does not decode) as LZW,
     * the most of the byte-oriented codecs. Another reader's format (a plugin's) has no bound known here.
     */
    private static Capacity capacity(ImageReader r, long width) throws IOException {
        String format = r.getFormatName().toLowerCase(Locale.ROOT);
        switch (format) {
            case "png":
                return new Capacity("PNG", 8L * 1032, false);
            case "jpeg":
            case "jpg":
                return new Capacity("JPEG", 8L * 64, false);
            case "gif":
                return new Capacity("GIF", (8L * 4096 + 11) / 12, false);
            case "wbmp":
                return new Capacity("WBMP", 8, false);
            case "bmp": {
                String c = compression(r);
                return switch (c == null ? "" : c.toUpperCase(Locale.ROOT)) {
                    case "BI_RLE8", "BI_RLE4" -> new Capacity("BMP (" + c.substring(3) + ")", 128, true);
                    case "BI_JPEG" -> new Capacity("BMP (embedded JPEG)", 8L * 64, false);
                    case "BI_PNG" -> new Capacity("BMP (embedded PNG)", 8L * 1032, false);
                    default -> new Capacity("BMP", 8, false);
                };
            }
            case "tif":
            case "tiff": {
                int c = tiffCompression(r);
                return switch (c) {
                    case 1 -> new Capacity("TIFF (uncompressed)", 8, false);
                    case 2, 3, 4 -> new Capacity("TIFF (CCITT " + (c == 2 ? "RLE" : c == 3 ? "T.4" : "T.6") + ")", 8L * Math.max(1, Math.min(width, MAX_SIDE)), false);
                    case 5 -> new Capacity("TIFF (LZW)", 8L * 2731, false);
                    case 6, 7 -> new Capacity("TIFF (JPEG)", 8L * 64, false);
                    case 8, 32946 -> new Capacity("TIFF (deflate)", 8L * 1032, false);
                    case 32773 -> new Capacity("TIFF (PackBits)", 8L * 64, false);
                    default -> new Capacity("TIFF (compression " + c + ")", 8L * 2731, false);
                };
            }
            default:
                return new Capacity(format.toUpperCase(Locale.ROOT), 0, false);
        }
    }

    /** A TIFF's Compression field (259) from the reader's image metadata: 1 (none) when the field is absent, as TIFF says. */
    private static int tiffCompression(ImageReader r) throws IOException {
        javax.imageio.metadata.IIOMetadata m = r.getImageMetadata(0);
        if (m == null) {
            return 1;
        }
        try {
            javax.imageio.plugins.tiff.TIFFField f = javax.imageio.plugins.tiff.TIFFDirectory.createFromMetadata(m).getTIFFField(259);
            return f == null ? 1 : f.getAsInt(0);
        } catch (javax.imageio.metadata.IIOInvalidTreeException | RuntimeException e) {
            return 0;                               // unknown: the most generous bound of the codecs
        }
    }

    /** The compression the reader's image metadata names (ImageIO's standard tree: BI_RLE8, LZW, ...), or null. */
    private static String compression(ImageReader r) throws IOException {
        javax.imageio.metadata.IIOMetadata m = r.getImageMetadata(0);
        if (m == null || !m.isStandardMetadataFormatSupported()) {
            return null;
        }
        org.w3c.dom.Node c = child(m.getAsTree(javax.imageio.metadata.IIOMetadataFormatImpl.standardMetadataFormatName), "Compression");
        org.w3c.dom.Node name = c == null ? null : child(c, "CompressionTypeName");
        org.w3c.dom.Node value = name == null ? null : name.getAttributes().getNamedItem("value");
        return value == null ? null : value.getNodeValue();
    }

    /**
     * Refuses an image whose header declares more pixels than its file can encode in the reader's format
     * ({@link #capacity}): a header that lies (a 69-byte PNG claiming 16000x16000 pixels, a damaged JPEG frame header,
     * a 120-byte run-length BMP or a 138-byte TIFF claiming 16384x16384) made ImageIO allocate the whole image, a
     * gigabyte, before it found the data missing, an OutOfMemoryError under a smaller heap. The bounds hold for every
     * valid file, so no real image is refused. {@code where} is the position for the message.
     */
    public static void checkFileHolds(Object file, String where, ImageReader r, long w, long h, long fileBytes) throws IOException {
        Capacity c = capacity(r, w);
        // the product fits in a long: perByte is at most 2^18 (CCITT at 32768 a side)
        long most = c.perByte() * Math.min(fileBytes, 1L << 40);
        if (c.perByte() > 0 && w * h > most && !(c.sparse() && w * h <= SPARSE_PIXELS)) {
            throw DatasetException.at(file, where, "an image whose data fits in its file (a " + c.name() + " of " + fileBytes
                    + " bytes encodes at most " + most + " pixels" + (c.sparse() ? ", or any image of at most " + SPARSE_PIXELS
                    + " pixels, which its codes may skip" : "") + byContent(file, c.name()) + ")", w + "x" + h
                    + " pixels declared in its header (not decoded: the file is truncated or its header is damaged)");
        }
    }

    /**
     * Refuses a GIF whose logical screen, the image's size here ({@link #gifCanvas}), is more than its file can fill:
     * the screen outside the frame is transparent and costs no byte, so a 41-byte GIF declared a 16384x16384 screen
     * around a 1x1 frame, and its screen was allocated (1 GB, an OutOfMemoryError under a smaller heap; 3 GB more as
     * floats). A real GIF's frames fill its screen, within the GIF bound of its file ({@link #capacity}); a screen of up
     * to {@link #SPARSE_PIXELS} pixels passes whatever the file's size.
     */
    private static void checkScreen(Object file, String where, long w, long h, long frameW, long frameH, long fileBytes) {
        long most = ((8L * 4096 + 11) / 12) * Math.min(fileBytes, 1L << 40);
        if (w * h > SPARSE_PIXELS && w * h > most) {
            throw DatasetException.at(file, where, "a GIF whose logical screen its file can fill (a GIF of " + fileBytes
                    + " bytes encodes at most " + most + " pixels; a screen of at most " + SPARSE_PIXELS + " pixels is read"
                    + " whatever the file's size)", "a screen of " + w + "x" + h + " pixels around a frame of " + frameW + "x"
                    + frameH + " declared in its header (not decoded: the header is damaged)");
        }
    }

    /**
     * For a message: that the file was read as {@code format} (a {@link Capacity} name) by its content although its
     * name says otherwise, as ImageIO reads a file; empty when the name agrees or says no known format.
     */
    private static String byContent(Object file, String format) {
        String n = String.valueOf(file).toLowerCase(Locale.ROOT);
        String named = n.endsWith(".png") ? "PNG" : n.endsWith(".jpg") || n.endsWith(".jpeg") ? "JPEG"
                : n.endsWith(".bmp") ? "BMP" : n.endsWith(".gif") ? "GIF" : null;
        String kind = format.split(" ")[0];
        return named == null || named.equals(kind) ? "" : "; its content is " + kind + ", which ImageIO reads whatever its name";
    }

    /**
     * Refuses an image whose header declares more than {@link #MAX_PIXELS} pixels or {@link #MAX_SIDE} a side, before
     * its pixels are allocated (shared with the distributed decoder); {@code where} is the position for the message.
     */
    public static void checkLimits(Object file, String where, long w, long h) {
        if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
            throw DatasetException.at(file, where, "an image of at most " + MAX_PIXELS + " pixels (2^28, e.g. 16384x16384) and "
                    + MAX_SIDE + " pixels a side", w + "x" + h + " pixels declared in its header (not decoded;"
                    + " shrink a real image of that size first, e.g. mogrify -resize '16384x16384>')");
        }
    }

    /**
     * Where a GIF's first frame lies on the image: {top, left, height, width}, the image being the GIF's logical screen
     * (grown to hold the frame if the frame reaches beyond it); null for other formats and for a frame that is the
     * whole screen. ImageIO's GIF reader returns the frame alone, so a frame of 8x6 pixels at (10, 12) on a 40x32
     * screen came out as an 8x6 image, stretched over the whole picture; the rest of the screen is transparent
     * (as browsers and ImageMagick show it), i.e. black once composited.
     */
    private static int[] gifCanvas(ImageReader r) throws IOException {
        if (!"gif".equalsIgnoreCase(r.getFormatName())) {
            return null;
        }
        javax.imageio.metadata.IIOMetadata stream = r.getStreamMetadata();
        javax.imageio.metadata.IIOMetadata image = r.getImageMetadata(0);
        if (stream == null || image == null) {
            return null;
        }
        org.w3c.dom.Node screen = child(stream.getAsTree("javax_imageio_gif_stream_1.0"), "LogicalScreenDescriptor");
        org.w3c.dom.Node frame = child(image.getAsTree("javax_imageio_gif_image_1.0"), "ImageDescriptor");
        if (screen == null || frame == null) {
            return null;
        }
        int left = attribute(frame, "imageLeftPosition");
        int top = attribute(frame, "imageTopPosition");
        int w = attribute(frame, "imageWidth");
        int h = attribute(frame, "imageHeight");
        int sw = Math.max(attribute(screen, "logicalScreenWidth"), left + w);
        int sh = Math.max(attribute(screen, "logicalScreenHeight"), top + h);
        return left == 0 && top == 0 && sw == w && sh == h ? null : new int[] {top, left, sh, sw};
    }

    /**
     * A grey PNG of 1, 2 or 4 bits whose tRNS chunk names a grey level as transparent, with that level's pixels made
     * transparent. ImageIO's PNG reader gives such an image an alpha band but compares the key with the samples after
     * scaling them to 8 bits (JDK 17 and 25, PNGImageReader), so a key other than 0 never matched: the transparent
     * pixels came out opaque, in their grey, where 8- and 16-bit keys come out transparent (black once composited).
     * The img given, changed in place.
     */
    private static BufferedImage lowBitGrayKey(ImageReader r, BufferedImage img) throws IOException {
        if (!"png".equalsIgnoreCase(r.getFormatName())) {
            return img;
        }
        java.awt.image.WritableRaster raster = img.getRaster();
        if (raster.getNumBands() != 2 || !img.getColorModel().hasAlpha() || raster.getSampleModel().getSampleSize(0) != 8) {
            return img;
        }
        javax.imageio.metadata.IIOMetadata m = r.getImageMetadata(0);
        if (m == null) {
            return img;
        }
        org.w3c.dom.Node root = m.getAsTree("javax_imageio_png_1.0");
        org.w3c.dom.Node ihdr = child(root, "IHDR");
        org.w3c.dom.Node trns = child(root, "tRNS");
        org.w3c.dom.Node gray = trns == null ? null : child(trns, "tRNS_Grayscale");
        if (ihdr == null || gray == null) {
            return img;
        }
        int bits = attribute(ihdr, "bitDepth");
        if (bits >= 8) {
            return img;
        }
        // the key in the 8-bit scale of the samples: 1, 2 and 4 bits scale by 255, 85 and 17 exactly
        int key = attribute(gray, "gray") * (255 / ((1 << bits) - 1));
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                if (raster.getSample(x, y, 0) == key) {
                    raster.setSample(x, y, 1, 0);
                }
            }
        }
        return img;
    }

    private static org.w3c.dom.Node child(org.w3c.dom.Node parent, String name) {
        for (org.w3c.dom.Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (name.equals(c.getNodeName())) {
                return c;
            }
        }
        return null;
    }

    private static int attribute(org.w3c.dom.Node node, String name) {
        org.w3c.dom.Node a = node.getAttributes().getNamedItem(name);
        return a == null ? 0 : Integer.parseInt(a.getNodeValue());
    }

    /**
     * The image's input. A file name that is not valid in the platform's encoding (Linux allows any bytes; under the
     * POSIX locale every non-ASCII name) does not survive the path's round trip through a String that
     * {@code Path.toFile()} makes, so such a file is read through its Path: the name listed is the name opened. Under
     * the POSIX locale the String (with U+FFFD for each byte it cannot decode) is not even a path: {@code toPath()}
     * throws, and that too means the Path.
     */
    private static ImageInputStream open(Path f) throws IOException {
        java.io.File file = f.toFile();
        boolean same;
        try {
            same = file.toPath().equals(f);
        } catch (java.nio.file.InvalidPathException e) {
            same = false;
        }
        if (same) {
            return ImageIO.createImageInputStream(file);
        }
        java.io.InputStream raw = Files.newInputStream(f);
        return new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.BufferedInputStream(raw)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    raw.close();
                }
            }
        };
    }

    /** {height, width} of an image from its header. */
    private static int[] header(Path f, int n, int total) {
        try (ImageInputStream in = open(f)) {
            ImageReader r = reader(f, n, total, in);
            try {
                return checkedSize(f, n, total, r);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetException d) {
                throw d;
            }
            throw unreadable(f, "image " + n + " of " + total, e);
        }
    }

    /**
     * The error for an image ImageIO failed to read: a JPEG whose samples are not 8-bit (12-bit ones, SOF1 and the
     * like, which the JDK's JPEG decoder refuses as "Unsupported JPEG data precision 12") says so and how to get a file
     * it reads; any other names ImageIO's exception.
     */
    private static DatasetException unreadable(Path f, String where, Exception e) {
        DatasetException precision = unsupportedPrecision(f, where, jpegPrecision(f));
        return precision != null ? precision : DatasetException.at(f, where, "a readable PNG, JPEG, BMP or GIF image", e.toString());
    }

    /**
     * The loader's error for a JPEG whose samples are not 8-bit, for a reader that holds the file's bytes rather than its
     * path (dcec-spark's executors): null when the bytes are not such a JPEG, so that ImageIO's own failure is said.
     *
     * @param bytes read: the file's content
     * @param file  names the file in the message
     * @param where where reading failed, as in {@link DatasetException#at}
     */
    public static DatasetException unsupportedJpegPrecision(byte[] bytes, String file, String where) {
        return unsupportedPrecision(file, where, jpegPrecision(new java.io.ByteArrayInputStream(bytes)));
    }

    /** The error for a JPEG of {@code precision}-bit samples, null for 8 or 0 (not a JPEG). */
    private static DatasetException unsupportedPrecision(Object file, String where, int precision) {
        if (precision <= 0 || precision == 8) return null;
        return DatasetException.at(file, where, "a JPEG of 8-bit samples (the only precision the JDK's JPEG decoder reads)",
                "a " + precision + "-bit JPEG (its frame header declares " + precision + "-bit samples): " + precision
                + "-bit JPEG is not supported; convert it to 8-bit (or to a 16-bit PNG, which keeps its levels)");
    }

    /**
     * The sample precision of a JPEG file from its first frame header (SOF0 to SOF15 but DHT, JPG and DAC), 0 when the
     * file is not a JPEG, cannot be read, or has no frame header before its first scan: read from the markers alone.
     */
    static int jpegPrecision(Path f) {
        try (java.io.InputStream in = Files.newInputStream(f)) {
            return jpegPrecision(in);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@link #jpegPrecision(Path)} of a file's content. */
    private static int jpegPrecision(java.io.InputStream content) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(content))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                return 0;
            }
            while (true) {
                int b = in.readUnsignedByte();
                if (b != 0xFF) {
                    return 0;
                }
                int m = in.readUnsignedByte();
                while (m == 0xFF) {                         // fill bytes before a marker
                    m = in.readUnsignedByte();
                }
                if (m == 0x01 || m >= 0xD0 && m <= 0xD7) {  // markers without a length
                    continue;
                }
                if (m == 0xDA || m == 0xD9) {               // a scan, or the end, before any frame header
                    return 0;
                }
                int length = in.readUnsignedShort();
                if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                    return in.readUnsignedByte();
                }
                if (length < 2) {
                    return 0;
                }
                in.skipNBytes(length - 2);
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The image, its size checked from the header first: a header that claims 30000x30000 pixels is refused, not
     * decoded. A warning of the reader is an error: ImageIO decodes a truncated or corrupt JPEG with a warning
     * ("Premature end of data segment") and grey where the data is missing.
     */
    private static BufferedImage decode(Path f, int n, int total) {
        try (ImageInputStream in = open(f)) {
            ImageReader r = reader(f, n, total, in);
            try {
                checkedSize(f, n, total, r);
                return readWhole(r, f, "image " + n + " of " + total);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetException d) {
                throw d;
            }
            throw unreadable(f, "image " + n + " of " + total, e);
        }
    }

    /**
     * The first image of a reader whose input is set, refused (a DatasetException naming {@code file} at {@code where})
     * when a warning of the reader says pixels are missing ({@link #losesData}). A GIF's first frame comes placed on
     * the GIF's logical screen, the rest of it transparent, as other decoders show it. Shared with the distributed decoder.
     */
    public static BufferedImage readWhole(ImageReader r, Object file, String where) throws IOException {
        int[] canvas = gifCanvas(r);
        if (canvas != null) {
            checkLimits(file, where, canvas[3], canvas[2]);
        }
        List<String> lost = new ArrayList<>();
        r.addIIOReadWarningListener((reader, warning) -> { if (losesData(warning)) lost.add("'" + warning + "'"); });
        boolean gif = "gif".equalsIgnoreCase(r.getFormatName());
        GifRows rows = new GifRows();
        if (gif) {
            r.addIIOReadUpdateListener(rows);
        }
        BufferedImage img = shortInterlacedGif(r) ? readShortInterlacedGif(r, lost, rows) : r.read(0, r.getDefaultReadParam());
        if (!lost.isEmpty())
            throw DatasetException.at(file, where, "a complete, valid PNG, JPEG, BMP or GIF image",
                    "a damaged one (truncated or corrupt): ImageIO warns " + String.join(", ", lost));
        if (gif && rows.rows < img.getHeight()) {
            throw DatasetException.at(file, where, "a complete, valid PNG, JPEG, BMP or GIF image", "a damaged one (truncated or"
                    + " corrupt): its GIF data ends after " + rows.rows + " of the frame's " + img.getHeight() + " rows");
        }
        if (canvas == null) {
            return lowBitGrayKey(r, img);
        }
        // the frame at its place on the GIF's screen, the rest transparent
        BufferedImage screen = new BufferedImage(canvas[3], canvas[2], BufferedImage.TYPE_INT_ARGB);
        int w = img.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < img.getHeight(); y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            screen.setRGB(canvas[1], canvas[0] + y, w, 1, row, 0, w);
        }
        return screen;
    }

    /**
     * The rows of a GIF frame ImageIO's reader decoded, counted as it reports them. Its LZW decoder stops at the data's
     * end-of-information code, or at a code that is not in its table, without a warning: a 4x4 frame whose data ended
     * after one pixel came out black but for that pixel, and was loaded as such. A frame with fewer complete rows than
     * its height is refused.
     */
    private static final class GifRows implements javax.imageio.event.IIOReadUpdateListener {
        int rows;

        @Override public void imageUpdate(ImageReader source, BufferedImage image, int minX, int minY, int width, int height,
                                          int periodX, int periodY, int[] bands) {
            // a non-interlaced frame's rows come with a period of 0 (JDK 17), one at a time
            rows += periodY <= 1 ? height : (height + periodY - 1) / periodY;
        }

        @Override public void passStarted(ImageReader source, BufferedImage image, int pass, int minPass, int maxPass, int minX,
                                          int minY, int periodX, int periodY, int[] bands) { }
        @Override public void passComplete(ImageReader source, BufferedImage image) { }
        @Override public void thumbnailPassStarted(ImageReader source, BufferedImage thumbnail, int pass, int minPass, int maxPass,
                                                   int minX, int minY, int periodX, int periodY, int[] bands) { }
        @Override public void thumbnailUpdate(ImageReader source, BufferedImage thumbnail, int minX, int minY, int width, int height,
                                              int periodX, int periodY, int[] bands) { }
        @Override public void thumbnailPassComplete(ImageReader source, BufferedImage thumbnail) { }
    }

    /**
     * Whether the reader's GIF has an interlaced first frame of 2 to 4 rows. ImageIO's GIF reader (JDK 17) misplaces the
     * rows of such a frame, whose second pass (rows 4, 12, ...) is empty: a 1x4 frame of rows 20, 40, 60, 80 came out as
     * 20, 80, 40, 0, a 1x2 one as 20, 0 (a row lost, another black, with no warning); ImageIO's own writer interlaces every
     * GIF. From 5 rows on it places them right.
     */
    private static boolean shortInterlacedGif(ImageReader r) throws IOException {
        if (!"gif".equalsIgnoreCase(r.getFormatName()) || !(r.getInput() instanceof ImageInputStream)) {
            return false;
        }
        javax.imageio.metadata.IIOMetadata m = r.getImageMetadata(0);
        org.w3c.dom.Node frame = m == null ? null : child(m.getAsTree("javax_imageio_gif_image_1.0"), "ImageDescriptor");
        if (frame == null) {
            return false;
        }
        org.w3c.dom.Node flag = frame.getAttributes().getNamedItem("interlaceFlag");
        int h = attribute(frame, "imageHeight");
        return flag != null && "TRUE".equalsIgnoreCase(flag.getNodeValue()) && h >= 2 && h <= 4;
    }

    /**
     * The first frame of a {@link #shortInterlacedGif}, read right: the file's bytes with the frame's interlace flag
     * cleared are decoded by a fresh GIF reader (its rows then come in the order they are stored: pass 1 rows 0, 8, ...;
     * pass 3 rows 2, 6, ...; pass 4 rows 1, 3, ...), which are then put in their places. Warnings that lose data are
     * added to lost, as for any image.
     */
    private static BufferedImage readShortInterlacedGif(ImageReader r, List<String> lost, GifRows rows) throws IOException {
        ImageInputStream in = (ImageInputStream) r.getInput();
        if (in.getFlushedPosition() > 0) {
            return r.read(0, r.getDefaultReadParam());         // the file's start is gone: ImageIO's own reading
        }
        in.seek(0);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int k; (k = in.read(buf)) > 0; ) {
            all.write(buf, 0, k);
        }
        byte[] b = all.toByteArray();
        // the first image descriptor: after the header (6 bytes), the screen descriptor (7) and its colour table, past
        // the extensions (0x21, a label, then sub-blocks up to an empty one)
        int p = 13 + ((b[10] & 0x80) != 0 ? 3 * (2 << (b[10] & 7)) : 0);
        while (p < b.length && (b[p] & 0xFF) == 0x21) {
            p += 2;
            while (p < b.length && b[p] != 0) {
                p += (b[p] & 0xFF) + 1;
            }
            p++;
        }
        if (p + 9 >= b.length || (b[p] & 0xFF) != 0x2C) {
            return r.read(0, r.getDefaultReadParam());     // not where the metadata put it: ImageIO's own reading
        }
        b[p + 9] &= (byte) ~0x40;
        ImageReader plain = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream patched = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(b))) {
            plain.setInput(patched, true, true);
            plain.addIIOReadWarningListener((reader, warning) -> { if (losesData(warning)) lost.add("'" + warning + "'"); });
            plain.addIIOReadUpdateListener(rows);
            BufferedImage stored = plain.read(0, plain.getDefaultReadParam());
            java.awt.image.WritableRaster src = stored.getRaster();
            java.awt.image.WritableRaster dst = src.createCompatibleWritableRaster();
            int h = src.getHeight();
            int row = 0;
            for (int[] pass : new int[][] {{0, 8}, {4, 8}, {2, 4}, {1, 2}}) {
                for (int y = pass[0]; y < h; y += pass[1]) {
                    dst.setDataElements(0, y, src.getWidth(), 1, src.getDataElements(0, row++, src.getWidth(), 1, null));
                }
            }
            return new BufferedImage(stored.getColorModel(), dst, stored.isAlphaPremultiplied(), null);
        } finally {
            plain.dispose();
        }
    }

    /**
     * Whether a warning of ImageIO's reader means pixels are missing: the JPEG reader decodes a truncated file or a cut
     * data segment with a warning ("Truncated File - Missing EOI marker", "Premature end of JPEG file", "Corrupt JPEG
     * data: premature end of data segment") and grey where the data ends. Other warnings leave every pixel decoded
     * (extraneous bytes before a marker, an ignored colour profile or thumbnail, a PNG's redundant palette) and do not
     * refuse the image. Shared with the distributed decoder.
     */
    public static boolean losesData(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(java.util.Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi");
    }

    private static List<Path> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted(ImageFolder::byName).toList();
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list the folder: " + IoErrors.why(e), e);
        } catch (UncheckedIOException e) {
            throw new DatasetException(dir + ": cannot list the folder: " + IoErrors.describe(e), e);
        }
    }

    /** Where a symbolic link points, for a message. */
    private static String readLinkQuietly(Path link) {
        try {
            return "-> " + Files.readSymbolicLink(link);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * Image files in dir (recursively when deep), sorted by relative path. Symbolic links are followed, to files and
     * to folders (a class folder, or a folder inside one, that links to where the images are); a link back to a
     * folder above it is an error naming it, and so is an image's name on a link that leads nowhere.
     */
    private static List<Path> images(Path dir, boolean deep) {
        try (Stream<Path> s = deep ? Files.walk(dir, FileVisitOption.FOLLOW_LINKS) : Files.list(dir)) {
            // a hidden file, or any file under a hidden folder (a class's .thumbnails/), is not an image of the set
            return s.filter(p -> !hiddenBelow(dir, p)).filter(ImageFolder::isImage).filter(p -> {
                        if (Files.isRegularFile(p)) return true;
                        // an image's name on a link that leads nowhere: a file of the set is missing, not a file to skip
                        if (Files.isSymbolicLink(p) && !Files.exists(p))
                            throw new DatasetException(p + ": expected an image, found a symbolic link to a file that does not exist ("
                                    + readLinkQuietly(p) + "), in the image folder " + dir);
                        // a pipe, device or socket under an image's name: a file of the set that cannot be read, not one to
                        // skip (it was left out without a word); a folder of that name is walked as a folder
                        if (!Files.isDirectory(p))
                            throw new DatasetException(p + ": expected an image, found a device, pipe or socket (not a regular file),"
                                    + " in the image folder " + dir);
                        return false;
                    })
                    .map(p -> Map.entry(relativeName(dir, p), p))
                    // names that read the same (bytes that are not UTF-8) in an order of their own bytes, not the listing's
                    .sorted(Map.Entry.<String, Path>comparingByKey().thenComparing(e -> e.getValue().toUri().getRawPath()))
                    .map(Map.Entry::getValue)
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list the folder: " + IoErrors.why(e), e);
        } catch (UncheckedIOException e) {
            // a folder below dir that cannot be read, or a link cycle, met on the way
            if (e.getCause() instanceof FileSystemLoopException loop) {
                // the walk names the folder it met twice (s/c/a/loop/a when s/c/a/loop -> s/c); the link is the deepest on its path
                Path link = closingLink(dir, Path.of(loop.getFile()));
                throw new DatasetException(link + ": expected a folder of images, found a symbolic link to " + realQuietly(link)
                        + " (" + readLinkQuietly(link) + "), a folder above it (a cycle), in the image folder " + dir, e);
            }
            throw new DatasetException(IoErrors.describe(e) + " (in the image folder " + dir + ")", e);
        }
    }

    /**
     * The symbolic link that closes a cycle the walk of dir met at file: the deepest link among file and the folders
     * between it and dir (file itself when it is a link, as for a link straight to a folder above it); file when none is.
     */
    static Path closingLink(Path dir, Path file) {
        for (Path p = file; p != null && p.startsWith(dir) && !p.equals(dir); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) return p;
        }
        return file;
    }

    /** The folder a link leads to, links resolved, or the link itself when that cannot be said. */
    private static Path realQuietly(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            return link;
        }
    }

    private static int byName(Path a, Path b) {
        return name(a).compareTo(name(b));
    }

    /** Whether this JVM decodes file names as UTF-8 (sun.jnu.encoding, from the locale), or names are Unicode (Windows). */
    private static final boolean UTF8_FILE_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))
            || java.io.File.separatorChar != '/';

    /**
     * A file's name as text, the same under every locale: its bytes read as UTF-8, each byte that is not part of a
     * UTF-8 character a U+FFFD, as {@code Path.toString()} reads them under a UTF-8 locale. Under another locale
     * {@code toString()} decodes the bytes in sun.jnu.encoding, ASCII under the POSIX locale (LANG=C) on JDK 17: there
     * "été" was "??t??" (each "?" a U+FFFD), in the class names and in the sort order of the images, so that the same
     * folder and seed trained another model than under a UTF-8 locale. The bytes come from the path's file: URI, which
     * escapes the bytes themselves.
     */
    static String name(Path p) {
        Path f = p.getFileName();
        if (f == null || UTF8_FILE_NAMES || !"file".equals(p.getFileSystem().provider().getScheme())) {
            return f == null ? p.toString() : f.toString();
        }
        String raw = p.toUri().getRawPath();                            // absolute, '/' at the end of a folder
        int end = raw.endsWith("/") ? raw.length() - 1 : raw.length();
        return utf8OfRawPath(raw.substring(raw.lastIndexOf('/', end - 1) + 1, end));
    }

    /**
     * The text of a raw (escaped) URI path such as {@code URI.getRawPath()} gives: each {@code %XX} is the byte XX, the
     * bytes read as UTF-8, each byte that is not part of a UTF-8 character a U+FFFD; the same under every locale. How
     * dcec names an image file; shared with the Spark module, which must name files as dcec does.
     */
    public static String utf8OfRawPath(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * p's path below dir as text, {@link #name} of each part with '/' between them: the images' sort key. Only the
     * platform's separator becomes '/' (Windows' '\'): where '/' separates the parts (Linux, macOS) a backslash is a
     * character of a name, and read as a separator under a UTF-8 locale it sorted a\b.png before a0.png there and
     * after it under LANG=C.
     */
    private static String relativeName(Path dir, Path p) {
        if (UTF8_FILE_NAMES) {
            String s = dir.relativize(p).toString();
            return java.io.File.separatorChar == '/' ? s : s.replace(java.io.File.separatorChar, '/');
        }
        return fileName(dir, p);
    }

    /**
     * p's path below dir as {@link ImageStream#fileNames} names it: {@link #name} of each part with '/' between them, a
     * backslash in a part kept as it is ({@code cat/a\b.png}).
     */
    private static String fileName(Path dir, Path p) {
        StringBuilder b = new StringBuilder();
        Path at = dir;
        for (Path part : dir.relativize(p)) {
            at = at.resolve(part);
            b.append(b.length() == 0 ? "" : "/").append(name(at));
        }
        return b.toString();
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /** Whether p, a path below dir, or one of the folders between them is hidden. */
    private static boolean hiddenBelow(Path dir, Path p) {
        for (Path part : dir.relativize(p)) if (part.toString().startsWith(".")) return true;
        return false;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (n.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    /** What {@link #badSamples} accepts, for messages. */
    static final String SAMPLES = "pixel samples the loader reads (unsigned integers, or floating-point values in [0, 1])";

    /** Whether the image is read from its raster (grey, not indexed) rather than as sRGB. */
    private static boolean gray(ColorModel cm) {
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
    }

    private static boolean floating(Raster r) {
        int type = r.getSampleModel().getDataType();
        return type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
    }

    /**
     * Why {@link #pixels} cannot read the image's samples, or null when it can. Floating-point samples (a TIFF's,
     * an image built in memory) are taken as they are, so they must lie in [0, 1], the range a floating-point
     * ColorModel means: the first other value (NaN, -0.5, 2) is named with its pixel. Signed 16-bit samples have no
     * agreed range, and colour samples of more than 16 bits come out of the JDK's sRGB conversion wrong: both are
     * refused rather than read as zeros.
     */
    static String badSamples(BufferedImage img) {
        Raster r = img.getRaster();
        int type = r.getSampleModel().getDataType();
        if (type == DataBuffer.TYPE_SHORT) {
            return "signed 16-bit samples";
        }
        if (floating(r)) {
            int bands = r.getNumBands();
            for (int y = 0; y < r.getHeight(); y++) {
                for (int x = 0; x < r.getWidth(); x++) {
                    for (int b = 0; b < bands; b++) {
                        double v = r.getSampleDouble(x, y, b);
                        if (!(v >= 0 && v <= 1)) {
                            return "the floating-point sample " + v + " at pixel (" + x + ", " + y + ")" + (bands > 1 ? ", band " + b : "");
                        }
                    }
                }
            }
            return null;
        }
        if (!gray(img.getColorModel())) {
            for (int size : r.getSampleModel().getSampleSize()) {
                if (size > 16) {
                    return size + "-bit colour samples";
                }
            }
        }
        return null;
    }

    /**
     * The image as C×h×w values in [0, 1] (a new array). Its samples must pass {@link #badSamples}. Grey integer
     * samples are unsigned (a 32-bit one too) and scaled by their range; floating-point ones are taken as they are.
     */
    static float[] pixels(BufferedImage img, int C) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] out = new float[C * h * w];
        ColorModel cm = img.getColorModel();
        if (gray(cm)) {
            Raster r = img.getRaster();
            boolean floating = floating(r);
            // the mask keeps a 32-bit sample non-negative; max = 2^bits - 1, or 1 for floating-point samples
            long mask = (1L << r.getSampleModel().getSampleSize(0)) - 1;
            float max = floating ? 1f : (float) mask;
            // premultiplied samples are v · a already, the value composited over black: multiplied again they were v · a²
            boolean alpha = cm.hasAlpha() && r.getNumBands() > 1 && !cm.isAlphaPremultiplied();
            long maskA = alpha ? (1L << r.getSampleModel().getSampleSize(1)) - 1 : 1;
            float maxA = floating ? 1f : (float) maskA;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // v = sample / max, composited over black: v · a
                    float v = floating ? (float) r.getSampleDouble(x, y, 0) : (r.getSample(x, y, 0) & mask) / max;
                    if (alpha) {
                        v *= floating ? (float) r.getSampleDouble(x, y, 1) : (r.getSample(x, y, 1) & maskA) / maxA;
                    }
                    for (int c = 0; c < C; c++) {
                        out[(c * h + y) * w + x] = v;
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        Raster raster = img.getRaster();
        // a CMYK (or YCCK) JPEG without a colour profile: the JDK's colour space for it (SimpleCMYKColorSpace) takes
        // (1 - C)(1 - K) as linear RGB and gamma-encodes it, 0.12 becoming 0.38; PIL, ImageMagick and browsers take
        // it as the sRGB value itself, as here. With a profile (an ICC_ColorSpace), getRGB converts through it.
        boolean cmyk = cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK && !(cm.getColorSpace() instanceof ICC_ColorSpace)
                && raster.getNumBands() == 4;
        float maxC = cmyk ? (float) ((1L << raster.getSampleModel().getSampleSize(0)) - 1) : 1f;
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            if (!cmyk) {
                img.getRGB(0, y, w, 1, row, 0, w);
            }
            for (int x = 0; x < w; x++) {
                float red;
                float green;
                float blue;
                if (cmyk) {
                    raster.getPixel(x, y, px);
                    float k = 1 - px[3] / maxC;
                    red = (1 - px[0] / maxC) * k;
                    green = (1 - px[1] / maxC) * k;
                    blue = (1 - px[2] / maxC) * k;
                } else {
                    int argb = row[x];
                    float a = ((argb >>> 24) & 0xFF) / 255f;
                    red = ((argb >> 16) & 0xFF) / 255f * a;
                    green = ((argb >> 8) & 0xFF) / 255f * a;
                    blue = (argb & 0xFF) / 255f * a;
                }
                if (C == 1) {
                    // luma (ITU-R BT.601), as PIL's "L" mode
                    out[y * w + x] = Math.min(1f, 0.299f * red + 0.587f * green + 0.114f * blue);
                } else {
                    out[y * w + x] = red;
                    out[(h + y) * w + x] = green;
                    out[(2 * h + y) * w + x] = blue;
                }
            }
        }
        return out;
    }

    /**
     * Box-filter resize: every output pixel is the area-weighted mean of the source pixels it covers.
     *
     * @param out written: C*OH*OW values from offset o
     * @param in  read only: C*IH*IW values
     */
    static void resize(float[] out, int o, float[] in, int C, int IH, int IW, int OH, int OW) {
        if (IH == OH && IW == OW) {
            System.arraycopy(in, 0, out, o, C * IH * IW);
            return;
        }
        int[][] ys = new int[OH][];
        float[][] wy = new float[OH][];
        weights(ys, wy, IH, OH);
        int[][] xs = new int[OW][];
        float[][] wx = new float[OW][];
        weights(xs, wx, IW, OW);
        float[] tmp = new float[IH * OW];
        for (int c = 0; c < C; c++) {
            int ic = c * IH * IW;
            // tmp[y][ox] = Σ_x wx[ox][x] · in[c][y][x]
            for (int y = 0; y < IH; y++) {
                for (int ox = 0; ox < OW; ox++) {
                    double s = 0;   // a large image shrunk to a few pixels adds thousands of terms: a float sum drifts by 1e-4
                    int[] xi = xs[ox];
                    float[] xw = wx[ox];
                    for (int t = 0; t < xi.length; t++) {
                        s += (double) xw[t] * in[ic + y * IW + xi[t]];
                    }
                    tmp[y * OW + ox] = (float) s;
                }
            }
            // out[c][oy][ox] = Σ_y wy[oy][y] · tmp[y][ox]
            for (int oy = 0; oy < OH; oy++) {
                int[] yi = ys[oy];
                float[] yw = wy[oy];
                for (int ox = 0; ox < OW; ox++) {
                    double s = 0;
                    for (int t = 0; t < yi.length; t++) {
                        s += (double) yw[t] * tmp[yi[t] * OW + ox];
                    }
                    out[o + (c * OH + oy) * OW + ox] = Math.min(1f, Math.max(0f, (float) s));
                }
            }
        }
    }

    /** For each output index, the source indices it covers and their weights (summing to 1). */
    private static void weights(int[][] index, float[][] weight, int in, int out) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double lo = o * scale;
            double hi = (o + 1) * scale;
            int first = (int) Math.floor(lo);
            int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
            int n = last - first + 1;
            index[o] = new int[n];
            weight[o] = new float[n];
            for (int t = 0; t < n; t++) {
                int i = first + t;
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                index[o][t] = i;
                weight[o][t] = (float) (overlap / scale);
            }
        }
    }
}
