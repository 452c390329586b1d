CREATE TABLE IF NOT EXISTS `${database}`.a (x UInt8) ENGINE = Memory;
CREATE TABLE IF NOT EXISTS `${database}`.b (x UInt8) ENGINE = Memory;
