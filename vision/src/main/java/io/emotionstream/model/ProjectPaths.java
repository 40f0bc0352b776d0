package io.emotionstream.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's models and the shared data live, for defaults of commands and for tests. */
public final class ProjectPaths {
    /** The model that commands use when none is named. */
    public static final String DEFAULT_MODEL = "compact-r2plus1d";

    private ProjectPaths() {}

    /**
     * The project root: the system property {@code emotionstream.home} (the launcher and the Maven build set it),
     * else the environment variable {@code EMOTION_STREAM_HOME}, else the nearest folder at or above the working
     * directory that holds {@code models/}.
     */
    public static Path home() {
        String configured = System.getProperty("emotionstream.home", System.getenv("EMOTION_STREAM_HOME"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return dir;
    }

    public static Path models() {
        return home().resolve("models");
    }

    public static Path defaultModel() {
        return models().resolve(DEFAULT_MODEL);
    }

    /** The shared data folder beside the checkout ({@code ../shared/data}). */
    public static Path sharedData() {
        return home().resolve("..").resolve("shared").resolve("data").normalize();
    }
}
