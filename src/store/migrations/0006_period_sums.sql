-- Running sums per issue month, so that the status board of a period reads
-- one row per month, kind, status and due date instead of one row per
-- document. The columns and amounts are those of `board_sums` (integers in
-- minor units of the company currency), with `month` the "YYYY-MM" of the
-- issue date, or '' for a draft without an issue date. A period filter adds
-- the rows of its whole months here and reads only the documents of a
-- partial first or last month from `document_balances_issue`.
CREATE TABLE period_sums (
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_date TEXT NOT NULL,
    documents INTEGER NOT NULL,
    unconverted INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    due_minor INTEGER NOT NULL,
    PRIMARY KEY (month, kind, status, due_date)
) WITHOUT ROWID;

INSERT INTO period_sums (month, kind, status, due_date, documents, unconverted, net_minor, total_minor,
                         due_minor)
SELECT COALESCE(substr(issue_date, 1, 7), ''), kind, status, COALESCE(due_date, ''), COUNT(*),
       SUM(total_minor IS NULL), COALESCE(SUM(net_minor), 0), COALESCE(SUM(total_minor), 0),
       COALESCE(SUM(due_minor), 0)
FROM document_balances
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER period_sums_insert AFTER INSERT ON document_balances
BEGIN
    INSERT INTO period_sums (month, kind, status, due_date, documents, unconverted, net_minor, total_minor,
                             due_minor)
    VALUES (COALESCE(substr(NEW.issue_date, 1, 7), ''), NEW.kind, NEW.status, COALESCE(NEW.due_date, ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (month, kind, status, due_date) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;

CREATE TRIGGER period_sums_delete AFTER DELETE ON document_balances
BEGIN
    UPDATE period_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE month = COALESCE(substr(OLD.issue_date, 1, 7), '') AND kind = OLD.kind AND status = OLD.status
      AND due_date = COALESCE(OLD.due_date, '');
    DELETE FROM period_sums
    WHERE month = COALESCE(substr(OLD.issue_date, 1, 7), '') AND kind = OLD.kind AND status = OLD.status
      AND due_date = COALESCE(OLD.due_date, '') AND documents = 0;
END;

-- An update moves the row's amounts from its old group to its new one.
CREATE TRIGGER period_sums_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE period_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE month = COALESCE(substr(OLD.issue_date, 1, 7), '') AND kind = OLD.kind AND status = OLD.status
      AND due_date = COALESCE(OLD.due_date, '');
    DELETE FROM period_sums
    WHERE month = COALESCE(substr(OLD.issue_date, 1, 7), '') AND kind = OLD.kind AND status = OLD.status
      AND due_date = COALESCE(OLD.due_date, '') AND documents = 0;
    INSERT INTO period_sums (month, kind, status, due_date, documents, unconverted, net_minor, total_minor,
                             due_minor)
    VALUES (COALESCE(substr(NEW.issue_date, 1, 7), ''), NEW.kind, NEW.status, COALESCE(NEW.due_date, ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (month, kind, status, due_date) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;
