CREATE TABLE `${database}`.broken (x UInt8) ENGINE = NoSuchEngine
