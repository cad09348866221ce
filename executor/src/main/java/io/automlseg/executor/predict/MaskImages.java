package io.automlseg.executor.predict;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.TrialFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code export_as_image}: each detection's mask as an image file of the image's size (object 255, background 0,
 * one grey channel), in the reference product's layout under a masks folder:
 * {@code <image>/<label>/<image>_<i>_label_<label>_conf_<score>.<jpg|png|bmp>}, where {@code <image>} is the image's
 * file name without its extension, {@code <i>} the detection's place (from 0) in the image's {@code boxes} of the
 * scoring record, and {@code <score>} its score with two decimals. Characters other than letters, digits,
 * {@code . _ -} in names become {@code _}.
 */
public final class MaskImages {
    /** The folder of mask images beside a prediction output. */
    public static final String FOLDER = "masks";

    private MaskImages() {}

    /** The path of detection {@code index}'s mask image, relative to the masks folder. */
    public static String relativePath(String imageUri, int index, String label, double score, String imageType) {
        String image = safe(baseName(imageUri));
        String l = safe(label);
        return image + "/" + l + "/" + image + "_" + index + "_label_" + l + "_conf_"
                + String.format(Locale.ROOT, "%.2f", score) + "." + imageType;
    }

    /**
     * Writes the masks of one scored image under {@code folderUri}; returns the files written, in detection order.
     *
     * @param masks detection i's row-major binary mask of the image's size, nonzero = object
     */
    public static List<String> write(String folderUri, String imageUri, ScoredImage record, List<byte[]> masks,
                                     int height, int width, String imageType) throws IOException {
        List<String> written = new ArrayList<>(masks.size());
        for (int i = 0; i < masks.size(); i++) {
            ScoredImage.Detection d = record.boxes().get(i);
            String file = TrialFiles.resolve(folderUri, relativePath(imageUri, i, d.label(), d.score(), imageType));
            Storage.writeBytes(file, encode(masks.get(i), height, width, imageType));
            written.add(file);
        }
        return written;
    }

    /** One mask as the bytes of an image file of the given type. */
    static byte[] encode(byte[] mask, int height, int width, String imageType) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = new byte[mask.length];
        for (int p = 0; p < mask.length; p++) {
            pixels[p] = mask[p] != 0 ? (byte) 255 : 0;
        }
        image.getRaster().setDataElements(0, 0, width, height, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, imageType, out)) {
            throw new IOException("no image writer for " + imageType);
        }
        return out.toByteArray();
    }

    private static String baseName(String uri) {
        String name = uri == null || uri.isEmpty() ? "image" : uri.substring(uri.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" : s;
    }
}
