package io.fnscope.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlFileTest {

    @Test
    void variablesAreFilledInAndCheckedAndMissingOnesNamed() {
        assertThat(SqlFile.render("CREATE TABLE ${database}.t TTL ts + INTERVAL ${days} DAY", Map.of("database", "fn", "days", "7"), "f.sql"))
                .isEqualTo("CREATE TABLE fn.t TTL ts + INTERVAL 7 DAY");
        assertThatThrownBy(() -> SqlFile.render("${database}.${nope}", Map.of("database", "fn"), "0001_x.sql"))
                .hasMessage("0001_x.sql uses [${nope}] but no value was given for it; known variables: [database]");
        assertThatThrownBy(() -> SqlFile.render("${days}", Map.of("days", "7; DROP"), "0001_x.sql"))
                .hasMessage("0001_x.sql: the value of ${days} ('7; DROP') may only contain letters, digits and _ . : -");
    }

    @Test
    void statementsAreCountedOutsideStringsAndComments() {
        assertThat(SqlFile.statementCount("SELECT 1")).isEqualTo(1);
        assertThat(SqlFile.statementCount("SELECT 1;\n-- done;\n")).isEqualTo(1);
        assertThat(SqlFile.statementCount("SELECT ';' AS `a;b`, \"c;d\" /* ; */")).isEqualTo(1);
        assertThat(SqlFile.statementCount("SELECT 'it\\'s;'; SELECT 2")).isEqualTo(2);
        assertThat(SqlFile.statementCount("-- only a comment\n")).isZero();
    }

    @Test
    void filesLoadFromTheClasspath() {
        assertThat(SqlFile.render("io/fnscope/clickhouse/sql/create_database.sql", Map.of("database", "fnscope")))
                .contains("CREATE DATABASE IF NOT EXISTS `fnscope`");
        assertThatThrownBy(() -> SqlFile.load("io/fnscope/nope.sql")).hasMessage("SQL file io/fnscope/nope.sql is not on the classpath");
    }
}
