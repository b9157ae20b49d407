-- Searching as you type, by buyer name or document number, without asking
-- an index for every document whose name contains the text. A business has
-- far fewer buyer names than documents, so the core matches the text against
-- the distinct names (`buyer_names`) and then reads the documents of the
-- matching names, or of the others when most names match, through indexes
-- on the name. Numbers keep a trigram index of their own, where the
-- trigrams of a name never weigh.

-- Every buyer name a document has carried ('' for none). Names are never
-- removed: a name without documents matches nothing.
CREATE TABLE buyer_names (name TEXT PRIMARY KEY) WITHOUT ROWID;

INSERT OR IGNORE INTO buyer_names (name)
SELECT COALESCE(json_extract(buyer, '$.name'), '') FROM documents;

CREATE TRIGGER buyer_names_insert AFTER INSERT ON documents
BEGIN
    INSERT OR IGNORE INTO buyer_names (name) VALUES (COALESCE(json_extract(NEW.buyer, '$.name'), ''));
END;

-- A draft's buyer may change; its balance row follows.
CREATE TRIGGER buyer_names_update AFTER UPDATE OF buyer ON documents
BEGIN
    INSERT OR IGNORE INTO buyer_names (name) VALUES (COALESCE(json_extract(NEW.buyer, '$.name'), ''));
    UPDATE document_balances SET buyer_name = COALESCE(json_extract(NEW.buyer, '$.name'), '')
    WHERE document_id = NEW.id;
END;

-- The list's documents by buyer name, in list order within each name.
CREATE INDEX documents_buyer_name ON documents
    (COALESCE(json_extract(buyer, '$.name'), ''), state = 'draft', issue_date, id);

-- The board's sums by buyer name: covering, like the indexes by customer
-- and by issue date, and in the order of the board's groups within each
-- name, so that SQLite adds them up without sorting.
ALTER TABLE document_balances ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';

UPDATE document_balances
SET buyer_name = (SELECT COALESCE(json_extract(buyer, '$.name'), '') FROM documents
                  WHERE documents.id = document_balances.document_id);

CREATE INDEX document_balances_name ON document_balances
    (buyer_name, kind, status, due_date, issue_date, net_minor, total_minor, due_minor, customer_id);

-- Document numbers alone, for searching by part of a number.
DROP TRIGGER document_search_insert;
DROP TRIGGER document_search_update;
DROP TRIGGER document_search_delete;
DROP TABLE document_search;

CREATE VIRTUAL TABLE number_search USING fts5 (number, tokenize = 'trigram');

INSERT INTO number_search (rowid, number)
SELECT id, number FROM documents WHERE number IS NOT NULL;

CREATE TRIGGER number_search_insert AFTER INSERT ON documents WHEN NEW.number IS NOT NULL
BEGIN
    INSERT INTO number_search (rowid, number) VALUES (NEW.id, NEW.number);
END;

CREATE TRIGGER number_search_update AFTER UPDATE OF number ON documents
BEGIN
    DELETE FROM number_search WHERE rowid = OLD.id;
    INSERT INTO number_search (rowid, number) SELECT NEW.id, NEW.number WHERE NEW.number IS NOT NULL;
END;

CREATE TRIGGER number_search_delete AFTER DELETE ON documents
BEGIN
    DELETE FROM number_search WHERE rowid = OLD.id;
END;

-- Payments received per issue month of the invoice and payment month, in
-- minor units of the company currency, kept in step with
-- `collected_months`: the chart of a period reads one row per pair of
-- months instead of joining every invoice of the period to its payments.
-- Payments of an invoice without an exchange rate yet add nothing.
CREATE TABLE collected_sums (
    issue_month TEXT NOT NULL,
    month TEXT NOT NULL,
    collected_minor INTEGER NOT NULL,
    PRIMARY KEY (issue_month, month)
) WITHOUT ROWID;

INSERT INTO collected_sums (issue_month, month, collected_minor)
SELECT COALESCE(substr(b.issue_date, 1, 7), ''), c.month, SUM(c.collected_minor)
FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
WHERE c.collected_minor IS NOT NULL
GROUP BY 1, 2;

