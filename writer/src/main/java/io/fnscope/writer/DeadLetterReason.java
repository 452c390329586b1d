package io.fnscope.writer;

/**
 * Why a record went to the dead-letter topic: the {@code fnscope-dlq-reason} header and the {@code reason} tag of
 * {@code fnscope_writer_dead_letters_total}.
 */
enum DeadLetterReason {
    /** A {@code fnscope-*} or {@code content-type} header is missing or malformed (the message names it). */
    BAD_HEADERS("bad_headers"),
    /** The {@code fnscope-signal} header names another signal than the topic carries. */
    WRONG_TOPIC("wrong_topic"),
    /** The {@code content-type} is not the one the signal's payload is written in. */
    BAD_CONTENT_TYPE("bad_content_type"),
    /** The value does not decode (not protobuf / JSON of the right shape), or breaks the contract (an id of the wrong length). */
    BAD_PAYLOAD("bad_payload"),
    /** ClickHouse refused the record's rows (a non-retryable error), also when inserted on its own. */
    INSERT_REJECTED("insert_rejected");

    private final String tag;

    DeadLetterReason(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }

    /** The reason with this tag, or null. */
    static DeadLetterReason fromTag(String tag) {
        for (DeadLetterReason r : values()) {
            if (r.tag.equals(tag)) {
                return r;
            }
        }
        return null;
    }

    static java.util.List<String> tags() {
        return java.util.Arrays.stream(values()).map(DeadLetterReason::tag).toList();
    }
}
