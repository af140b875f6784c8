-- Step 15: facts about the file. (The staging tables live in an in-memory database that
-- sample.py detaches before the file is closed.)
INSERT INTO meta VALUES
    ('schema_version', $schema_version),
    ('as_of', '2026-10-01'),
    ('generator', 'navigator-sample'),
    ('seed', $seed_text),
    ('scale', $scale_text);
