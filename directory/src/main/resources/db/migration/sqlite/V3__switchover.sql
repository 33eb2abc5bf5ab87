-- Planned switchover: when the operator asked for it (epoch millis), NULL when nothing is asked. The slot's master
-- sees it at its next role refresh, stops its writes, and promotes its in-sync replica; promotion clears it.
ALTER TABLE slots ADD COLUMN switchover_at BIGINT;
