package io.fnscope.query;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A trace id as the API takes it: 32 hex digits (OpenTelemetry, W3C trace context), or an AWS X-Ray id
 * ({@code 1-5759e988-bd862e3fe1be46a994272793}, which is the same 16 bytes: epoch seconds then 96 random bits, as
 * the OTel X-Ray propagator maps it). Held as 32 lower-case hex digits, the form every answer uses.
 */
record TraceId(String hex) {
    private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern XRAY = Pattern.compile("1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})");
    static final String ZERO = "0".repeat(32);

    static TraceId parse(String parameter, String value) {
        String v = value == null ? "" : value.trim();
        String hex = null;
        if (HEX32.matcher(v).matches()) {
            hex = v.toLowerCase(Locale.ROOT);
        } else {
            var m = XRAY.matcher(v);
            if (m.matches()) {
                hex = (m.group(1) + m.group(2)).toLowerCase(Locale.ROOT);
            }
        }
        if (hex == null) {
            throw new BadRequestException(parameter + " must be 32 hex digits (an OpenTelemetry trace id) or an X-Ray"
                    + " trace id like 1-5759e988-bd862e3fe1be46a994272793, got '" + value + "'");
        }
        if (hex.equals(ZERO)) {
            throw new BadRequestException(parameter + " is all zeros, which is not a valid trace id");
        }
        return new TraceId(hex);
    }

    byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
