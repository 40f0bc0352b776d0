package io.emotionstream.dashboard;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Kafka's client metrics (Kafka Streams, its consumers and producers) in Prometheus' text format: a metric of group
 * {@code stream-thread-metrics} named {@code process-rate} with tag {@code thread-id} becomes
 * {@code kafka_stream_thread_metrics_process_rate{thread_id="..."}}. Metrics without a numeric value are left out.
 */
final class PrometheusText {
    private PrometheusText() {}

    static String render(Map<MetricName, ? extends Metric> metrics) {
        Map<String, TreeMap<String, String>> byName = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (!(e.getValue().metricValue() instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                continue;
            }
            MetricName name = e.getKey();
            String metric = "kafka_" + sanitize(name.group() + "_" + name.name());
            String labels = name.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(t -> sanitize(t.getKey()) + "=\"" + escape(t.getValue()) + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
            byName.computeIfAbsent(metric, k -> new TreeMap<>()).put(labels, number.toString());
        }
        StringBuilder text = new StringBuilder();
        byName.forEach((metric, series) -> {
            text.append("# TYPE ").append(metric).append(" gauge\n");
            series.forEach((labels, value) -> text.append(metric).append(labels.equals("{}") ? "" : labels)
                    .append(' ').append(value).append('\n'));
        });
        return text.toString();
    }

    /**
     * Each camera's lag, as {@code emotion_stream_camera_lag_seconds{camera="..."}}: how far behind live its newest
     * event was when scored (more than a second while the job catches up after a restart or an outage).
     */
    static String cameraLag(Map<String, Double> lagSeconds) {
        StringBuilder text = new StringBuilder("# HELP emotion_stream_camera_lag_seconds clip end to score of the "
                + "camera's newest event\n# TYPE emotion_stream_camera_lag_seconds gauge\n");
        lagSeconds.forEach((camera, lag) -> text.append("emotion_stream_camera_lag_seconds{camera=\"")
                .append(escape(camera)).append("\"} ").append(lag).append('\n'));
        return text.toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
