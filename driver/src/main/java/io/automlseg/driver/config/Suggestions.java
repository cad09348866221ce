package io.automlseg.driver.config;

import java.util.Collection;
import java.util.Locale;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean ...?" for misspelt keys and values: the closest candidate by edit distance, if close enough. */
final class Suggestions {
    private Suggestions() {}

    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = LevenshteinDistance.getDefaultInstance().apply(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        // About one edit per four characters, at least two (a swapped pair of letters), so short keys stay unmatched.
        int allowed = Math.max(2, word.length() / 4);
        return bestDistance <= allowed ? best : null;
    }
}
