package io.emotionstream.schema;

import java.util.regex.Pattern;

/**
 * Sites: a group of cameras with a Kafka login of its own, so that a camera login can publish only as its own
 * cameras. Site {@code S} publishes to its own frames topic, {@code <frames topic>.S}, which only its login may write
 * (secure mode: user {@code camera-S}); the job names a camera of that topic {@code S:<camera id>}. A site's cameras
 * therefore cannot be impersonated from another site's topic, nor from the frames topic itself, whose cameras keep
 * their plain ids (no camera id holds a ':'). A site name is 1 to {@value #MAX_LENGTH} letters, digits, '_' or '-'.
 */
public final class CameraSites {
    public static final int MAX_LENGTH = 32;
    private static final String NAME = "[A-Za-z0-9_-]{1," + MAX_LENGTH + "}";
    private static final Pattern VALID = Pattern.compile(NAME);

    private CameraSites() {}

    /** The site name itself when valid. */
    public static String require(String site) {
        if (site == null || !VALID.matcher(site).matches()) {
            throw new IllegalArgumentException("site '" + site + "' must be 1-" + MAX_LENGTH
                    + " letters, digits, '_' or '-'");
        }
        return site;
    }

    /** The frames topic of a site. */
    public static String framesTopic(String framesTopic, String site) {
        return framesTopic + "." + require(site);
    }

    /** The frames topic and every site's: what the job reads. */
    public static Pattern framesTopics(String framesTopic) {
        return Pattern.compile(Pattern.quote(framesTopic) + "(\\." + NAME + ")?");
    }

    /** The site whose frames topic {@code topic} is; null for the frames topic itself (or another topic). */
    public static String siteOf(String framesTopic, String topic) {
        if (topic == null || !topic.startsWith(framesTopic + ".")) {
            return null;
        }
        String site = topic.substring(framesTopic.length() + 1);
        return VALID.matcher(site).matches() ? site : null;
    }

    /** The camera's name in the job: its id, after its site's name and a ':' for a site's camera. */
    public static String cameraName(String site, String cameraId) {
        return site == null ? cameraId : site + ":" + cameraId;
    }

    /** The Kafka user of a site's cameras on a secured Kafka. */
    public static String userName(String site) {
        return "camera-" + require(site);
    }
}
