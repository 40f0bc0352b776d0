package io.emotionstream.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Avro's single-object encoding of the project's records, as bytes for a Kafka record value. */
public final class SingleObject {
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
}
