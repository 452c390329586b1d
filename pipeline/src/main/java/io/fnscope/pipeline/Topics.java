package io.fnscope.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of fnscope's Kafka topics: one per {@link Signal}, plus the dead-letter topic where the writer parks
 * records it cannot decode.
 */
public record Topics(String prefix) {

    public String of(Signal signal) {
        return prefix + signal.id();
    }

    public String deadLetter() {
        return prefix + "dead-letter";
    }

    public List<String> all() {
        List<String> names = new ArrayList<>();
        for (Signal s : Signal.values()) {
            names.add(of(s));
        }
        names.add(deadLetter());
        return names;
    }

    /** The signal a topic carries, or null for topics that carry none (the dead-letter topic). */
    public Signal signalOf(String topic) {
        for (Signal s : Signal.values()) {
            if (of(s).equals(topic)) {
                return s;
            }
        }
        return null;
    }
}
