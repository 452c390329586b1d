package io.fnscope.writer;

import io.fnscope.clickhouse.RowBinaryWriter;

import java.io.IOException;

/**
 * One column of a ClickHouse Native block, filled row by row and written column by column (the layout ClickHouse
 * reads in bulk, see {@link TableBuffer}):
 * <ul>
 *   <li>{@link Plain}: numbers, FixedString, DateTime64, Enum8 (fixed width) and String (length + bytes): the values
 *   one after another;</li>
 *   <li>{@link Nullable}: a null map (one byte per row, 1 = NULL), then every row's value (a zero one for NULLs);</li>
 *   <li>{@link Array}: the cumulative end offset of each row (UInt64), then every element;</li>
 *   <li>{@link MapColumn}: a Map is an Array of (key, value): offsets, then every key, then every value;</li>
 *   <li>{@link MapArray}: an Array of Maps: the outer offsets, then the maps as above.</li>
 * </ul>
 */
abstract sealed class NativeColumn permits NativeColumn.Plain, NativeColumn.Nullable, NativeColumn.Array,
        NativeColumn.MapColumn, NativeColumn.MapArray {
    final String name;
    final String type;

    NativeColumn(String name, String type) {
        this.name = name;
        this.type = type;
    }

    abstract void mark();

    abstract void rollback();

    abstract void clear();

    abstract long byteSize();

    /** The column's data, without name and type. */
    abstract void writeData(RowBinaryWriter out) throws IOException;

    /** Values one after another. */
    static final class Plain extends NativeColumn {
        final Bytes data = new Bytes();

        Plain(String name, String type) {
            super(name, type);
        }

        @Override
        void mark() {
            data.mark();
        }

        @Override
        void rollback() {
            data.rollback();
        }

        @Override
        void clear() {
            data.clear();
        }

        @Override
        long byteSize() {
            return data.size();
        }

        @Override
        void writeData(RowBinaryWriter out) throws IOException {
            data.writeTo(out);
        }
    }

    /** Nullable(T) of a fixed-width T. */
    static final class Nullable extends NativeColumn {
        private final Bytes nulls = new Bytes();
        private final Bytes values = new Bytes();
        private final int width;

        Nullable(String name, String type, int width) {
            super(name, type);
            this.width = width;
        }

        void nullValue() {
            nulls.u8(1);
            values.zeros(width);
        }

        /** Marks the row not NULL; write its value into the returned buffer. */
        Bytes value() {
            nulls.u8(0);
            return values;
        }

        @Override
        void mark() {
            nulls.mark();
            values.mark();
        }

        @Override
        void rollback() {
            nulls.rollback();
            values.rollback();
        }

        @Override
        void clear() {
            nulls.clear();
            values.clear();
        }

        @Override
        long byteSize() {
            return nulls.size() + values.size();
        }

        @Override
        void writeData(RowBinaryWriter out) throws IOException {
            nulls.writeTo(out);
            values.writeTo(out);
        }
    }

    /** Array(T) of a plain T: write the row's elements into {@link #elements}, then {@link #endRow(int)}. */
    static final class Array extends NativeColumn {
        private final Bytes offsets = new Bytes();
        final Bytes elements = new Bytes();
        private long count;
        private long markedCount;

        Array(String name, String type) {
            super(name, type);
        }

        void endRow(int elementsInRow) {
            count += elementsInRow;
            offsets.u64(count);
        }

        @Override
        void mark() {
            offsets.mark();
            elements.mark();
            markedCount = count;
        }

        @Override
        void rollback() {
            offsets.rollback();
            elements.rollback();
            count = markedCount;
        }

        @Override
        void clear() {
            offsets.clear();
            elements.clear();
            count = 0;
            markedCount = 0;
        }

        @Override
        long byteSize() {
            return offsets.size() + elements.size();
        }

        @Override
        void writeData(RowBinaryWriter out) throws IOException {
            offsets.writeTo(out);
            elements.writeTo(out);
        }
    }

    /** The parts of a Map: per map its end offset, then the keys, then the values. */
    static final class MapData {
        private final Bytes offsets = new Bytes();
        final Bytes keys = new Bytes();
        final Bytes values = new Bytes();
        private long count;
        private long markedCount;

        /** Ends one map of {@code entries} entries (keys and values written already). */
        void endMap(int entries) {
            count += entries;
            offsets.u64(count);
        }

        void mark() {
            offsets.mark();
            keys.mark();
            values.mark();
            markedCount = count;
        }

        void rollback() {
            offsets.rollback();
            keys.rollback();
            values.rollback();
            count = markedCount;
        }

        void clear() {
            offsets.clear();
            keys.clear();
            values.clear();
            count = 0;
            markedCount = 0;
        }

        long byteSize() {
            return offsets.size() + keys.size() + values.size();
        }

        void writeTo(RowBinaryWriter out) throws IOException {
            offsets.writeTo(out);
            keys.writeTo(out);
            values.writeTo(out);
        }
    }

    /** Map(K, V), one map per row. */
    static final class MapColumn extends NativeColumn {
        final MapData map = new MapData();

        MapColumn(String name, String type) {
            super(name, type);
        }

        @Override
        void mark() {
            map.mark();
        }

        @Override
        void rollback() {
            map.rollback();
        }

        @Override
        void clear() {
            map.clear();
        }

        @Override
        long byteSize() {
            return map.byteSize();
        }

        @Override
        void writeData(RowBinaryWriter out) throws IOException {
            map.writeTo(out);
        }
    }

    /** Array(Map(K, V)): write the row's maps into {@link #maps}, then {@link #endRow(int)}. */
    static final class MapArray extends NativeColumn {
        private final Bytes offsets = new Bytes();
        final MapData maps = new MapData();
        private long count;
        private long markedCount;

        MapArray(String name, String type) {
            super(name, type);
        }

        void endRow(int mapsInRow) {
            count += mapsInRow;
            offsets.u64(count);
        }

        @Override
        void mark() {
            offsets.mark();
            maps.mark();
            markedCount = count;
        }

        @Override
        void rollback() {
            offsets.rollback();
            maps.rollback();
            count = markedCount;
        }

        @Override
        void clear() {
            offsets.clear();
            maps.clear();
            count = 0;
            markedCount = 0;
        }

        @Override
        long byteSize() {
            return offsets.size() + maps.byteSize();
        }

        @Override
        void writeData(RowBinaryWriter out) throws IOException {
            offsets.writeTo(out);
            maps.writeTo(out);
        }
    }
}
