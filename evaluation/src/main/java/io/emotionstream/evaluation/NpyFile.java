package io.emotionstream.evaluation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes an array of bytes as a NumPy {@code .npy} file (format version 1.0, dtype uint8, C order), which
 * {@code numpy.load} reads: how the evaluation hands the face crops it scored to the model code in Python.
 */
public final class NpyFile {
    private NpyFile() {}

    /**
     * @param shape the array's dimensions; their product must be the data's length
     */
    public static void writeUint8(Path file, int[] shape, byte[] data) throws IOException {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " values, not "
                    + data.length);
        }
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        StringBuilder header = new StringBuilder("{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? ",), }" : "), }"));
        // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                    (byte) (text.length & 0xff), (byte) (text.length >>> 8)});
            out.write(text);
            out.write(data);
        }
    }
}
