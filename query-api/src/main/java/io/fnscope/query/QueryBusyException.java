package io.fnscope.query;

/** The API's statements are all busy and this one waited out its turn: 503 with Retry-After, the caller may retry. */
final class QueryBusyException extends RuntimeException {
    QueryBusyException(String message) {
        super(message, null, false, false);
    }
}
