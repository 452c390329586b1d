package io.fnscope.collector;

/**
 * The request as a whole cannot be used: it does not decode, or every item in it was rejected. The one exception
 * type the transports turn into 400 / INVALID_ARGUMENT, with this message as the answer's text.
 */
final class InvalidTelemetryException extends IllegalArgumentException {
    InvalidTelemetryException(String message) {
        super(message);
    }

    InvalidTelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
