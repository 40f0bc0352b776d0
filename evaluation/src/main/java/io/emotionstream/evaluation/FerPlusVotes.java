package io.emotionstream.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The FER+ crowd votes for FER2013 images ({@code ../shared/data/fer2013/ferplus-votes.csv}: split, class, file, row,
 * then ten vote counts neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF), read as
 * the majority label of each image: the one label with the most votes, when it is one of the model's. Images whose
 * most-voted label is another (fear, contempt, not a face...) or tied with another have no majority and are left out
 * of figures "judged by the FER+ majority"; {@code models/emotion_models/data.py} applies the same rule.
 */
public final class FerPlusVotes {
    private static final List<String> HEADER = List.of("split", "class", "file", "fer_row", "neutral", "happiness",
            "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF");
    /** The model label each vote column means, or null for the columns outside the five classes. */
    private static final Map<String, String> LABEL_OF = Map.of("neutral", "neutral", "happiness", "happy",
            "surprise", "surprised", "sadness", "sad", "anger", "angry");

    private FerPlusVotes() {}

    /**
     * The majority label (an index into {@code labels}) of every image of one split that has one, keyed by its
     * relative path {@code <class>/<file>}, the class being the image's folder (its original FER2013 label).
     *
     * @throws IllegalArgumentException when the file cannot be read, has another header or a bad line
     */
    public static Map<String, Integer> majorityLabels(Path csv, String split, List<String> labels) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read FER+ votes " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !Arrays.asList(lines.get(0).trim().split(",")).equals(HEADER)) {
            throw new IllegalArgumentException(csv + " must start with the header " + String.join(",", HEADER));
        }
        Map<String, Integer> majority = new HashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String[] fields = lines.get(n).trim().split(",");
            if (fields.length == 1 && fields[0].isEmpty()) {
                continue;
            }
            if (fields.length != HEADER.size()) {
                throw new IllegalArgumentException(csv + " line " + (n + 1) + ": expected " + HEADER.size()
                        + " fields, found " + fields.length);
            }
            if (!fields[0].equals(split)) {
                continue;
            }
            int best = -1;
            int top = -1;
            boolean tied = false;
            for (int c = 4; c < HEADER.size(); c++) {
                int votes;
                try {
                    votes = Integer.parseInt(fields[c]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(csv + " line " + (n + 1) + ": " + HEADER.get(c) + " '"
                            + fields[c] + "' is not a vote count");
                }
                if (votes > top) {
                    top = votes;
                    best = c;
                    tied = false;
                } else if (votes == top) {
                    tied = true;
                }
            }
            String label = LABEL_OF.get(HEADER.get(best));
            if (!tied && label != null && labels.contains(label)) {
                majority.put(fields[1] + "/" + fields[2], labels.indexOf(label));
            }
        }
        if (majority.isEmpty()) {
            throw new IllegalArgumentException(csv + " gives no majority label for split '" + split + "'");
        }
        return majority;
    }
}
