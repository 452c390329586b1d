package io.fnscope.query.alerts;

import io.fnscope.query.BadRequestException;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Locale;

/**
 * What a budget or a rule watches: the whole tenant, one service, one function, or the functions that carry a
 * resource attribute ({@code team=payments}). Every scope resolves to a set of functions read from the roll-ups.
 *
 * @param type  tenant, service, function or tag
 * @param value the service or function name, or {@code key=value} of a tag; empty for the tenant
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Scope(String type, String value) {
    public static final Scope TENANT = new Scope("tenant", "");

    public Scope {
        type = type == null ? "tenant" : type.trim().toLowerCase(Locale.ROOT);
        value = value == null ? "" : value.trim();
        switch (type) {
            case "tenant" -> value = "";
            case "service", "function" -> {
                if (value.isEmpty()) {
                    throw new BadRequestException("scope.value: a " + type + " scope needs the " + type + "'s name");
                }
            }
            case "tag" -> {
                int eq = value.indexOf('=');
                if (eq <= 0 || eq == value.length() - 1) {
                    throw new BadRequestException("scope.value: a tag scope is key=value (team=payments), got '"
                            + value + "'");
                }
            }
            default -> throw new BadRequestException("scope.type: expected tenant, service, function or tag, got '"
                    + type + "'");
        }
    }

    String tagKey() {
        return value.substring(0, value.indexOf('='));
    }

    String tagValue() {
        return value.substring(value.indexOf('=') + 1);
    }

    /** For titles: "all functions", "function checkout", "tag team=payments". */
    String describe() {
        return type.equals("tenant") ? "all functions" : type + " " + value;
    }

    /** {@link #describe()} to start a sentence with. */
    String describeCapitalized() {
        String d = describe();
        return Character.toUpperCase(d.charAt(0)) + d.substring(1);
    }
}
