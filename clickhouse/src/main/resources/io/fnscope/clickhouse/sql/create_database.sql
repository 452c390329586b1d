-- The database every fnscope table lives in (fnscope.clickhouse.database).
CREATE DATABASE IF NOT EXISTS `${database}`
