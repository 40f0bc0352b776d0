package io.emotionstream.model;

import io.emotionstream.image.RgbFrame;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model's fixtures as written by models/emotion_models/export.py. */
final class Fixture {
    final JsonNode json;
    final List<List<RgbFrame>> clips = new ArrayList<>();
    final float[] input;
    final float[][] probabilities;
    final double inputTolerance;
    final double probabilityTolerance;

    Fixture(ModelDescriptor model) throws IOException {
        Path file = model.fixtures();
        Path dir = file.getParent();
        json = new ObjectMapper().readTree(file.toFile());
        int[] shape = ints(json.get("clips_shape"));
        byte[] raw = Files.readAllBytes(dir.resolve(json.get("clips").asText()));
        int frameBytes = shape[2] * shape[3] * shape[4];
        for (int c = 0, offset = 0; c < shape[0]; c++) {
            List<RgbFrame> clip = new ArrayList<>();
            for (int t = 0; t < shape[1]; t++, offset += frameBytes) {
                byte[] pixels = new byte[frameBytes];
                System.arraycopy(raw, offset, pixels, 0, frameBytes);
                clip.add(new RgbFrame(shape[3], shape[2], pixels));
            }
            clips.add(clip);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(json.get("input").asText())))
                .order(ByteOrder.LITTLE_ENDIAN);
        input = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(input);
        JsonNode rows = json.get("probabilities");
        probabilities = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            probabilities[i] = new float[rows.get(i).size()];
            for (int j = 0; j < rows.get(i).size(); j++) {
                probabilities[i][j] = (float) rows.get(i).get(j).asDouble();
            }
        }
        inputTolerance = json.at("/tolerance/input").asDouble();
        probabilityTolerance = json.at("/tolerance/probabilities").asDouble();
    }

    private static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }
}
