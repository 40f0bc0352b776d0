# The emotion-stream command line (camera agents, evaluate). Build it first: mvn -DskipTests package
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless libdlib-data \
    && rm -rf /var/lib/apt/lists/*
COPY app/target/emotion-stream-app.jar /opt/emotion-stream/app/target/emotion-stream-app.jar
COPY app/target/lib /opt/emotion-stream/app/target/lib
COPY models/compact-r2plus1d /opt/emotion-stream/models/compact-r2plus1d
COPY samples /opt/emotion-stream/samples
WORKDIR /opt/emotion-stream
ENTRYPOINT ["java", "-Demotionstream.home=/opt/emotion-stream", "-cp", "app/target/emotion-stream-app.jar:app/target/lib/*", "io.emotionstream.app.Main"]
CMD ["--help"]
