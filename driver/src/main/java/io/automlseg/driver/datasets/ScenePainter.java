package io.automlseg.driver.datasets;

import java.util.List;
import java.util.Random;

/**
 * Paints a synthetic scene: the two-colour textured background, the objects with anti-aliased edges, shading and
 * stripes, and sensor-like grain. Draws from the scene's own random stream, in the order the scene asks.
 */
final class ScenePainter {
    private static final int SUBSAMPLES = 3; // per axis, for anti-aliased edges

    private final int s;
    private final Random rnd;

    ScenePainter(int size, Random rnd) {
        this.s = size;
        this.rnd = rnd;
    }

    void paintObject(PlacedObject p, double[] r, double[] g, double[] b, double[] colour) {
        SceneShape shape = p.shape;
        int[] bounds = shape.pixelBounds(s);
        for (int y = bounds[2]; y <= bounds[3]; y++) {
            for (int x = bounds[0]; x <= bounds[1]; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUBSAMPLES; sy++) {
                    for (int sx = 0; sx < SUBSAMPLES; sx++) {
                        if (shape.inside(x + (sx + 0.5) / SUBSAMPLES, y + (sy + 0.5) / SUBSAMPLES)) {
                            hits++;
                        }
                    }
                }
                if (hits == 0) {
                    continue;
                }
                double cover = hits / (double) (SUBSAMPLES * SUBSAMPLES);
                p.colourAt(x + 0.5, y + 0.5, colour);
                int i = y * s + x;
                r[i] = r[i] * (1 - cover) + colour[0] * cover;
                g[i] = g[i] * (1 - cover) + colour[1] * cover;
                b[i] = b[i] * (1 - cover) + colour[2] * cover;
            }
        }
    }

    /** Two-colour background: smooth blotches, soft stripes or a soft plaid. */
    void paintBackground(double[][] colours, double[] r, double[] g, double[] b) {
        int kind = rnd.nextInt(3);
        int grid = 3 + rnd.nextInt(4);
        double[] knots = new double[(grid + 1) * (grid + 1)];
        for (int i = 0; i < knots.length; i++) {
            knots[i] = rnd.nextDouble();
        }
        double angle = rnd.nextDouble() * StrictMath.PI;
        double period = s * (0.08 + rnd.nextDouble() * 0.15);
        double phase = rnd.nextDouble() * 2 * StrictMath.PI;
        double ca = StrictMath.cos(angle), sa = StrictMath.sin(angle);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double t;
                if (kind == 0) {
                    double gx = (x + 0.5) / s * grid, gy = (y + 0.5) / s * grid;
                    int ix = Math.min(grid - 1, (int) gx), iy = Math.min(grid - 1, (int) gy);
                    double fx = smooth(gx - ix), fy = smooth(gy - iy);
                    double top = knots[iy * (grid + 1) + ix] * (1 - fx) + knots[iy * (grid + 1) + ix + 1] * fx;
                    double bottom = knots[(iy + 1) * (grid + 1) + ix] * (1 - fx)
                            + knots[(iy + 1) * (grid + 1) + ix + 1] * fx;
                    t = top * (1 - fy) + bottom * fy;
                } else if (kind == 1) {
                    t = 0.5 + 0.5 * StrictMath.sin(2 * StrictMath.PI * (x * ca + y * sa) / period + phase);
                } else {
                    t = 0.5 + 0.25 * (StrictMath.sin(2 * StrictMath.PI * (x * ca + y * sa) / period)
                            + StrictMath.sin(2 * StrictMath.PI * (-x * sa + y * ca) / period + phase));
                }
                int i = y * s + x;
                r[i] = colours[0][0] * (1 - t) + colours[1][0] * t;
                g[i] = colours[0][1] * (1 - t) + colours[1][1] * t;
                b[i] = colours[0][2] * (1 - t) + colours[1][2] * t;
            }
        }
    }

    /** Sensor-like grain (mostly brightness, a little colour) over the whole image, then 8-bit RGB. */
    int[] addGrainAndPack(double[] r, double[] g, double[] b) {
        double sigma = 2 + rnd.nextDouble() * 5;
        int[] rgb = new int[s * s];
        for (int i = 0; i < rgb.length; i++) {
            double luma = rnd.nextGaussian() * sigma;
            double chroma = sigma * 0.3;
            int ri = toByte(r[i] + luma + rnd.nextGaussian() * chroma);
            int gi = toByte(g[i] + luma + rnd.nextGaussian() * chroma);
            int bi = toByte(b[i] + luma + rnd.nextGaussian() * chroma);
            rgb[i] = (ri << 16) | (gi << 8) | bi;
        }
        return rgb;
    }

    /** A colour far enough from the background and from earlier objects to be seen; null if none was found. */
    double[] objectColour(double[][] background, List<PlacedObject> placed) {
        for (int attempt = 0; attempt < 30; attempt++) {
            double[] c = randomColour(0.35, 1.0, 0.3, 1.0);
            boolean ok = distance(c, background[0]) > 90 && distance(c, background[1]) > 90;
            for (PlacedObject p : placed) {
                ok &= distance(c, p.colour) > 60;
            }
            if (ok) {
                return c;
            }
        }
        return null;
    }

    double[] randomColour(double minSat, double maxSat, double minVal, double maxVal) {
        double h = rnd.nextDouble() * 6;
        double sat = minSat + rnd.nextDouble() * (maxSat - minSat);
        double val = (minVal + rnd.nextDouble() * (maxVal - minVal)) * 255;
        int sector = (int) h;
        double f = h - sector;
        double p = val * (1 - sat), q = val * (1 - sat * f), t = val * (1 - sat * (1 - f));
        return switch (sector % 6) {
            case 0 -> new double[] {val, t, p};
            case 1 -> new double[] {q, val, p};
            case 2 -> new double[] {p, val, t};
            case 3 -> new double[] {p, q, val};
            case 4 -> new double[] {t, p, val};
            default -> new double[] {val, p, q};
        };
    }

    /** A second background colour: the first shifted a little, so texture stays low-contrast next to objects. */
    double[] nearColour(double[] c) {
        double[] out = new double[3];
        double shift = (rnd.nextBoolean() ? 1 : -1) * (25 + rnd.nextDouble() * 35);
        for (int ch = 0; ch < 3; ch++) {
            out[ch] = clamp(c[ch] + shift + (rnd.nextDouble() - 0.5) * 30);
        }
        return out;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }

    private static double distance(double[] a, double[] b) {
        double dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
        return StrictMath.sqrt(dr * dr + dg * dg + db * db);
    }

    static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int toByte(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
