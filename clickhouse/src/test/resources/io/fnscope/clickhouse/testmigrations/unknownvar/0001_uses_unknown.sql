CREATE TABLE IF NOT EXISTS `${database}`.t (x UInt8) ENGINE = MergeTree ORDER BY x TTL x + ${nope}
