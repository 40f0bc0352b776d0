package io.emotionstream.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Videos labelled by time spans, read from a CSV file with the header {@code video,label,start_s,end_s} (as
 * {@code ../shared/data/video/labels.csv}), optionally followed by {@code ,person}: each line says that the face in
 * {@code video} shows {@code label} from {@code start_s} to {@code end_s} seconds. Video paths are relative to the
 * CSV's folder (or absolute); a video may have several spans, which must not overlap; time outside every span is
 * unlabelled. The person a video shows, for figures per person, is its {@code person} column, or without one the
 * video's file name up to its first underscore (MEAD's {@code M030_angry.mp4}: {@code M030}).
 */
public final class LabelledVideos {
    public static final String HEADER = "video,label,start_s,end_s";
    public static final String HEADER_WITH_PERSON = HEADER + ",person";

    /** A labelled stretch of a video: label index, from start to end seconds. */
    public record Span(int label, double startSeconds, double endSeconds) {
        /** True when [from, to] lies wholly inside this span. */
        public boolean covers(double fromSeconds, double toSeconds) {
            return fromSeconds >= startSeconds && toSeconds <= endSeconds;
        }
    }

    /** A video file, its name as the labels file gives it, the person it shows, and its spans in time order. */
    public record Video(Path file, String name, String person, List<Span> spans) {
        /** The label of the span that holds [from, to] wholly, or -1 when none does. */
        public int labelOf(double fromSeconds, double toSeconds) {
            for (Span span : spans) {
                if (span.covers(fromSeconds, toSeconds)) {
                    return span.label();
                }
            }
            return -1;
        }
    }

    private final Path labelsFile;
    private final List<Video> videos;

    private LabelledVideos(Path labelsFile, List<Video> videos) {
        this.labelsFile = labelsFile;
        this.videos = videos;
    }

    /**
     * Reads a labels file.
     *
     * @param labels the model's labels; a line naming another label is refused
     * @throws IllegalArgumentException naming the file and line when it cannot be read, has another header, a line
     *     with a wrong field, a video that is missing, or overlapping spans
     */
    public static LabelledVideos read(Path labelsFile, List<String> labels) {
        List<String> lines;
        try {
            lines = Files.readAllLines(labelsFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read labels file " + labelsFile + ": " + e.getMessage(), e);
        }
        String header = lines.isEmpty() ? "" : lines.get(0).trim();
        if (!header.equals(HEADER) && !header.equals(HEADER_WITH_PERSON)) {
            throw new IllegalArgumentException(labelsFile + " must start with the header line '" + HEADER + "' or '"
                    + HEADER_WITH_PERSON + "'");
        }
        int columns = header.split(",").length;
        Path folder = labelsFile.toAbsolutePath().getParent();
        Map<String, List<Span>> spans = new LinkedHashMap<>();
        Map<String, String> persons = new LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = labelsFile + " line " + (n + 1) + ": ";
            Line parsed = Line.parse(line.split(",", -1), columns, header, labels, where);
            String video = parsed.video();
            double start = parsed.span().startSeconds();
            double end = parsed.span().endSeconds();
            String earlier = persons.putIfAbsent(video, parsed.person());
            if (earlier != null && !earlier.equals(parsed.person())) {
                throw new IllegalArgumentException(where + "person '" + parsed.person() + "' of " + video
                        + " differs from '" + earlier + "' on an earlier line");
            }
            List<Span> list = spans.computeIfAbsent(video, v -> new ArrayList<>());
            for (Span other : list) {
                if (start < other.endSeconds() && other.startSeconds() < end) {
                    throw new IllegalArgumentException(where + "span " + start + "-" + end + " s of " + video
                            + " overlaps " + other.startSeconds() + "-" + other.endSeconds() + " s");
                }
            }
            list.add(parsed.span());
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException(labelsFile + " labels no video");
        }
        List<Video> videos = new ArrayList<>();
        for (Map.Entry<String, List<Span>> entry : spans.entrySet()) {
            Path file = folder.resolve(entry.getKey()).normalize();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException(labelsFile + " names video " + entry.getKey()
                        + ", but " + file + " is not a readable file");
            }
            List<Span> sorted = new ArrayList<>(entry.getValue());
            sorted.sort((a, b) -> Double.compare(a.startSeconds(), b.startSeconds()));
            videos.add(new Video(file, entry.getKey(), persons.get(entry.getKey()),
                    Collections.unmodifiableList(sorted)));
        }
        return new LabelledVideos(labelsFile, Collections.unmodifiableList(videos));
    }

    public Path labelsFile() {
        return labelsFile;
    }

    public List<Video> videos() {
        return videos;
    }

    /** One line of a labels file: video, span and person. */
    private record Line(String video, Span span, String person) {
        static Line parse(String[] fields, int columns, String header, List<String> labels, String where) {
            if (fields.length != columns) {
                throw new IllegalArgumentException(where + "expected " + columns + " fields (" + header + "), found "
                        + fields.length);
            }
            String video = fields[0].trim();
            int label = labels.indexOf(fields[1].trim());
            if (video.isEmpty()) {
                throw new IllegalArgumentException(where + "names no video");
            }
            if (label < 0) {
                throw new IllegalArgumentException(where + "label '" + fields[1].trim()
                        + "' is not one of the model's labels " + labels);
            }
            double start = seconds(fields[2], where + "start_s");
            double end = seconds(fields[3], where + "end_s");
            if (!(end > start)) {
                throw new IllegalArgumentException(where + "end_s " + end + " must be after start_s " + start);
            }
            String person = columns == 5 ? fields[4].trim() : defaultPerson(video);
            if (person.isEmpty()) {
                throw new IllegalArgumentException(where + "names no person");
            }
            return new Line(video, new Span(label, start, end), person);
        }
    }

    /** A video's file name up to its first underscore (without its folders and extension). */
    static String defaultPerson(String video) {
        String name = Path.of(video).getFileName().toString();
        int dot = name.lastIndexOf('.');
        name = dot > 0 ? name.substring(0, dot) : name;
        int underscore = name.indexOf('_');
        return underscore > 0 ? name.substring(0, underscore) : name;
    }

    private static double seconds(String text, String what) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text.trim() + "' is not a number of seconds");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a number of seconds >= 0, found " + text.trim());
        }
        return value;
    }
}
