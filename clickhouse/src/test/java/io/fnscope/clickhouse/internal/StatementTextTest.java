package io.fnscope.clickhouse.internal;

import io.fnscope.clickhouse.Column;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementTextTest {

    @Test
    void settingsGoOnANewLineAfterTheStatementWithoutItsSemicolon() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("max_execution_time", "2.5");
        s.put("log_comment", "it's");
        assertThat(StatementText.withSettings("SELECT 1 -- one;\n ;  ", s))
                .isEqualTo("SELECT 1 -- one\nSETTINGS max_execution_time = '2.5', log_comment = 'it\\'s'");
        assertThat(StatementText.withSettings("SELECT 1", Map.of())).isEqualTo("SELECT 1");
    }

    @Test
    void createTableAndInsertRefuseAppendedSettings() {
        for (String sql : List.of("CREATE TABLE t (x UInt8) ENGINE = Memory", "/* c */ create table t", "(CREATE VIEW v AS SELECT 1)",
                "INSERT INTO t VALUES (1)", "ATTACH TABLE t")) {
            assertThatThrownBy(() -> StatementText.withSettings(sql, Map.of("a", "1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be appended");
        }
        assertThat(StatementText.withSettings("CREATE DATABASE d", Map.of("a", "1"))).isEqualTo("CREATE DATABASE d\nSETTINGS a = '1'");
    }

    @Test
    void firstKeywordsSkipCommentsAndParentheses() {
        assertThat(StatementText.firstKeywords("-- x\n/* y */ ( select 1")).isEqualTo("SELECT");
        assertThat(StatementText.firstKeywords("  create   table t")).isEqualTo("CREATE TABLE");
    }

    @Test
    void insertHeads() {
        List<Column> cols = List.of(Column.of("a", "UInt8"), Column.of("b", "Map(LowCardinality(String), String)"));
        assertThat(StatementText.columnList(cols)).isEqualTo("(`a`, `b`)");
        assertThat(StatementText.structure(cols)).isEqualTo("`a` UInt8, `b` Map(LowCardinality(String), String)");
        assertThat(Identifiers.qualifiedTable("db.t", "x")).isEqualTo("`db`.`t`");
        assertThat(Identifiers.qualifiedTable("t", "x")).isEqualTo("`x`.`t`");
        assertThatThrownBy(() -> Identifiers.qualifiedTable("db.t.u", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatementText.trimmed(" ; ")).hasMessage("empty SQL statement");
    }
}
