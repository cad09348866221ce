package io.automlseg.executor.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The class names of a data set, their model indices, and the check that validation uses only trained classes. */
public final class LabelSet {
    private LabelSet() {}

    /** Distinct class names of all objects (crowd ones included), sorted, so every trial numbers them alike. */
    public static List<String> labels(List<ImageRecord> records) {
        Set<String> names = new TreeSet<>();
        for (ImageRecord r : records) {
            for (ObjectAnnotation o : r.objects()) {
                names.add(o.label());
            }
        }
        return List.copyOf(names);
    }

    /** Class name to model index: position + 1, as index 0 is the background. */
    public static Map<String, Integer> index(List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            if (index.put(labels.get(i), i + 1) != null) {
                throw new IllegalArgumentException("label '" + labels.get(i) + "' is listed twice");
            }
        }
        return index;
    }

    /**
     * Fails with every object of {@code records} whose class the training data never had. The field index is the
     * object's position among the kept objects, which is its position in the JSONL line unless objects before it were
     * skipped as bad data.
     *
     * @param targetColumn the JSONL column of the objects, for the field path
     */
    public static void checkKnown(List<String> trainingLabels, List<ImageRecord> records, String targetColumn) {
        List<DataProblem> unknown = new ArrayList<>();
        withoutUnknown(trainingLabels, records, targetColumn, unknown);
        if (!unknown.isEmpty()) {
            throw new DataError(unknown.subList(0, Math.min(DataError.SHOWN, unknown.size())), unknown.size());
        }
    }

    /**
     * The records without their objects of a class the training data never had (a model cannot be scored on a class
     * it never saw); each removed object's problem is added to {@code removed}.
     */
    public static List<ImageRecord> withoutUnknown(List<String> trainingLabels, List<ImageRecord> records,
                                                   String targetColumn, List<DataProblem> removed) {
        Set<String> known = Set.copyOf(trainingLabels);
        List<ImageRecord> out = new ArrayList<>(records.size());
        for (ImageRecord r : records) {
            List<ObjectAnnotation> kept = new ArrayList<>(r.objects().size());
            for (int i = 0; i < r.objects().size(); i++) {
                ObjectAnnotation o = r.objects().get(i);
                if (known.contains(o.label())) {
                    kept.add(o);
                } else {
                    removed.add(DataProblem.atSource(r.source(), targetColumn + "[" + i + "].label",
                            DataProblem.Kind.UNKNOWN_LABEL, "label '" + o.label()
                                    + "' does not occur in the training data (training labels: "
                                    + String.join(", ", trainingLabels) + ")"));
                }
            }
            out.add(kept.size() == r.objects().size() ? r
                    : new ImageRecord(r.imageUrl(), r.source(), r.width(), r.height(), List.copyOf(kept)));
        }
        return out;
    }
}
