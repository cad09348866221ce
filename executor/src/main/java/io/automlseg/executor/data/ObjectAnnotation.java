package io.automlseg.executor.data;

import java.util.List;

/**
 * One labelled object of an image: its class name, crowd flag and polygon parts.
 *
 * <p>Each part is a flat list {@code [x1, y1, x2, y2, ...]} of coordinates normalised by the image
 * width and height, as in the reference product's JSONL. Several parts make one object.
 */
public record ObjectAnnotation(String label, boolean crowd, List<double[]> polygons) {

    /** Tight box {@code [x1, y1, x2, y2]} around all parts, still normalised. */
    public double[] normalizedBox() {
        double x1 = Double.POSITIVE_INFINITY, y1 = Double.POSITIVE_INFINITY;
        double x2 = Double.NEGATIVE_INFINITY, y2 = Double.NEGATIVE_INFINITY;
        for (double[] part : polygons) {
            for (int i = 0; i + 1 < part.length; i += 2) {
                x1 = Math.min(x1, part[i]);
                x2 = Math.max(x2, part[i]);
                y1 = Math.min(y1, part[i + 1]);
                y2 = Math.max(y2, part[i + 1]);
            }
        }
        return new double[] {x1, y1, x2, y2};
    }
}
