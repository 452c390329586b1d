INSERT INTO `${database}`.schema_migrations (version, name, checksum, applied_at)
SELECT {version:UInt32}, {name:String}, {checksum:String}, now64(3, 'UTC')
