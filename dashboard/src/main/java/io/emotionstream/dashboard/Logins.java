package io.emotionstream.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The dashboard's users: {@code name:password} lines of a file (blank lines and {@code #} comments skipped), checked
 * against HTTP Basic credentials. Every check compares SHA-256 digests of the whole credential with every user's in
 * constant time, so neither the time taken nor an early exit tells how much of a name or password was right.
 */
final class Logins {
    /** The challenge for a request without (valid) credentials. */
    static final String CHALLENGE = "Basic realm=\"emotion-stream dashboard\", charset=\"UTF-8\"";

    private final List<byte[]> digests;

    private Logins(List<byte[]> digests) {
        this.digests = digests;
    }

    static Logins read(Path file) {
        List<byte[]> digests = new ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon < 1 || colon == entry.length() - 1) {
                    throw new IllegalArgumentException("line " + number + " of " + file + " is not name:password");
                }
                digests.add(digest(entry));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the logins file " + file + ": " + e.getMessage());
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("no name:password line in the logins file " + file);
        }
        return new Logins(digests);
    }

    /** Whether an Authorization header carries Basic credentials of one of the users. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = digest(new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        boolean match = false;
        for (byte[] user : digests) {
            match |= MessageDigest.isEqual(user, given);
        }
        return match;
    }

    /** The user name that HTTP Basic credentials give (before their first ':'), or null for none or unreadable. */
    static String userOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = credentials.indexOf(':');
            String user = colon < 0 ? credentials : credentials.substring(0, colon);
            return user.length() > 256 ? user.substring(0, 256) : user;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static byte[] digest(String credentials) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credentials.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
