package io.automlseg.driver.report;

import io.automlseg.driver.persist.RunFolder;
import java.io.IOException;
import java.util.List;

/**
 * Where the report's gallery comes from: the best model's predictions drawn on a sample of the run's validation
 * images. A seam, because drawing them means loading and running the model, which the report itself does not do.
 */
@FunctionalInterface
public interface GallerySource {
    /** No gallery: while a sweep runs, and wherever no model is to be loaded. */
    GallerySource NONE = (run, report) -> List.of();

    /** The gallery of {@code run}, whose report is {@code report}; empty when there is no best model. */
    List<GalleryImage> images(RunFolder run, SweepReportModel report) throws IOException;
}
