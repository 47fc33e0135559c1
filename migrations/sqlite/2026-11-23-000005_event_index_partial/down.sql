DROP INDEX incidents_event;
CREATE INDEX incidents_event ON incidents (event_id);
