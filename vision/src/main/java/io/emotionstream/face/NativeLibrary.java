package io.emotionstream.face;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Loads a JNI library packaged inside the jar under {@code native/linux-x86-64/}. */
final class NativeLibrary {
    private NativeLibrary() {}

    private static final java.util.Set<String> LOADED = new java.util.HashSet<>();

    /** Whether the jar holds {@code lib<name>.so}. */
    static boolean packaged(String name) {
        return NativeLibrary.class.getResource(resource(name)) != null;
    }

    private static String resource(String name) {
        return "/native/linux-x86-64/lib" + name + ".so";
    }

    /** Whether this machine's processor has all these features (the flags of /proc/cpuinfo); false where unknown. */
    static boolean cpuHas(String... features) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            Set<String> flags = lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(Set.of());
            return flags.containsAll(List.of(features));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Loads {@code lib<name>.so} once per class loader (later calls do nothing).
     *
     * @throws UnsatisfiedLinkError with the reason when this platform is not Linux x86-64, the jar lacks the library
     *     (built without libdlib-dev) or the library cannot be loaded
     */
    static synchronized void load(String name) {
        if (LOADED.contains(name)) {
            return;
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError("the " + name + " native library is built for Linux x86-64 only, not "
                    + os + " " + arch);
        }
        String resource = resource(name);
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("native library " + resource + " is not in the jar; build the project"
                        + " on Linux x86-64 with Debian's libdlib-dev installed (apt-get install libdlib-dev)");
            }
            Path file = Files.createTempFile("lib" + name, ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toString());
            LOADED.add(name);
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
        }
    }
}
