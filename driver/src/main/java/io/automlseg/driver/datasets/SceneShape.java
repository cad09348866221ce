package io.automlseg.driver.datasets;

/** A shape instance: inside test and bounding radius in pixels. */
record SceneShape(String label, double cx, double cy, double extent, double radius, double rx, double ry,
        double rotation, double[] polygon) {

    boolean inside(double x, double y) {
        if (polygon == null) {
            double c = StrictMath.cos(rotation), s = StrictMath.sin(rotation);
            double u = ((x - cx) * c + (y - cy) * s) / rx;
            double v = (-(x - cx) * s + (y - cy) * c) / ry;
            return u * u + v * v <= 1.0;
        }
        boolean in = false;
        int n = polygon.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double xi = polygon[2 * i], yi = polygon[2 * i + 1];
            double xj = polygon[2 * j], yj = polygon[2 * j + 1];
            if ((yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi)) {
                in = !in;
            }
        }
        return in;
    }

    /** Label mask in an image of {@code s} x {@code s} pixels: pixels whose centre is inside the shape. */
    boolean[] rasterize(int s) {
        boolean[] mask = new boolean[s * s];
        int[] b = pixelBounds(s);
        for (int y = b[2]; y <= b[3]; y++) {
            for (int x = b[0]; x <= b[1]; x++) {
                mask[y * s + x] = inside(x + 0.5, y + 0.5);
            }
        }
        return mask;
    }

    /** Pixel range {x0, x1, y0, y1} (inclusive) that can touch the shape, with a pixel to spare. */
    int[] pixelBounds(int s) {
        return new int[] {
            Math.max(0, (int) StrictMath.floor(cx - radius) - 1),
            Math.min(s - 1, (int) StrictMath.ceil(cx + radius) + 1),
            Math.max(0, (int) StrictMath.floor(cy - radius) - 1),
            Math.min(s - 1, (int) StrictMath.ceil(cy + radius) + 1)};
    }
}
