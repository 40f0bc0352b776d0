package io.emotionstream.kafka.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders that hold faces (the broker's frames, the job's checkpoints with clips in progress, savepoints) or secrets:
 * made readable by their owner only (0700), also when they exist already, so that no other local user can read what
 * is inside whatever modes its files get.
 */
public final class PrivateFolders {
    private PrivateFolders() {}

    /** Creates the folder (and its missing parents) if needed and makes it owner-only; returns it. */
    public static Path create(Path folder) throws IOException {
        Files.createDirectories(folder);
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: left as the platform makes it
        }
        return folder;
    }
}
