package io.automlseg.driver.datasets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate-synthetic}: writes the synthetic shapes data set as one MLTable folder, or as {@code train/} and
 * {@code validation/} folders when {@code --validation-count} is given; {@code automl generate-synthetic}.
 */
@Command(name = "generate-synthetic", mixinStandardHelpOptions = true,
        description = "Write a deterministic synthetic instance-segmentation data set (MLTable folders).")
public final class GenerateSyntheticCommand implements Callable<Integer> {
    @Option(names = "--output", required = true,
            description = "Output folder (any Hadoop URI). Gets MLTable, annotations.jsonl and images/, or train/ and"
                    + " validation/ sub-folders with --validation-count.")
    String output;

    @Option(names = "--count", defaultValue = "80", description = "Images (training images with a split). Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--validation-count", defaultValue = "0",
            description = "Validation images; > 0 writes train/ and validation/ folders. Default: ${DEFAULT-VALUE}.")
    int validationCount;

    @Option(names = "--image-size", defaultValue = "160", description = "Image side in pixels. Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--seed", defaultValue = "2024", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--classes", split = ",", defaultValue = "circle,rectangle,triangle,star",
            description = "Shape classes, comma separated, from circle,rectangle,triangle,star. Default: ${DEFAULT-VALUE}.")
    List<String> classes;

    @Option(names = "--min-objects", defaultValue = "1", description = "Fewest objects per image. Default: ${DEFAULT-VALUE}.")
    int minObjects;

    @Option(names = "--max-objects", defaultValue = "4", description = "Most objects per image. Default: ${DEFAULT-VALUE}.")
    int maxObjects;

    @Option(names = "--format", defaultValue = "png", description = "png or jpg. Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws Exception {
        SyntheticShapes.Options opts;
        try {
            opts = new SyntheticShapes.Options(count, imageSize, seed, classes, minObjects, maxObjects, format);
        } catch (IllegalArgumentException e) {
            // reported by the automl command as bad input (exit code 2)
            throw new DataSetException("generate-synthetic: " + e.getMessage());
        }
        if (validationCount > 0) {
            Map<String, SyntheticShapes.Summary> out = SyntheticShapes.generateSplit(opts, validationCount, output);
            out.forEach((name, summary) -> print(name, summary));
        } else {
            print("data set", SyntheticShapes.generate(opts, output));
        }
        return 0;
    }

    private static void print(String name, SyntheticShapes.Summary s) {
        System.out.printf("%s: %d images, %d objects (%d in several parts), per class %s%n",
                name, s.images(), s.objects(), s.multiPartObjects(), s.objectsPerClass());
    }
}
