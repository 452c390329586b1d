SELECT version, name, checksum, applied_at
FROM `${database}`.schema_migrations FINAL
ORDER BY version
