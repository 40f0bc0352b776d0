package io.emotionstream.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro's single-object encoding of the project's records, as bytes for a Kafka record value. Each record carries
 * its writer schema's fingerprint; the decoders here know the current schemas and every earlier version of them
 * (kept in {@code history/} next to this class), so records written before a schema evolved still read, with the
 * new fields at their defaults.
 */
public final class SingleObject {
    /** Earlier versions of the schemas, in resources under io/emotionstream/schema/history/. */
    private static final List<String> HISTORY = List.of("EmotionEvent-1.avsc", "CameraSummary-1.avsc",
            "EmotionEvent-2.avsc", "CameraSummary-2.avsc", "EmotionEvent-3.avsc", "CameraSummary-3.avsc");

    private static final SchemaStore.Cache EARLIER = new SchemaStore.Cache();

    static {
        for (String name : HISTORY) {
            try (InputStream in = SingleObject.class.getResourceAsStream("history/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("schema history file " + name + " is missing from the jar");
                }
                EARLIER.addSchema(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history file " + name, e);
            }
        }
    }

    private SingleObject() {}

    public static byte[] encode(SpecificRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<SpecificRecord>(SpecificData.get(), record.getSchema())
                    .encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + record.getSchema().getName() + " record", e);
        }
    }

    /** A decoder of a generated record type that reads its current schema and every earlier version. */
    public static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type) {
        return new BinaryMessageDecoder<>(SpecificData.get(), SpecificData.get().getSchema(type), EARLIER);
    }

    /**
     * A decoder that also reads records of schemas it looks up in {@code more} (e.g. {@link PublishedSchemas}): newer
     * writers' schemas, resolved to the current one.
     */
    public static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type, SchemaStore more) {
        SchemaStore both = fingerprint -> {
            Schema earlier = EARLIER.findByFingerprint(fingerprint);
            return earlier != null ? earlier : more.findByFingerprint(fingerprint);
        };
        return new BinaryMessageDecoder<>(SpecificData.get(), SpecificData.get().getSchema(type), both);
    }

    /** Decodes one record of a type (current or earlier schema); IOException with the reason when it is none. */
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) throws IOException {
        return decoder(type).decode(bytes);
    }
}
