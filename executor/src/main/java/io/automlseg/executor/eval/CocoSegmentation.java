package io.automlseg.executor.eval;

import io.automlseg.executor.mask.Rle;
import io.automlseg.executor.mask.RleCodec;
import java.util.List;

/** A COCO segmentation: polygons, or an RLE (compressed string or list of counts) at a size. */
final class CocoSegmentation {
    private CocoSegmentation() {}

    /** Decoded: polygons (pixel coordinates) or an RLE; both null when there is none. */
    record Decoded(List<double[]> polygons, Rle rle) {}

    /** As read: polygons, or an RLE's size with a compressed string or a list of counts. */
    record Raw(List<double[]> polygons, String compressed, int[] counts, int height, int width) {
        static final Raw NONE = new Raw(null, null, null, 0, 0);

        boolean isRle() {
            return compressed != null || counts != null;
        }
    }

    static Decoded decode(Raw raw, String source, String where) {
        try {
            if (raw.compressed() != null) {
                return new Decoded(null, RleCodec.fromCompressedString(raw.compressed(), raw.height(), raw.width()));
            }
            if (raw.counts() != null) {
                return new Decoded(null, Rle.ofCounts(raw.height(), raw.width(), raw.counts()));
            }
        } catch (IllegalArgumentException e) {
            throw CocoFormatException.entry(source, where, "segmentation.counts", e.getMessage());
        }
        return new Decoded(raw.polygons(), null);
    }

    /** The rectangle polygon of a box {@code [x, y, w, h]}, as pycocotools' {@code frPyObjects} reads a box. */
    static double[] boxPolygon(double[] b) {
        double xs = b[0];
        double xe = xs + b[2];
        double ys = b[1];
        double ye = ys + b[3];
        return new double[] {xs, ys, xs, ye, xe, ye, xe, ys};
    }
}
