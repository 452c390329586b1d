package io.fnscope.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/** The body of every error answer of the API: {@code {"error": "what went wrong and what to do"}}. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(String error) {
}
