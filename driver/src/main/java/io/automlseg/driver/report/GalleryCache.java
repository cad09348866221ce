package io.automlseg.driver.report;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.List;

/**
 * The prediction gallery of one run folder, drawn again only when another best model has been published. A report
 * rewritten every 30 s while the sweep runs would otherwise load the model and score the images each time (seconds of
 * the driver's CPU); checking costs one small read of {@code best_model/_COMPLETE}, whose content (trial and time of
 * publication) changes with every publication.
 */
public final class GalleryCache {
    private final String runFolderUri;
    private final int maxImages;
    private String drawnFor;
    private List<GalleryImage> gallery = List.of();

    /** @see PredictionGallery#render(String, int) */
    public GalleryCache(String runFolderUri, int maxImages) {
        this.runFolderUri = runFolderUri;
        this.maxImages = maxImages;
    }

    /** The gallery of the best model published now; empty while there is none. */
    public synchronized List<GalleryImage> gallery() throws IOException {
        String marker = new RunFolder(runFolderUri).bestModel() + "/" + RunFolder.COMPLETE_MARKER;
        String published = Storage.exists(marker) ? Storage.readString(marker) : null;
        if (published == null) {
            return List.of();
        }
        if (!published.equals(drawnFor)) {
            gallery = PredictionGallery.render(runFolderUri, maxImages);
            drawnFor = published;
        }
        return gallery;
    }
}
