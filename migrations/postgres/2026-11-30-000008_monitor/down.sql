DROP TABLE code_mappings;
DROP TABLE adv_reports;