CREATE TRIGGER collected_sums_insert AFTER INSERT ON collected_months WHEN NEW.collected_minor IS NOT NULL
BEGIN
    INSERT INTO collected_sums (issue_month, month, collected_minor)
    VALUES (COALESCE((SELECT substr(issue_date, 1, 7) FROM document_balances
                      WHERE document_id = NEW.document_id), ''), NEW.month, NEW.collected_minor)
    ON CONFLICT (issue_month, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

CREATE TRIGGER collected_sums_delete AFTER DELETE ON collected_months WHEN OLD.collected_minor IS NOT NULL
BEGIN
    UPDATE collected_sums SET collected_minor = collected_minor - OLD.collected_minor
    WHERE issue_month = COALESCE((SELECT substr(issue_date, 1, 7) FROM document_balances
                                  WHERE document_id = OLD.document_id), '')
      AND month = OLD.month;
END;

CREATE TRIGGER collected_sums_update AFTER UPDATE ON collected_months
BEGIN
    UPDATE collected_sums SET collected_minor = collected_minor - OLD.collected_minor
    WHERE issue_month = COALESCE((SELECT substr(issue_date, 1, 7) FROM document_balances
                                  WHERE document_id = OLD.document_id), '')
      AND month = OLD.month AND OLD.collected_minor IS NOT NULL;
    INSERT INTO collected_sums (issue_month, month, collected_minor)
    SELECT COALESCE((SELECT substr(issue_date, 1, 7) FROM document_balances
                     WHERE document_id = NEW.document_id), ''), NEW.month, NEW.collected_minor
    WHERE NEW.collected_minor IS NOT NULL
    ON CONFLICT (issue_month, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

-- Invoiced and collected amounts per buyer name and month, as `month_sums`
-- keeps them for all documents: the chart of a search adds the rows of the
-- names chosen instead of reading their documents and payments.
CREATE TABLE name_months (
    buyer_name TEXT NOT NULL,
    month TEXT NOT NULL,
    invoiced_minor INTEGER NOT NULL,
    collected_minor INTEGER NOT NULL,
    PRIMARY KEY (buyer_name, month)
) WITHOUT ROWID;

INSERT INTO name_months (buyer_name, month, invoiced_minor, collected_minor)
SELECT buyer_name, month, SUM(invoiced), SUM(collected) FROM (
    SELECT buyer_name, substr(issue_date, 1, 7) AS month,
           CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END AS invoiced, 0 AS collected
    FROM document_balances
    WHERE status <> 'draft' AND issue_date IS NOT NULL AND total_minor IS NOT NULL
    UNION ALL
    SELECT b.buyer_name, c.month, 0, c.collected_minor
    FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
    WHERE c.collected_minor IS NOT NULL)
GROUP BY 1, 2;

CREATE TRIGGER name_months_insert AFTER INSERT ON document_balances
WHEN NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
BEGIN
    INSERT INTO name_months (buyer_name, month, invoiced_minor, collected_minor)
    VALUES (NEW.buyer_name, substr(NEW.issue_date, 1, 7),
            CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0)
    ON CONFLICT (buyer_name, month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER name_months_delete AFTER DELETE ON document_balances
WHEN OLD.status <> 'draft' AND OLD.issue_date IS NOT NULL AND OLD.total_minor IS NOT NULL
BEGIN
    UPDATE name_months
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE buyer_name = OLD.buyer_name AND month = substr(OLD.issue_date, 1, 7);
END;

CREATE TRIGGER name_months_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE name_months
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE buyer_name = OLD.buyer_name AND month = substr(OLD.issue_date, 1, 7)
      AND OLD.status <> 'draft' AND OLD.issue_date IS NOT NULL AND OLD.total_minor IS NOT NULL;
    INSERT INTO name_months (buyer_name, month, invoiced_minor, collected_minor)
    SELECT NEW.buyer_name, substr(NEW.issue_date, 1, 7),
           CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0
    WHERE NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
    ON CONFLICT (buyer_name, month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER name_months_collected_insert AFTER INSERT ON collected_months
WHEN NEW.collected_minor IS NOT NULL
BEGIN
    INSERT INTO name_months (buyer_name, month, invoiced_minor, collected_minor)
    VALUES (COALESCE((SELECT buyer_name FROM document_balances WHERE document_id = NEW.document_id), ''),
            NEW.month, 0, NEW.collected_minor)
    ON CONFLICT (buyer_name, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

CREATE TRIGGER name_months_collected_delete AFTER DELETE ON collected_months
WHEN OLD.collected_minor IS NOT NULL
BEGIN
    UPDATE name_months SET collected_minor = collected_minor - OLD.collected_minor
    WHERE buyer_name = COALESCE((SELECT buyer_name FROM document_balances
                                 WHERE document_id = OLD.document_id), '')
      AND month = OLD.month;
END;

CREATE TRIGGER name_months_collected_update AFTER UPDATE ON collected_months
BEGIN
    UPDATE name_months SET collected_minor = collected_minor - OLD.collected_minor
    WHERE buyer_name = COALESCE((SELECT buyer_name FROM document_balances
                                 WHERE document_id = OLD.document_id), '')
      AND month = OLD.month AND OLD.collected_minor IS NOT NULL;
    INSERT INTO name_months (buyer_name, month, invoiced_minor, collected_minor)
    SELECT COALESCE((SELECT buyer_name FROM document_balances WHERE document_id = NEW.document_id), ''),
           NEW.month, 0, NEW.collected_minor
    WHERE NEW.collected_minor IS NOT NULL
    ON CONFLICT (buyer_name, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

-- Count and sums of `document_balances` per buyer name, kind, status and
-- due month ("YYYY-MM", '' for none), as `board_sums` keeps them per due
-- date. The board of a search adds the rows of the names chosen: a due
-- month before today's is overdue as a whole, and only the documents due
-- earlier in today's month are read one by one.
CREATE TABLE name_sums (
    buyer_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_month TEXT NOT NULL,
    documents INTEGER NOT NULL,
    unconverted INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    due_minor INTEGER NOT NULL,
    PRIMARY KEY (buyer_name, kind, status, due_month)
) WITHOUT ROWID;

INSERT INTO name_sums (buyer_name, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                       due_minor)
SELECT buyer_name, kind, status, COALESCE(substr(due_date, 1, 7), ''), COUNT(*), SUM(total_minor IS NULL),
       COALESCE(SUM(net_minor), 0), COALESCE(SUM(total_minor), 0), COALESCE(SUM(due_minor), 0)
FROM document_balances
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER name_sums_insert AFTER INSERT ON document_balances
BEGIN
    INSERT INTO name_sums (buyer_name, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                           due_minor)
    VALUES (NEW.buyer_name, NEW.kind, NEW.status, COALESCE(substr(NEW.due_date, 1, 7), ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (buyer_name, kind, status, due_month) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;

CREATE TRIGGER name_sums_delete AFTER DELETE ON document_balances
BEGIN
    UPDATE name_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE buyer_name = OLD.buyer_name AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '');
    DELETE FROM name_sums
    WHERE buyer_name = OLD.buyer_name AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '') AND documents = 0;
END;

-- An update moves the row's amounts from its old group to its new one.
CREATE TRIGGER name_sums_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE name_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE buyer_name = OLD.buyer_name AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '');
    DELETE FROM name_sums
    WHERE buyer_name = OLD.buyer_name AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '') AND documents = 0;
    INSERT INTO name_sums (buyer_name, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                           due_minor)
    VALUES (NEW.buyer_name, NEW.kind, NEW.status, COALESCE(substr(NEW.due_date, 1, 7), ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (buyer_name, kind, status, due_month) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;

-- Searching by part of a number. A number is cut into its head, all but
-- its last three characters, and its tail, the last three: the documents
-- of one head share a series, a year and all but the last digits of the
-- counter, so a business has far fewer heads than numbers, as it has
-- fewer buyer names than documents. A text found in a head selects the
-- head's documents as a whole, through running sums per head kept like
-- those per buyer name. A number whose head lacks the text contains it
-- only where it runs into the tail, and such documents are found one by
-- one through the index on head and tail.
CREATE TABLE number_heads (head TEXT PRIMARY KEY) WITHOUT ROWID;

INSERT OR IGNORE INTO number_heads (head) VALUES ('');
INSERT OR IGNORE INTO number_heads (head)
SELECT substr(number, 1, length(number) - 3) FROM documents WHERE number IS NOT NULL;

CREATE TRIGGER number_heads_insert AFTER INSERT ON documents WHEN NEW.number IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO number_heads (head) VALUES (substr(NEW.number, 1, length(NEW.number) - 3));
END;

-- Issuing writes the number of a draft; its balance row follows.
CREATE TRIGGER number_heads_update AFTER UPDATE OF number ON documents
BEGIN
    INSERT OR IGNORE INTO number_heads (head)
    SELECT substr(NEW.number, 1, length(NEW.number) - 3) WHERE NEW.number IS NOT NULL;
    UPDATE document_balances SET number_head = COALESCE(substr(NEW.number, 1, length(NEW.number) - 3), '')
    WHERE document_id = NEW.id;
END;

CREATE INDEX documents_number_head ON documents
    (COALESCE(substr(number, 1, length(number) - 3), ''), lower(substr(number, -3)),
     state = 'draft', issue_date, id);
CREATE INDEX documents_number_tail ON documents (lower(substr(number, -3)));

ALTER TABLE document_balances ADD COLUMN number_head TEXT NOT NULL DEFAULT '';

UPDATE document_balances
SET number_head = (SELECT COALESCE(substr(number, 1, length(number) - 3), '') FROM documents
                   WHERE documents.id = document_balances.document_id);

CREATE INDEX document_balances_head ON document_balances
    (number_head, kind, status, due_date, issue_date, net_minor, total_minor, due_minor, customer_id);

-- Count and sums per number head, kind, status and due month, as
-- `name_sums` keeps them per buyer name.
CREATE TABLE head_sums (
    number_head TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    due_month TEXT NOT NULL,
    documents INTEGER NOT NULL,
    unconverted INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    due_minor INTEGER NOT NULL,
    PRIMARY KEY (number_head, kind, status, due_month)
) WITHOUT ROWID;

INSERT INTO head_sums (number_head, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                       due_minor)
SELECT number_head, kind, status, COALESCE(substr(due_date, 1, 7), ''), COUNT(*), SUM(total_minor IS NULL),
       COALESCE(SUM(net_minor), 0), COALESCE(SUM(total_minor), 0), COALESCE(SUM(due_minor), 0)
FROM document_balances
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER head_sums_insert AFTER INSERT ON document_balances
BEGIN
    INSERT INTO head_sums (number_head, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                           due_minor)
    VALUES (NEW.number_head, NEW.kind, NEW.status, COALESCE(substr(NEW.due_date, 1, 7), ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (number_head, kind, status, due_month) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;

CREATE TRIGGER head_sums_delete AFTER DELETE ON document_balances
BEGIN
    UPDATE head_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE number_head = OLD.number_head AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '');
    DELETE FROM head_sums
    WHERE number_head = OLD.number_head AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '') AND documents = 0;
END;

CREATE TRIGGER head_sums_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE head_sums SET
        documents = documents - 1,
        unconverted = unconverted - (OLD.total_minor IS NULL),
        net_minor = net_minor - COALESCE(OLD.net_minor, 0),
        total_minor = total_minor - COALESCE(OLD.total_minor, 0),
        due_minor = due_minor - COALESCE(OLD.due_minor, 0)
    WHERE number_head = OLD.number_head AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '');
    DELETE FROM head_sums
    WHERE number_head = OLD.number_head AND kind = OLD.kind AND status = OLD.status
      AND due_month = COALESCE(substr(OLD.due_date, 1, 7), '') AND documents = 0;
    INSERT INTO head_sums (number_head, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                           due_minor)
    VALUES (NEW.number_head, NEW.kind, NEW.status, COALESCE(substr(NEW.due_date, 1, 7), ''), 1,
            NEW.total_minor IS NULL, COALESCE(NEW.net_minor, 0), COALESCE(NEW.total_minor, 0),
            COALESCE(NEW.due_minor, 0))
    ON CONFLICT (number_head, kind, status, due_month) DO UPDATE SET
        documents = documents + 1,
        unconverted = unconverted + excluded.unconverted,
        net_minor = net_minor + excluded.net_minor,
        total_minor = total_minor + excluded.total_minor,
        due_minor = due_minor + excluded.due_minor;
END;

-- Invoiced and collected amounts per number head and month, as
-- `name_months` keeps them per buyer name.
CREATE TABLE head_months (
    number_head TEXT NOT NULL,
    month TEXT NOT NULL,
    invoiced_minor INTEGER NOT NULL,
    collected_minor INTEGER NOT NULL,
    PRIMARY KEY (number_head, month)
) WITHOUT ROWID;

INSERT INTO head_months (number_head, month, invoiced_minor, collected_minor)
SELECT number_head, month, SUM(invoiced), SUM(collected) FROM (
    SELECT number_head, substr(issue_date, 1, 7) AS month,
           CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END AS invoiced, 0 AS collected
    FROM document_balances
    WHERE status <> 'draft' AND issue_date IS NOT NULL AND total_minor IS NOT NULL
    UNION ALL
    SELECT b.number_head, c.month, 0, c.collected_minor
    FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
    WHERE c.collected_minor IS NOT NULL)
GROUP BY 1, 2;

CREATE TRIGGER head_months_insert AFTER INSERT ON document_balances
WHEN NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
BEGIN
    INSERT INTO head_months (number_head, month, invoiced_minor, collected_minor)
    VALUES (NEW.number_head, substr(NEW.issue_date, 1, 7),
            CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0)
    ON CONFLICT (number_head, month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER head_months_delete AFTER DELETE ON document_balances
WHEN OLD.status <> 'draft' AND OLD.issue_date IS NOT NULL AND OLD.total_minor IS NOT NULL
BEGIN
    UPDATE head_months
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE number_head = OLD.number_head AND month = substr(OLD.issue_date, 1, 7);
END;

CREATE TRIGGER head_months_update AFTER UPDATE ON document_balances
BEGIN
    UPDATE head_months
    SET invoiced_minor = invoiced_minor
        - CASE OLD.kind WHEN 'credit_note' THEN -OLD.total_minor ELSE OLD.total_minor END
    WHERE number_head = OLD.number_head AND month = substr(OLD.issue_date, 1, 7)
      AND OLD.status <> 'draft' AND OLD.issue_date IS NOT NULL AND OLD.total_minor IS NOT NULL;
    INSERT INTO head_months (number_head, month, invoiced_minor, collected_minor)
    SELECT NEW.number_head, substr(NEW.issue_date, 1, 7),
           CASE NEW.kind WHEN 'credit_note' THEN -NEW.total_minor ELSE NEW.total_minor END, 0
    WHERE NEW.status <> 'draft' AND NEW.issue_date IS NOT NULL AND NEW.total_minor IS NOT NULL
    ON CONFLICT (number_head, month) DO UPDATE SET invoiced_minor = invoiced_minor + excluded.invoiced_minor;
END;

CREATE TRIGGER head_months_collected_insert AFTER INSERT ON collected_months
WHEN NEW.collected_minor IS NOT NULL
BEGIN
    INSERT INTO head_months (number_head, month, invoiced_minor, collected_minor)
    VALUES (COALESCE((SELECT number_head FROM document_balances WHERE document_id = NEW.document_id), ''),
            NEW.month, 0, NEW.collected_minor)
    ON CONFLICT (number_head, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;

CREATE TRIGGER head_months_collected_delete AFTER DELETE ON collected_months
WHEN OLD.collected_minor IS NOT NULL
BEGIN
    UPDATE head_months SET collected_minor = collected_minor - OLD.collected_minor
    WHERE number_head = COALESCE((SELECT number_head FROM document_balances
                                  WHERE document_id = OLD.document_id), '')
      AND month = OLD.month;
END;

CREATE TRIGGER head_months_collected_update AFTER UPDATE ON collected_months
BEGIN
    UPDATE head_months SET collected_minor = collected_minor - OLD.collected_minor
    WHERE number_head = COALESCE((SELECT number_head FROM document_balances
                                  WHERE document_id = OLD.document_id), '')
      AND month = OLD.month AND OLD.collected_minor IS NOT NULL;
    INSERT INTO head_months (number_head, month, invoiced_minor, collected_minor)
    SELECT COALESCE((SELECT number_head FROM document_balances WHERE document_id = NEW.document_id), ''),
           NEW.month, 0, NEW.collected_minor
    WHERE NEW.collected_minor IS NOT NULL
    ON CONFLICT (number_head, month) DO UPDATE SET collected_minor = collected_minor + excluded.collected_minor;
END;
