-- The anti-discrimination bureaus' (ADV) annual figures per municipality, in the
-- categories of their national registration form (docs/monitor.md): the number of
-- reports ("meldingen") per year, municipality, category and code. category is
-- total (code empty), ground, domain or manner.
CREATE TABLE adv_reports (
    year INTEGER NOT NULL,
    municipality TEXT NOT NULL,
    category TEXT NOT NULL,
    code TEXT NOT NULL,
    reports INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL,
    PRIMARY KEY (year, municipality, category, code)
);

-- Mappings between code lists that are a judgement, not a rule (docs/monitor.md):
-- ADV categories to police codes (scheme adv), police codes to ODIHR's categories
-- (scheme odihr). An empty target_code says "no counterpart". Administrators replace
-- a scheme as a whole; version names the one in force.
CREATE TABLE code_mappings (
    scheme TEXT NOT NULL,
    version TEXT NOT NULL,
    source_list TEXT NOT NULL,
    source_code TEXT NOT NULL,
    target_list TEXT NOT NULL,
    target_code TEXT NOT NULL,
    note TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (scheme, source_list, source_code, target_code)
);
