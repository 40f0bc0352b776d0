package io.emotionstream.schema;

import java.util.regex.Pattern;

/**
 * What a camera id may be, for agents and the job alike: 1 to {@value #MAX_LENGTH} letters, digits, '.', '_' or '-'.
 * A frame of another id is refused (a dead letter), so a flood of long or odd ids cannot grow the job's keyed state
 * or its dead letters without bound.
 */
public final class CameraIds {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private CameraIds() {}

    public static boolean valid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Why an id is not valid, naming at most its first {@value #MAX_LENGTH} characters; null when it is. */
    public static String problem(String id) {
        if (valid(id)) {
            return null;
        }
        if (id == null || id.isEmpty()) {
            return "camera id is empty";
        }
        return "camera id '" + shown(id) + "' (" + id.length() + " characters) must be 1-" + MAX_LENGTH
                + " letters, digits, '.', '_' or '-'";
    }

    /** The id as it may be shown and kept in a dead letter: cut to {@value #MAX_LENGTH} characters. */
    public static String shown(String id) {
        return id == null || id.length() <= MAX_LENGTH ? id : id.substring(0, MAX_LENGTH) + "...";
    }
}
