package io.automlseg.driver.report;

/**
 * One validation image of the sweep report's gallery: the best model's predictions drawn on it beside its ground
 * truth, both as PNG files ready to inline as data URIs.
 *
 * @param imageName the image's name as the data set gives it (its URL's last path segment)
 * @param predictionPng the image with the predicted masks filled in label colours, boxes, labels and scores
 * @param groundTruthPng the same image with its labelled masks, boxes and labels
 * @param detections how many predictions are drawn (those above the model's box score threshold)
 * @param objects how many labelled objects the ground truth has
 */
public record GalleryImage(String imageName, byte[] predictionPng, byte[] groundTruthPng, int detections,
        int objects) {
}
