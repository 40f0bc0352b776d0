package io.emotionstream.model;

/** A model that cannot be used as asked: unreadable or inconsistent descriptor, ONNX file or input. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
