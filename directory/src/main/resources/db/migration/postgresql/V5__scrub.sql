-- Scrub: when the operator asked for one (epoch millis), NULL when nothing is asked. The slot's master sees it at its
-- next role refresh, scrubs the slot, and clears it in the transaction that records the "scrub" event, but only if it
-- is still the request the scrub started after (a request made during a scrub waits for the next one).
ALTER TABLE slots ADD COLUMN scrub_at BIGINT;
