# Flink for the emotion job: Flink's own distribution on Debian 12 (the dlib bridge needs glibc 2.36 or later),
# with dlib's landmark model, the job jar and the models. Build the jar first: mvn -DskipTests package
FROM flink:2.2.1-java17 AS flink

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless libdlib-data procps \
    && rm -rf /var/lib/apt/lists/*
COPY --from=flink /opt/flink /opt/flink
ENV FLINK_HOME=/opt/flink PATH=/opt/flink/bin:$PATH
COPY flink-job/target/emotion-stream-job.jar /opt/emotion-stream/emotion-stream-job.jar
COPY models/compact-r2plus1d /opt/emotion-stream/models/compact-r2plus1d
WORKDIR /opt/flink
