-- Baseline for benches/poldis.sh: the Poldis tables of year :Y computed by SQL GROUP BY
-- in the sqlite3 shell on dira's own database file. SQLite has no time zones: the
-- registration date uses a fixed +1 hour (Amsterdam winter time), close enough for
-- a timing baseline (dira's own figures use Europe/Amsterdam).
.output /dev/null
CREATE TEMP TABLE reg AS
  SELECT *, COALESCE(occurred_from, date(registered_at, '+1 hours')) AS rdate,
         CAST(strftime('%Y', COALESCE(occurred_from, date(registered_at, '+1 hours'))) AS INTEGER) AS year
  FROM incidents;
CREATE TEMP TABLE inc AS
  SELECT * FROM (
    SELECT r.*, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY rdate, registered_at, registration_number) AS rn
    FROM reg r WHERE status = 'CONFIRMED')
  WHERE event_id IS NULL OR rn = 1;
CREATE TEMP TABLE y AS SELECT * FROM inc WHERE year = :Y;
CREATE TEMP TABLE yg AS SELECT y.id, y.unit, y.victim_kind, j.value AS ground FROM y, json_each('["' || replace(y.grounds, '|', '","') || '"]') j WHERE y.grounds <> '';
CREATE TEMP TABLE ym AS SELECT y.id, j.value AS manifestation FROM y, json_each('["' || replace(y.manifestations, '|', '","') || '"]') j WHERE y.manifestations <> '';
CREATE TEMP TABLE ya AS SELECT y.id, j.value AS article FROM y, json_each('["' || replace(y.articles, '|', '","') || '"]') j WHERE y.articles <> '';
SELECT 'incidents', count(*) FROM y;
SELECT 'registrations', count(*) FROM reg WHERE status = 'CONFIRMED' AND year = :Y;
SELECT 'police_victim', count(*) FROM y WHERE victim_kind = 'POLITIEMEDEWERKER';
SELECT 'multiple_grounds', count(*) FROM y WHERE instr(grounds, '|') > 0;
SELECT 'suspect_known', count(*) FROM y WHERE suspect_known = 1;
SELECT 'pending', count(*) FROM reg WHERE year = :Y AND status NOT IN ('CONFIRMED', 'REJECTED');
SELECT 'rejected', count(*) FROM reg WHERE year = :Y AND status = 'REJECTED';
SELECT ground, count(*) FROM yg GROUP BY ground;
SELECT manifestation, count(*) FROM ym GROUP BY manifestation;
SELECT COALESCE(domain, 'ONBEKEND'), count(*) FROM y GROUP BY 1;
SELECT article, count(*) FROM ya GROUP BY article;
SELECT registration_type, count(*) FROM y GROUP BY 1;
SELECT channel, count(*) FROM y GROUP BY 1;
SELECT COALESCE(victim_kind, 'ONBEKEND'), count(*) FROM y GROUP BY 1;
SELECT unit, count(*) FROM y GROUP BY 1;
SELECT COALESCE(municipality, 'ONBEKEND'), count(*) FROM y GROUP BY 1;
SELECT strftime('%m', rdate), count(*) FROM y GROUP BY 1;
SELECT ground, unit, count(*) FROM yg GROUP BY 1, 2;
SELECT yg.ground, ym.manifestation, count(*) FROM yg JOIN ym ON ym.id = yg.id GROUP BY 1, 2;
SELECT yg.ground, ya.article, count(*) FROM yg JOIN ya ON ya.id = yg.id GROUP BY 1, 2;
SELECT ground, victim_kind = 'POLITIEMEDEWERKER', count(*) FROM yg GROUP BY 1, 2;
SELECT year, count(*) FROM inc WHERE year BETWEEN :Y - 4 AND :Y GROUP BY 1;
SELECT inc.year, CASE j.value WHEN 'GELOOF' THEN 'GODSDIENST' ELSE j.value END, count(*)
  FROM inc, json_each('["' || replace(inc.grounds, '|', '","') || '"]') j
  WHERE inc.year BETWEEN :Y - 4 AND :Y AND inc.grounds <> '' GROUP BY 1, 2;
