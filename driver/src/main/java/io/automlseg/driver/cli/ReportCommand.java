package io.automlseg.driver.cli;

import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.report.PredictionGallery;
import io.automlseg.driver.report.SweepReportWriter;
import io.automlseg.executor.io.Storage;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code automl report RUN_DIR [--output FILE.html]}: writes the HTML report of a sweep's run folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the self-contained HTML report of a sweep's run folder (any Hadoop path): finished, "
                + "still running, or stopped without its end. Every sweep writes it itself as RUN_DIR/"
                + SweepReportWriter.FILE_NAME + "; this writes it again, or elsewhere.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The sweep's run folder (its --output).")
    String runDir;

    @Option(names = "--output", paramLabel = "FILE.html",
            description = "Where to write the report (any Hadoop path); default: RUN_DIR/"
                    + SweepReportWriter.FILE_NAME + ".")
    String output;

    @Option(names = "--gallery-images", paramLabel = "N", defaultValue = PredictionGallery.IMAGES_OPTION_DEFAULT,
            description = "How many validation images to draw the best model's predictions on (0: none; "
                    + "default: $" + PredictionGallery.IMAGES_ENV + " if set, else "
                    + PredictionGallery.DEFAULT_IMAGES + ").")
    int galleryImages;

    @Override
    public Integer call() throws Exception {
        RunFolder run = new RunFolder(Storage.qualify(runDir));
        String target = output != null ? Storage.qualify(output) : SweepReportWriter.defaultPath(run);
        if (galleryImages < 0) {
            throw new CliException(ExitCodes.BAD_INPUT, "--gallery-images must be 0 or more, not " + galleryImages);
        }
        long start = System.nanoTime();
        SweepReportWriter.Written w = new SweepReportWriter(PredictionGallery.of(galleryImages)).write(run, target);
        System.out.printf(Locale.ROOT, "Report: %s (%s, %d trials, %d gallery images, written in %.2f s)%n",
                w.path(), size(w.bytes()), w.report().trials().size(), w.galleryImages(),
                (System.nanoTime() - start) / 1e9);
        return ExitCodes.OK;
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%d KB", (bytes + 1023) / 1024);
    }
}
