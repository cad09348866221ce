package io.automlseg.executor.data;

import java.io.Serializable;

/**
 * One problem found in a user's data, located as precisely as possible.
 *
 * @param file the file, relative to the MLTable folder when it lies inside it
 * @param line 1-based line in the file, or 0 when the problem concerns the whole file or folder
 * @param field the JSON field path such as {@code label[3].polygon[0]}, or null
 * @param kind the reason, used to count skipped items per reason
 * @param message what is wrong, in the user's terms
 */
public record DataProblem(String file, int line, String field, Kind kind, String message) implements Serializable {

    /** Reasons for rejecting or skipping data, each with a short description for reports. */
    public enum Kind {
        MISSING_MLTABLE("missing MLTable file"),
        BAD_MLTABLE("invalid MLTable file"),
        MISSING_FILE("missing data file"),
        EMPTY_FILE("empty data file"),
        BAD_ENCODING("text not in the declared encoding"),
        MALFORMED_JSON("malformed JSON line"),
        MISSING_IMAGE_URL("missing image_url"),
        BAD_IMAGE_URL("unusable image_url"),
        BAD_IMAGE_DETAILS("bad image_details"),
        MISSING_LABELS("missing label column"),
        BAD_LABELS("label column is not a list"),
        BAD_OBJECT("object without a label name"),
        BAD_CROWD("bad isCrowd value"),
        BAD_POLYGON("polygon is not a list of lists"),
        NON_NUMERIC("non-numeric coordinate"),
        ODD_VALUES("odd number of polygon values"),
        TOO_FEW_POINTS("polygon with fewer than three points"),
        OUT_OF_RANGE("coordinate outside [0, 1]"),
        DEGENERATE_BOX("degenerate box"),
        UNKNOWN_LABEL("label not in the training data"),
        MISSING_IMAGE("missing image"),
        UNDECODABLE_IMAGE("undecodable image"),
        TOO_MANY_PIXELS("image over the pixel limit"),
        TOO_FEW_IMAGES("too few images");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** A problem at a record's {@code source} ({@code "<file>:<line>"}, as in {@link ImageRecord#source()}). */
    public static DataProblem atSource(String source, String field, Kind kind, String message) {
        String file = source == null ? "?" : source;
        int line = 0;
        int colon = file.lastIndexOf(':');
        if (colon > 0) {
            try {
                line = Integer.parseInt(file.substring(colon + 1));
                file = file.substring(0, colon);
            } catch (NumberFormatException e) {
                line = 0;
            }
        }
        return new DataProblem(file, line, field, kind, message);
    }

    /** One line such as {@code train.jsonl line 12, field label[3].polygon[0]: odd number of values (7)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(" line ").append(line);
        }
        if (field != null) {
            sb.append(line > 0 ? ", field " : " field ").append(field);
        }
        return sb.append(": ").append(message).toString();
    }
}
