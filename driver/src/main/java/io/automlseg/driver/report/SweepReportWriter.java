package io.automlseg.driver.report;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a run folder's HTML report: reads the folder ({@link RunFolderReader}), draws the gallery (its
 * {@link GallerySource}), and writes the page atomically (a temporary file renamed into place), so a reader never
 * finds a half-written report.
 */
public final class SweepReportWriter {
    /** The report's name in the run folder. */
    public static final String FILE_NAME = "report.html";

    private final GallerySource gallery;

    public SweepReportWriter(GallerySource gallery) {
        this.gallery = gallery;
    }

    /** What was written. */
    public record Written(String path, long bytes, SweepReportModel report, int galleryImages) {}

    /** Where a run folder's report goes unless told otherwise. */
    public static String defaultPath(RunFolder run) {
        return run.uri() + "/" + FILE_NAME;
    }

    public Written write(RunFolder run, String output) throws IOException, BadInputException {
        SweepReportModel model = RunFolderReader.read(run);
        List<GalleryImage> images = List.of();
        String galleryProblem = null;
        try {
            images = gallery.images(run, model);
        } catch (IOException | RuntimeException e) {
            galleryProblem = "The gallery could not be drawn: " + e.getMessage(); // the rest of the report still is
        }
        byte[] html = ReportHtml.page(model, images, galleryProblem).getBytes(StandardCharsets.UTF_8);
        Storage.writeAtomically(output, html);
        return new Written(output, html.length, model, images.size());
    }
}
