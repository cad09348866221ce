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
        Set<String> known = Set.copyOf(trainingLabels);
        List<DataProblem> problems = new ArrayList<>();
        int total = 0;
        for (ImageRecord r : records) {
            for (int i = 0; i < r.objects().size(); i++) {
                String label = r.objects().get(i).label();
                if (!known.contains(label)) {
                    total++;
                    if (problems.size() < DataError.SHOWN) {
                        problems.add(DataProblem.atSource(r.source(), targetColumn + "[" + i + "].label",
                                DataProblem.Kind.UNKNOWN_LABEL, "label '" + label
                                        + "' does not occur in the training data (training labels: "
                                        + String.join(", ", trainingLabels) + ")"));
                    }
                }
            }
        }
        if (total > 0) {
            throw new DataError(problems, total);
        }
    }
}
