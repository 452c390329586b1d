package io.fnscope.query;

import com.fasterxml.jackson.core.StreamWriteFeature;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.serde.jackson.SerdeJacksonConfiguration;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/**
 * Writes {@link java.math.BigDecimal}s as plain numbers ({@code 0.0000004}, not {@code 4E-7}): the API's money
 * amounts are mostly below a micro-dollar, and a reader of {@code curl} output should not have to decode exponents.
 * Both are valid JSON numbers with the same value; this changes only the spelling, for every BigDecimal the process
 * writes (fnscope writes none elsewhere).
 */
@Singleton
@Requires(property = "fnscope.query.enabled", notEquals = "false")
@Requires(classes = SerdeJacksonConfiguration.class)
class PlainDecimals implements BeanCreatedEventListener<SerdeJacksonConfiguration> {

    @Override
    public SerdeJacksonConfiguration onCreated(BeanCreatedEvent<SerdeJacksonConfiguration> event) {
        SerdeJacksonConfiguration c = event.getBean();
        Map<StreamWriteFeature, Boolean> features = new HashMap<>(c.getStreamFeatures());
        features.put(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN, true);
        c.setStreamFeatures(features);
        return c;
    }
}
