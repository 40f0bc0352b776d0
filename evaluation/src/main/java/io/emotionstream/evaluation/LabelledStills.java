package io.emotionstream.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A folder of still face images laid out one subfolder per class ({@code <folder>/<label>/<image>}), as
 * {@code ../shared/data/fer2013/val}. Any subset of the model's labels may be present.
 */
public final class LabelledStills {
    /** One image and the index of its true label. */
    public record Item(Path file, String relativePath, int label) {}

    private static final Set<String> IMAGE_SUFFIXES = Set.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private final Path folder;
    private final List<Item> items;

    private LabelledStills(Path folder, List<Item> items) {
        this.folder = folder;
        this.items = items;
    }

    /**
     * Lists the images of a labelled folder.
     *
     * @param labels the model's labels; a subfolder that is none of them is refused
     * @param only relative paths ({@code <label>/<file>}) to keep, or null for all (a fixed split, say)
     * @throws IllegalArgumentException when the folder cannot be read, holds a class the model does not know, holds
     *     no images, or lacks a file that {@code only} names
     */
    public static LabelledStills scan(Path folder, List<String> labels, Set<String> only) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("cannot read " + folder + ": not a folder");
        }
        if (!Files.isReadable(folder)) {
            throw new IllegalArgumentException("cannot read " + folder + ": permission denied");
        }
        List<Item> items = new ArrayList<>();
        List<Path> classFolders;
        try (Stream<Path> children = Files.list(folder)) {
            classFolders = children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + folder + ": " + e.getMessage(), e);
        }
        if (classFolders.isEmpty()) {
            throw new IllegalArgumentException(folder + " has no class subfolders; expected one per class, named "
                    + "after the model's labels " + labels);
        }
        for (Path classFolder : classFolders) {
            String label = classFolder.getFileName().toString();
            int index = labels.indexOf(label);
            if (index < 0) {
                throw new IllegalArgumentException(folder + " has a class '" + label + "' that the model does not know;"
                        + " its labels are " + labels);
            }
            try (Stream<Path> files = Files.list(classFolder)) {
                for (Path file : files.filter(LabelledStills::isImage).sorted().toList()) {
                    String relative = label + "/" + file.getFileName();
                    if (only == null || only.contains(relative)) {
                        items.add(new Item(file, relative, index));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("cannot read " + classFolder + ": " + e.getMessage(), e);
            }
        }
        if (only != null) {
            Set<String> found = new HashSet<>();
            items.forEach(item -> found.add(item.relativePath()));
            List<String> missing = only.stream().filter(p -> !found.contains(p)).sorted().limit(5).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(folder + " lacks " + (only.size() - found.size())
                        + " listed images, e.g. " + missing);
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(folder + " holds no images (png, jpg, jpeg, bmp, gif) in its class folders");
        }
        return new LabelledStills(folder, Collections.unmodifiableList(items));
    }

    /** Reads a list of relative paths, one a line; blank lines and lines starting with # are skipped. */
    public static Set<String> readList(Path listFile) {
        try {
            Set<String> paths = new HashSet<>();
            for (String line : Files.readAllLines(listFile)) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    paths.add(trimmed);
                }
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException(listFile + " lists no images");
            }
            return paths;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read list " + listFile + ": " + e.getMessage(), e);
        }
    }

    public Path folder() {
        return folder;
    }

    public List<Item> items() {
        return items;
    }

    /**
     * The same stills judged by other labels: each item whose relative path {@code labels} names gets that label, the
     * others are left out (the FER+ majority of FER2013 images, say).
     *
     * @throws IllegalArgumentException when no still is left
     */
    public LabelledStills relabelled(java.util.Map<String, Integer> labels) {
        List<Item> kept = new ArrayList<>();
        for (Item item : items) {
            Integer label = labels.get(item.relativePath());
            if (label != null) {
                kept.add(new Item(item.file(), item.relativePath(), label));
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("none of the " + items.size() + " stills in " + folder
                    + " has one of the new labels");
        }
        return new LabelledStills(folder, Collections.unmodifiableList(kept));
    }

    /** Label indices that occur as truth, in label order. */
    public int[] presentLabels() {
        return items.stream().mapToInt(Item::label).distinct().sorted().toArray();
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && IMAGE_SUFFIXES.contains(name.substring(dot)) && Files.isRegularFile(file);
    }
}
