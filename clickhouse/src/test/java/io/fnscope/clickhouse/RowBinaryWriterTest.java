package io.fnscope.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-exact RowBinary for each shape (the engine tests read the same shapes back through ClickHouse). */
class RowBinaryWriterTest {

    interface Body {
        void write(RowBinaryWriter w) throws IOException;
    }

    static String hex(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RowBinaryWriter w = new RowBinaryWriter(out);
        body.write(w);
        w.flush();
        assertThat(w.bytesWritten()).isEqualTo(out.size());
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void integersAreLittleEndian() throws IOException {
        assertThat(hex(w -> w.uint8(255).uint16(0x0102).uint32(0x01020304L))).isEqualTo("ff" + "0201" + "04030201");
        assertThat(hex(w -> w.uint64(-1L))).isEqualTo("ffffffffffffffff");
        assertThat(hex(w -> w.int64(1))).isEqualTo("0100000000000000");
        assertThat(hex(w -> w.int8(-1).int16(-2).int32(-3))).isEqualTo("ff" + "feff" + "fdffffff");
        assertThat(hex(w -> w.float64(1.0))).isEqualTo("000000000000f03f");
        assertThat(hex(w -> w.bool(true).bool(false).enum8(2))).isEqualTo("010002");
    }

    @Test
    void stringsAreLengthPrefixedUtf8() throws IOException {
        assertThat(hex(w -> w.string("ab"))).isEqualTo("026162");
        assertThat(hex(w -> w.string("é"))).isEqualTo("02c3a9");
        assertThat(hex(w -> w.string("x".repeat(200)))).startsWith("c801");
        assertThat(hex(w -> w.fixedString(new byte[] {1, 2}, 4))).isEqualTo("01020000");
        assertThat(hex(w -> w.nullableString(null).nullableString("a"))).isEqualTo("01" + "000161");
    }

    @Test
    void timesArraysMapsAndUuids() throws IOException {
        Instant t = Instant.ofEpochSecond(1, 5);
        assertThat(hex(w -> w.dateTime64(t, 9))).isEqualTo(hex(w -> w.int64(1_000_000_005L)));
        assertThat(hex(w -> w.dateTime64(t, 3))).isEqualTo(hex(w -> w.int64(1000)));
        assertThat(hex(w -> w.dateTime64(Instant.ofEpochSecond(-1, 500_000_000), 3))).isEqualTo(hex(w -> w.int64(-500)));
        assertThat(hex(w -> w.stringArray(List.of("a", "")))).isEqualTo("02" + "0161" + "00");
        assertThat(hex(w -> w.stringMap(Map.of("k", "v")))).isEqualTo("01" + "016b" + "0176");
        assertThat(hex(w -> w.uuid(new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L))))
                .isEqualTo("0807060504030201" + "100f0e0d0c0b0a09");
    }

    @Test
    void largeWritesPassThroughTheBuffer() throws IOException {
        byte[] big = new byte[200_000];
        big[199_999] = 7;
        String h = hex(w -> w.uint8(1).raw(big, 0, big.length).uint8(2));
        assertThat(h).hasSize(2 * 200_002).startsWith("0100").endsWith("0702");
    }

    @Test
    void valuesOutOfRangeAreRefusedNotWrapped() {
        assertThatThrownBy(() -> hex(w -> w.uint8(256))).hasMessage("UInt8 out of range: 256");
        assertThatThrownBy(() -> hex(w -> w.uint32(-1))).hasMessage("UInt32 out of range: -1");
        assertThatThrownBy(() -> hex(w -> w.fixedString(new byte[5], 4))).hasMessage("FixedString(4) cannot hold 5 bytes");
        assertThatThrownBy(() -> hex(w -> w.string((String) null))).isInstanceOf(NullPointerException.class);
    }
}
