package io.fnscope.collector;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;

import java.util.ArrayList;
import java.util.List;

/**
 * The OTel SDK's attribute limits, applied on the receiving side: at most {@code maxCount} attributes are kept (the
 * first ones, as an SDK keeps the first ones set) and string values longer than {@code maxLength} UTF-16 characters
 * are cut to that length. Strings inside array and key-value-list values are cut too. A cut never splits a surrogate
 * pair (the SDK's {@code substring} can; a lone surrogate would not survive UTF-8 encoding).
 */
final class AttributeLimits {
    private AttributeLimits() {
    }

    static boolean exceeds(List<KeyValue> attributes, int maxCount, int maxLength) {
        if (attributes.size() > maxCount) {
            return true;
        }
        for (KeyValue kv : attributes) {
            if (tooLong(kv.getValue(), maxLength)) {
                return true;
            }
        }
        return false;
    }

    private static boolean tooLong(AnyValue v, int maxLength) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue().length() > maxLength;
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().anyMatch(x -> tooLong(x, maxLength));
            case KVLIST_VALUE -> v.getKvlistValue().getValuesList().stream().anyMatch(x -> tooLong(x.getValue(), maxLength));
            default -> false;
        };
    }

    /**
     * Returns the attributes within the limits, counting what it dropped and truncated into {@code tally}; the
     * caller adds {@code attributes.size() - result.size()} to the owner's {@code dropped_attributes_count}.
     */
    static List<KeyValue> apply(List<KeyValue> attributes, int maxCount, int maxLength, Tally tally) {
        List<KeyValue> kept = attributes.size() > maxCount ? attributes.subList(0, maxCount) : attributes;
        tally.limit(LimitKind.ATTRIBUTE_DROPPED, attributes.size() - kept.size());
        List<KeyValue> out = null;
        for (int i = 0; i < kept.size(); i++) {
            KeyValue kv = kept.get(i);
            AnyValue v = truncate(kv.getValue(), maxLength, tally);
            if (v != kv.getValue()) {
                if (out == null) {
                    out = new ArrayList<>(kept);
                }
                out.set(i, kv.toBuilder().setValue(v).build());
            }
        }
        return out != null ? out : kept;
    }

    /** The value with its strings cut to {@code maxLength}, or the same instance when nothing was cut. */
    static AnyValue truncate(AnyValue v, int maxLength, Tally tally) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> {
                String s = v.getStringValue();
                if (s.length() <= maxLength) {
                    return v;
                }
                tally.limit(LimitKind.VALUE_TRUNCATED, 1);
                int cut = maxLength;
                if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) {
                    cut--;
                }
                return AnyValue.newBuilder().setStringValue(s.substring(0, cut)).build();
            }
            case ARRAY_VALUE -> {
                List<AnyValue> values = v.getArrayValue().getValuesList();
                List<AnyValue> out = null;
                for (int i = 0; i < values.size(); i++) {
                    AnyValue t = truncate(values.get(i), maxLength, tally);
                    if (t != values.get(i)) {
                        if (out == null) {
                            out = new ArrayList<>(values);
                        }
                        out.set(i, t);
                    }
                }
                return out == null ? v : AnyValue.newBuilder()
                        .setArrayValue(ArrayValue.newBuilder().addAllValues(out)).build();
            }
            case KVLIST_VALUE -> {
                List<KeyValue> values = v.getKvlistValue().getValuesList();
                List<KeyValue> out = null;
                for (int i = 0; i < values.size(); i++) {
                    AnyValue t = truncate(values.get(i).getValue(), maxLength, tally);
                    if (t != values.get(i).getValue()) {
                        if (out == null) {
                            out = new ArrayList<>(values);
                        }
                        out.set(i, values.get(i).toBuilder().setValue(t).build());
                    }
                }
                return out == null ? v : AnyValue.newBuilder()
                        .setKvlistValue(KeyValueList.newBuilder().addAllValues(out)).build();
            }
            default -> {
                return v;
            }
        }
    }
}
