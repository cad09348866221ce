package io.automlseg.driver.spark;

import io.automlseg.driver.config.BadInputException;
import io.automlseg.driver.config.SweepConfig;
import io.automlseg.driver.persist.RunFolder;
import io.automlseg.driver.persist.SkippedData;
import io.automlseg.executor.data.DataError;
import io.automlseg.executor.data.DataProblem;
import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.LoadOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code ignore_data_errors} (the reference's default) does once the images are checked: images that are
 * missing or cannot be decoded are left out, and so are validation objects of a label no training image has, each
 * counted with its first examples in the console and in {@link SkippedData}. With {@code ignore_data_errors: false}
 * the same problems fail the sweep, all in one message that says how to go on.
 */
final class DataSkips {
    private static final String IGNORE_HINT = "ignore_data_errors: true (the default) skips them and goes on";

    private final SweepConfig config;
    private final PrintStream out;
    private final List<String> examples = new ArrayList<>();
    private int images;
    private int validationObjects;

    DataSkips(SweepConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Fails with every validation object whose label the training data lacks (the strict check). */
    static void requireKnownLabels(List<ImageRecord> train, List<ImageRecord> validation, SweepConfig config)
            throws BadInputException {
        try {
            LabelSet.checkKnown(LabelSet.labels(train), validation, config.targetColumnName());
        } catch (DataError e) {
            throw new BadInputException(e.getMessage() + "\nA model cannot be scored on a label it never saw: add "
                    + "training images with these labels, or set ignore_data_errors: true to drop such objects", e);
        }
    }

    /** The records whose image is usable; {@code unusable} maps a record's source to its problem. */
    List<ImageRecord> withoutUnusable(List<ImageRecord> records, Map<String, String> unusable, String split)
            throws BadInputException {
        List<ImageRecord> kept = new ArrayList<>(records.size());
        List<String> problems = new ArrayList<>();
        for (ImageRecord r : records) {
            String problem = unusable.get(r.source());
            if (problem == null) {
                kept.add(r);
            } else {
                problems.add(problem);
            }
        }
        if (problems.isEmpty()) {
            return records;
        }
        if (!config.ignoreDataErrors()) {
            BadInputException e = BadInputException.unusableImages(problems);
            throw new BadInputException(e.getMessage() + "\n(" + IGNORE_HINT + ")");
        }
        images += problems.size();
        examples.addAll(problems);
        out.printf("Skipped %d %s image%s that cannot be used (ignore_data_errors), first: %s%n", problems.size(),
                split, problems.size() == 1 ? "" : "s", problems.get(0));
        int least = split.equals("training") ? LoadOptions.MIN_TRAINING_IMAGES : 1;
        if (kept.size() < least) {
            throw new BadInputException("only " + kept.size() + " usable " + split + " image"
                    + (kept.size() == 1 ? "" : "s") + " are left after skipping " + problems.size() + " that cannot "
                    + "be used; at least " + least + " are needed. First: " + problems.get(0));
        }
        return kept;
    }

    /**
     * With {@code ignore_data_errors}, the validation records without the objects of labels no training image has
     * (counted and reported); without it they were refused up front ({@link #requireKnownLabels}).
     */
    List<ImageRecord> withoutUnknownLabels(List<ImageRecord> train, List<ImageRecord> validation) {
        if (!config.ignoreDataErrors()) {
            return validation;
        }
        List<DataProblem> removed = new ArrayList<>();
        List<ImageRecord> kept = LabelSet.withoutUnknown(LabelSet.labels(train), validation,
                config.targetColumnName(), removed);
        if (!removed.isEmpty()) {
            validationObjects += removed.size();
            removed.forEach(p -> examples.add(p.toString()));
            out.printf("Warning: dropped %d validation object%s whose label no training image has "
                    + "(ignore_data_errors; a model cannot be scored on a label it never saw), first: %s%n",
                    removed.size(), removed.size() == 1 ? "" : "s", removed.get(0));
        }
        return kept;
    }

    /** Writes what was skipped into the run folder's data (also when nothing was: the record says so). */
    void record(RunFolder run) throws IOException {
        new SkippedData(images, validationObjects, examples).write(run);
    }
}
