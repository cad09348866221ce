package io.automlseg.driver.datasets;

import java.util.Random;

/** A placed object while the scene is being built. */
final class PlacedObject {
    final SceneShape shape;
    final boolean[] full;
    boolean[] visible;
    final double[] colour;
    final double[] stripeColour;
    final double shadeX, shadeY, stripeAngle, stripePeriod;

    PlacedObject(SceneShape shape, boolean[] full, double[] colour, Random rnd) {
        this.shape = shape;
        this.full = full;
        this.visible = full.clone();
        this.colour = colour;
        double a = rnd.nextDouble() * 2 * StrictMath.PI;
        double k = 0.15 + rnd.nextDouble() * 0.3;
        this.shadeX = StrictMath.cos(a) * k / shape.extent();
        this.shadeY = StrictMath.sin(a) * k / shape.extent();
        boolean striped = rnd.nextDouble() < 0.35;
        double f = rnd.nextBoolean() ? 0.65 : 1.3;
        this.stripeColour = striped
                ? new double[] {ScenePainter.clamp(colour[0] * f), ScenePainter.clamp(colour[1] * f), ScenePainter.clamp(colour[2] * f)}
                : null;
        this.stripeAngle = rnd.nextDouble() * StrictMath.PI;
        this.stripePeriod = 5 + rnd.nextDouble() * 8;
    }

    /** The object's colour at a point: base colour with a linear shading and optional soft stripes. */
    void colourAt(double x, double y, double[] out) {
        double shade = 1 + (x - shape.cx()) * shadeX + (y - shape.cy()) * shadeY;
        double[] c = colour;
        double t = 0;
        if (stripeColour != null) {
            double p = (x * StrictMath.cos(stripeAngle) + y * StrictMath.sin(stripeAngle)) / stripePeriod;
            t = 0.5 + 0.5 * StrictMath.sin(2 * StrictMath.PI * p);
        }
        for (int ch = 0; ch < 3; ch++) {
            double base = stripeColour == null ? c[ch] : c[ch] * (1 - t) + stripeColour[ch] * t;
            out[ch] = base * shade;
        }
    }
}
