package io.emotionstream.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for a generated Avro class in Avro's single-object encoding, as every topic of the project uses;
 * it reads records of the current and of every earlier schema version ({@link SingleObject#decoder}).
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {
    private final BinaryMessageDecoder<T> decoder;

    public SingleObjectSerde(Class<T> type) {
        this.decoder = SingleObject.decoder(type);
    }

    /** Decodes, failing with the reason when the bytes are no record of this type. */
    public T decode(byte[] bytes) throws IOException {
        return decoder.decode(bytes);
    }

    public byte[] encode(T value) {
        return SingleObject.encode(value);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decode(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
