package io.fnscope.query.alerts.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/** What the chat formats share: the JSON writer, the state prefix and the one-line fallback text. */
final class Formats {
    /** Only builds trees and writes them; never configured after creation, so one instance serves every thread. */
    static final ObjectMapper JSON = new ObjectMapper();

    static final String OPEN_LABEL = "Open in fnscope";

    private Formats() {
    }

    /** {@code [FIRING]}, {@code [RESOLVED]} or {@code [TEST]}: the state a reader sees first in every format. */
    static String prefix(Notification.State state) {
        return "[" + state.name() + "]";
    }

    /** Prefix and title, e.g. {@code [FIRING] Budget 'payments' at 82 % of $500.00 (month)}. */
    static String headline(Notification n) {
        return prefix(n.state()) + " " + n.title();
    }

    /** Headline and summary on one line: what a phone's notification or a client without cards shows. */
    static String fallback(Notification n) {
        return n.summary().isEmpty() ? headline(n) : headline(n) + ": " + n.summary();
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Cuts to at most {@code max} characters, ending with an ellipsis when cut (never splits a surrogate pair). */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    /** {@code &}, {@code <} and {@code >} as entities: Slack mrkdwn and Google Chat card text both need it. */
    static String escapeMarkup(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static byte[] write(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; reaching this is a bug, not an input problem.
            throw new IllegalStateException("cannot write notification JSON", e);
        }
    }
}
