-- Most incidents belong to no event: index only those that do. Looking up the
-- registrations of one event (event_id = ?) still uses the index, and storing an
-- incident without an event no longer writes an index entry for it.
DROP INDEX incidents_event;
CREATE INDEX incidents_event ON incidents (event_id) WHERE event_id IS NOT NULL;
