package io.fnscope.writer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Strings as ClickHouse reads them: LEB128 byte length, then UTF-8, whichever path {@link Bytes#string} takes. */
class BytesTest {

    private static byte[] expected(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = utf8.length;
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    @Test
    void stringsOfEveryKindAndLength() {
        String[] values = {"", "a", "GET /orders/{id}", "x".repeat(127), "y".repeat(128), "z".repeat(300),
                "café", "é".repeat(70), "訂單", "emoji 🚀 ok", "ascii then é at the end of a string of some length",
                "\u007f", "\u0080", "a".repeat(126) + "é"};
        Bytes b = new Bytes();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String v : values) {
            b.string(v);
            all.writeBytes(expected(v));
        }
        assertThat(b.toArray()).isEqualTo(all.toByteArray());
    }

    @Test
    void aNonAsciiStringOverwritesWhatTheAsciiPassWrote() {
        Bytes b = new Bytes();
        b.string("ab").string("aé").string("cd");
        assertThat(b.toArray()).isEqualTo(new byte[] {2, 'a', 'b', 3, 'a', (byte) 0xC3, (byte) 0xA9, 2, 'c', 'd'});
    }

    @Test
    void growsPastItsInitialCapacity() {
        Bytes b = new Bytes();
        String s = "0123456789".repeat(12); // 120 bytes, one-byte length
        for (int i = 0; i < 100; i++) {
            b.string(s);
        }
        assertThat(b.size()).isEqualTo(100 * 121);
        assertThat(b.toArray()[121 * 99]).isEqualTo((byte) 120);
    }
}
