package io.automlseg.driver.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * One colour per class name for the prediction gallery, the same in the prediction and the ground-truth image: a
 * class's colour follows from its position in the model's label list, so it is also the same from one report to the
 * next. Hues step by the golden angle, which keeps neighbouring classes apart however many there are.
 */
final class LabelColours {
    private static final float GOLDEN_FRACTION = 0.618034f;
    private static final float FIRST_HUE = 0.58f;

    private final List<String> labels;

    /** @param modelLabels the model's class names (labels.json), which number the colours */
    LabelColours(List<String> modelLabels) {
        this.labels = new ArrayList<>(modelLabels);
    }

    /** The colour of {@code label}; a name the model does not know gets the next free colour, kept from then on. */
    synchronized Color of(String label) {
        int index = labels.indexOf(label);
        if (index < 0) {
            labels.add(label);
            index = labels.size() - 1;
        }
        float hue = (FIRST_HUE + index * GOLDEN_FRACTION) % 1f;
        return Color.getHSBColor(hue, 0.85f, 0.95f);
    }

    /** Black or white, whichever reads better on {@code background}. */
    static Color textOn(Color background) {
        double luminance = 0.299 * background.getRed() + 0.587 * background.getGreen() + 0.114 * background.getBlue();
        return luminance > 150 ? Color.BLACK : Color.WHITE;
    }
}
