package io.emotionstream.job;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each face (each face track of a camera) a steady emotion next to each clip's own, leaving the scored clip as it
 * is ({@link FaceEmotion}): the steady label is set by the first confident clip
 * and changes only when another label wins {@code switchAfter} confident clips in a row, so one odd clip (a blink, a
 * word mid-sentence) never flips it and a real change shows after {@code switchAfter} clips. Uncertain clips
 * neither confirm nor challenge it. The smoothed confidence is the mean probability of the steady label over the
 * last {@code window} clips. A pause longer than {@code maxGapMillis} starts afresh; state of a face without clips
 * for {@code stateTtlMillis} is dropped. A face's clips arrive in order (one scorer subtask per camera). Keyed by
 * {@link ScoredClip#faceKey()}.
 */
public class EmotionSmoother extends KeyedProcessFunction<String, ScoredClip, FaceEmotion> {
    private final SmoothingSettings settings;
    private transient ValueState<SmoothingState> state;

    public EmotionSmoother(SmoothingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<SmoothingState> descriptor = new ValueStateDescriptor<>("smoothing", SmoothingState.class);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(settings.stateTtlMillis())).build());
        state = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(ScoredClip clip, Context ctx, Collector<FaceEmotion> out) throws Exception {
        int labels = clip.probabilities.length;
        SmoothingState s = state.value();
        if (s == null || s.recent.length != settings.window() * labels
                || clip.clipStartMillis - s.lastClipEnd > settings.maxGapMillis()) {
            s = new SmoothingState();
            s.recent = new float[settings.window() * labels];
        }
        System.arraycopy(clip.probabilities, 0, s.recent, s.next * labels, labels);
        s.next = (s.next + 1) % settings.window();
        s.recentCount = Math.min(settings.window(), s.recentCount + 1);
        s.lastClipEnd = Math.max(s.lastClipEnd, clip.clipEndMillis);

        if (clip.label.equals(s.label)) {
            s.candidate = null;
            s.candidateRun = 0;
        } else if (clip.confident) {
            if (s.label == null) {
                s.label = clip.label;
            } else {
                s.candidateRun = clip.label.equals(s.candidate) ? s.candidateRun + 1 : 1;
                s.candidate = clip.label;
                if (s.candidateRun >= settings.switchAfter()) {
                    s.label = s.candidate;
                    s.candidate = null;
                    s.candidateRun = 0;
                }
            }
        }
        state.update(s);

        if (s.label == null) {
            out.collect(new FaceEmotion(clip, null, 0, 0));
            return;
        }
        int index = indexOf(clip.labels, s.label);
        float sum = 0;
        for (int i = 0; i < s.recentCount; i++) {
            sum += s.recent[i * labels + index];
        }
        out.collect(new FaceEmotion(clip, s.label, sum / s.recentCount, s.recentCount));
    }

    private static int indexOf(String[] labels, String label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equals(label)) {
                return i;
            }
        }
        throw new IllegalStateException("label " + label + " is not among " + String.join(", ", labels));
    }
}
