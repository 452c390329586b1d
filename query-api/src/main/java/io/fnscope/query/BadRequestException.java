package io.fnscope.query;

/**
 * A request the API cannot answer as asked: a malformed or out-of-bounds parameter. The message names the parameter
 * and what to send instead; {@link BadRequestHandler} turns it into a 400 with that message, the only way the API
 * answers 400 for its own checks.
 */
public final class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}
