-- Running sums that let the status board and its monthly chart read one row
-- per status and due date, or per month, instead of one row per document.
-- Every amount is an integer in minor units of the company currency, which
-- SQLite adds exactly.

-- Count and sums of `document_balances` per kind, status and due date ('' for
-- none), kept in step by the triggers below. The board adds the rows of each
-- status, and "overdue" is a range on the due date of the open and partly
-- paid rows. A NULL amount (a foreign-currency draft without an exchange
-- rate) counts in `unconverted` and adds nothing to the sums.
CREATE TABLE board_sums (
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_date TEXT NOT NULL,
    documents INTEGER NOT NULL,
    unconverted INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    due_minor INTEGER NOT NULL,
    PRIMARY KEY (kind, status, due_date)
) WITHOUT ROWID;

INSERT INTO board_sums (kind, status, due_date, documents, unconverted, net_minor, total_minor, due_minor)
SELECT kind, status, COALESCE(due_date, ''), COUNT(*), SUM(total_minor IS NULL),
       COALESCE(SUM(net_minor), 0), COALESCE(SUM(total_minor), 0), COALESCE(SUM(due_minor), 0)
FROM document_balances
GROUP BY 1, 2, 3;

-- Payments received per invoice and month ("YYYY-MM" of the payment date),
-- converted to the company currency at the invoice's exchange rate and
-- rounded to its minor unit; NULL when the invoice has no rate yet. The
-- core rewrites the rows of an invoice whenever its payments change, and
-- fills this table for existing books right after this migration.
CREATE TABLE collected_months (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    month TEXT NOT NULL,
    collected_minor INTEGER,
    PRIMARY KEY (document_id, month)
) WITHOUT ROWID;

-- Invoiced (issued invoices less issued credit notes, including VAT) and
-- collected amounts per month, for the chart without a filter. The
-- invoiced sum follows `document_balances` and the collected sum follows
-- `collected_months`, through the triggers below.
CREATE TABLE month_sums (
    month TEXT PRIMARY KEY,
    invoiced_minor INTEGER NOT NULL,
    collected_minor INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO month_sums (month, invoiced_minor, collected_minor)
SELECT substr(issue_date, 1, 7),
       SUM(CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END), 0
FROM document_balances
WHERE status <> 'draft' AND issue_date IS NOT NULL AND total_minor IS NOT NULL
GROUP BY 1;

-- Filtered boards read these instead of the documents: a customer's
-- documents by issue date, or every document by issue date. Both cover the
-- columns the board and the chart sum, so SQLite never reads the table.
DROP INDEX document_balances_board;
CREATE INDEX document_balances_customer ON document_balances
    (customer_id, issue_date, kind, status, due_date, net_minor, total_minor, due_minor);
CREATE INDEX document_balances_issue ON document_balances
    (issue_date, kind, status, due_date, net_minor, total_minor, due_minor, customer_id);
CREATE INDEX collected_months_month ON collected_months (month, collected_minor);

-- The first page of the list, newest first with drafts on top, read from an
-- index instead of sorting every document.
CREATE INDEX documents_list_order ON documents (state = 'draft', issue_date, id);
-- Counting the documents of a period reads this instead of the table.
CREATE INDEX documents_issue_date ON documents (issue_date, customer_id, kind);

CREATE TRIGGER board_sums_insert AFTER INSERT ON document_balances
BEGIN
    INSERT INTO board_sums (kind, status, due_date, documents, unconverted, net_minor, total_minor, due_minor)
    VALUES (NEW.kind, NEW.status, COALESCE(NEW.due_date, ''), 1, NEW.total_minor IS NULL,
            COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0), COALESCE(NEW.due_minor, 0))
    ON CONFLICT (kind, status, due_date) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
    INSERT INTO month_sums (month, invoiced_minor, collected_minor)
    SELECT substr(NEW.issue_date, 1, 7),
           CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0
    WHERE NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER board_sums_delete AFTER DELETE ON document_balances
BEGIN
    UPDATE board_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE kind = OLD.kind AND status = OLD.status AND due_date = COALESCE(OLD.due_date, '');
    DELETE FROM board_sums
    WHERE kind = OLD.kind AND status = OLD.status AND due_date = COALESCE(OLD.due_date, '')
      AND documents = 0;
    UPDATE month_sums
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE month = substr(OLD.issue_date, 1, 7)
      AND OLD.status <> 'draft' AND OLD.total_minor IS NOT NULL;
END;

-- An update moves the row's amounts from its old group to its new one.
CREATE TRIGGER board_sums_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE board_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE kind = OLD.kind AND status = OLD.status AND due_date = COALESCE(OLD.due_date, '');
    DELETE FROM board_sums
    WHERE kind = OLD.kind AND status = OLD.status AND due_date = COALESCE(OLD.due_date, '')
      AND documents = 0;
    INSERT INTO board_sums (kind, status, due_date, documents, unconverted, net_minor, total_minor, due_minor)
    VALUES (NEW.kind, NEW.status, COALESCE(NEW.due_date, ''), 1, NEW.total_minor IS NULL,
            COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0), COALESCE(NEW.due_minor, 0))
    ON CONFLICT (kind, status, due_date) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
    UPDATE month_sums
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE month = substr(OLD.issue_date, 1, 7)
      AND OLD.status <> 'draft' AND OLD.total_minor IS NOT NULL;
    INSERT INTO month_sums (month, invoiced_minor, collected_minor)
    SELECT substr(NEW.issue_date, 1, 7),
           CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0
    WHERE NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER month_sums_collected_insert AFTER INSERT ON collected_months
WHEN NEW.collected_minor IS NOT NULL
BEGIN
    INSERT INTO month_sums (month, invoiced_minor, collected_minor)
    VALUES (NEW.month, 0, NEW.collected_minor)
    ON CONFLICT (month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

CREATE TRIGGER month_sums_collected_delete AFTER DELETE ON collected_months
WHEN OLD.collected_minor IS NOT NULL
BEGIN
    UPDATE month_sums SET collected_minor = collected_minor - OLD.collected_minor
    WHERE month = OLD.month;
END;

CREATE TRIGGER month_sums_collected_update AFTER UPDATE ON collected_months
BEGIN
    UPDATE month_sums SET collected_minor = collected_minor - OLD.collected_minor
    WHERE month = OLD.month AND OLD.collected_minor IS NOT NULL;
    INSERT INTO month_sums (month, invoiced_minor, collected_minor)
    SELECT NEW.month, 0, NEW.collected_minor
    WHERE NEW.collected_minor IS NOT NULL
    ON CONFLICT (month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;
