ALTER TABLE `${database}`.events ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'span'
