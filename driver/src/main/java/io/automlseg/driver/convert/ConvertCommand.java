package io.automlseg.driver.convert;

import io.automlseg.driver.datasets.DataSetException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convert}: COCO JSON to an MLTable folder ({@code --from coco}) or an MLTable folder to COCO JSON
 * ({@code --from mltable}), as {@code automl convert}.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert instance-segmentation labels between COCO JSON and an MLTable folder.")
public final class ConvertCommand implements Callable<Integer> {
    enum Source { coco, mltable }

    @Option(names = "--from", required = true, description = "Input format: coco or mltable.")
    Source from;

    @Option(names = "--input", required = true,
            description = "COCO JSON file (--from coco) or MLTable folder (--from mltable).")
    String input;

    @Option(names = "--output", required = true,
            description = "MLTable folder to write (--from coco) or COCO JSON file to write (--from mltable).")
    String output;

    @Option(names = "--images",
            description = "--from coco: folder the file_names are relative to (default: the COCO file's folder,"
                    + " then its images/ sub-folder).")
    String images;

    @Option(names = "--copy-images", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "--from coco: copy images into <output>/images/ and refer to them relatively (default);"
                    + " --no-copy-images refers to the originals by absolute URI.")
    boolean copyImages;

    @Option(names = "--ignore-data-errors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "--from mltable: leave out bad lines, objects and polygon parts (counted and reported),"
                    + " as the reference's ignore_data_errors (default true); --no-ignore-data-errors stops with"
                    + " every problem listed.")
    boolean ignoreDataErrors;

    @Option(names = "--category-order", defaultValue = "SORTED",
            description = "--from mltable: category ids 1..K by SORTED name or FIRST_SEEN. Default: ${DEFAULT-VALUE}.")
    CocoConverter.CategoryOrder categoryOrder;

    @Override
    public Integer call() throws Exception {
        // Bad data throws DataSetException, which the automl command reports as bad input (exit code 2).
        CocoConverter.Report report = from == Source.coco
                ? CocoConverter.cocoToMlTable(input, images, output, copyImages)
                : CocoConverter.mlTableToCoco(input, output, categoryOrder, ignoreDataErrors);
        System.out.printf("wrote %s: %d images, %d objects, %d classes%n",
                output, report.images(), report.objects(), report.labels().size());
        if (!report.unusedCategories().isEmpty()) {
            List<String> unused = List.copyOf(report.unusedCategories());
            System.out.println(unused.size() + " categories without objects (an MLTable cannot keep them): "
                    + String.join(", ", unused.subList(0, Math.min(10, unused.size())))
                    + (unused.size() > 10 ? ", ..." : ""));
        }
        if (report.skippedImages() + report.skippedObjects() + report.droppedSegments()
                + report.clampedCoordinates() > 0) {
            System.out.printf("skipped images: %d, skipped objects: %d, dropped polygon parts: %d,"
                    + " coordinates clamped into the image: %d%n", report.skippedImages(), report.skippedObjects(),
                    report.droppedSegments(), report.clampedCoordinates());
        }
        report.warnings().forEach(w -> System.out.println("  " + w));
        return 0;
    }
}
