-- Facturier schema, version 1.
--
-- Decimal amounts, quantities and rates are stored as TEXT in canonical form
-- ("1234.50") so that no value ever passes through a floating-point column.
-- Dates are calendar dates as TEXT "YYYY-MM-DD"; instants are UTC RFC 3339.

CREATE TABLE company (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL CHECK (json_valid(data))
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value))
);

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    currency TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    siren TEXT,
    siret TEXT,
    vat_id TEXT,
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT,
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    delivery_line1 TEXT,
    delivery_line2 TEXT,
    delivery_postcode TEXT,
    delivery_city TEXT,
    delivery_country TEXT,
    currency TEXT NOT NULL DEFAULT 'EUR',
    payment_terms TEXT CHECK (payment_terms IS NULL OR json_valid(payment_terms)),
    price_list_id INTEGER REFERENCES price_lists (id),
    email TEXT,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT 'C62',
    vat_category TEXT NOT NULL,
    vat_rate TEXT NOT NULL,
    exemption_code TEXT,
    exemption_reason TEXT,
    nature TEXT NOT NULL CHECK (nature IN ('goods', 'service')),
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);

-- A price applies from valid_from (inclusive) to valid_to (inclusive);
-- NULL bounds are open.
CREATE TABLE price_list_items (
    id INTEGER PRIMARY KEY,
    price_list_id INTEGER NOT NULL REFERENCES price_lists (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    unit_price TEXT NOT NULL,
    base_quantity TEXT NOT NULL DEFAULT '1',
    valid_from TEXT,
    valid_to TEXT,
    UNIQUE (price_list_id, product_id, valid_from)
);

-- Numbering series. The pattern holds {YYYY} or {YY} for the year and
-- {N:width} for the zero-padded counter, e.g. "F{YYYY}-{N:5}".
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'order', 'invoice', 'credit_note')),
    code TEXT NOT NULL UNIQUE,
    pattern TEXT NOT NULL,
    yearly_reset INTEGER NOT NULL CHECK (yearly_reset IN (0, 1)),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);
CREATE UNIQUE INDEX series_one_default ON series (kind) WHERE is_default = 1;

-- The last counter drawn per series and year (year 0 when the series never
-- resets). A counter only ever moves up by one.
CREATE TABLE series_counters (
    series_id INTEGER NOT NULL REFERENCES series (id),
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL CHECK (last_seq >= 1),
    PRIMARY KEY (series_id, year)
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'order', 'invoice', 'credit_note')),
    state TEXT NOT NULL CHECK (state IN ('draft', 'issued')),
    -- Quote status (draft, sent, accepted, refused, expired) or order status
    -- (open, fulfilled, cancelled); NULL for invoices and credit notes.
    stage TEXT,
    series_id INTEGER REFERENCES series (id),
    number TEXT,
    seq INTEGER,
    year INTEGER,
    customer_id INTEGER REFERENCES customers (id),
    buyer TEXT NOT NULL CHECK (json_valid(buyer)),
    seller TEXT CHECK (seller IS NULL OR json_valid(seller)),
    currency TEXT NOT NULL,
    exchange_rate TEXT,
    price_list_id INTEGER REFERENCES price_lists (id),
    price_locked INTEGER NOT NULL DEFAULT 0 CHECK (price_locked IN (0, 1)),
    issue_date TEXT,
    due_date TEXT,
    delivery_date TEXT,
    valid_until TEXT,
    payment_terms TEXT NOT NULL CHECK (json_valid(payment_terms)),
    purchase_order_ref TEXT,
    buyer_reference TEXT,
    note TEXT,
    source_id INTEGER REFERENCES documents (id),
    corrects_id INTEGER REFERENCES documents (id),
    line_net_total TEXT NOT NULL,
    allowance_total TEXT NOT NULL,
    charge_total TEXT NOT NULL,
    tax_exclusive_total TEXT NOT NULL,
    tax_total TEXT NOT NULL,
    tax_inclusive_total TEXT NOT NULL,
    -- Totals in the company currency, frozen at issue (BT-111 is company_tax_total).
    company_tax_exclusive_total TEXT,
    company_tax_total TEXT,
    company_tax_inclusive_total TEXT,
    content_sha256 TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    issued_at TEXT,
    CHECK (state = 'draft' OR number IS NOT NULL),
    CHECK (state = 'draft' OR issue_date IS NOT NULL),
    CHECK (kind <> 'credit_note' OR state = 'draft' OR corrects_id IS NOT NULL)
);
CREATE UNIQUE INDEX documents_number ON documents (series_id, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX documents_seq ON documents (series_id, year, seq) WHERE seq IS NOT NULL;
CREATE INDEX documents_kind_state ON documents (kind, state, issue_date);
CREATE INDEX documents_customer ON documents (customer_id);
CREATE INDEX documents_corrects ON documents (corrects_id) WHERE corrects_id IS NOT NULL;

CREATE TABLE document_lines (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position INTEGER NOT NULL,
    product_id INTEGER REFERENCES products (id),
    item_code TEXT,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price TEXT NOT NULL,
    base_quantity TEXT NOT NULL,
    discount_percent TEXT,
    discount_amount TEXT,
    vat_category TEXT NOT NULL,
    vat_rate TEXT NOT NULL,
    exemption_code TEXT,
    exemption_reason TEXT,
    delivery_date TEXT,
    price_source TEXT NOT NULL CHECK (price_source IN ('manual', 'catalogue')),
    net_amount TEXT NOT NULL,
    UNIQUE (document_id, position)
);

CREATE TABLE document_allowances_charges (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    is_charge INTEGER NOT NULL CHECK (is_charge IN (0, 1)),
    position INTEGER NOT NULL,
    amount TEXT,
    percent TEXT,
    reason TEXT NOT NULL DEFAULT '',
    reason_code TEXT,
    vat_category TEXT,
    vat_rate TEXT,
    exemption_code TEXT,
    exemption_reason TEXT,
    UNIQUE (document_id, is_charge, position)
);

-- Derived state of each invoice and credit note, kept in step by every
-- operation that changes it, so that the status board is one indexed query.
-- Amounts are integers in minor units of the company currency, which SQLite
-- sums exactly; NULL when a foreign-currency draft has no exchange rate yet.
-- `verify` recomputes every row from the documents and payments.
CREATE TABLE document_balances (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'partial', 'paid', 'cancelled', 'issued')),
    customer_id INTEGER,
    issue_date TEXT,
    due_date TEXT,
    net_minor INTEGER,
    total_minor INTEGER,
    due_minor INTEGER
);
CREATE INDEX document_balances_board
    ON document_balances (kind, status, due_date, total_minor, due_minor, net_minor);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    date TEXT NOT NULL,
    amount TEXT NOT NULL,
    method TEXT NOT NULL,
    reference TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payments_document ON payments (document_id);

-- The PDF exactly as issued.
CREATE TABLE issued_pdfs (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    bytes BLOB NOT NULL,
    sha256 TEXT NOT NULL
);

-- Hash-chained journal of every issue, payment and cancellation. Each row's
-- hash is the SHA-256 of the previous row's hash and of this row's content.
CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    event TEXT NOT NULL,
    document_id INTEGER REFERENCES documents (id),
    document_number TEXT,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

-- Append-only rules, enforced by SQLite itself so that no client, not even
-- one that bypasses the application, can rewrite an issued record.

CREATE TRIGGER documents_final_update BEFORE UPDATE ON documents
WHEN OLD.state = 'issued' AND OLD.kind IN ('invoice', 'credit_note')
BEGIN
    SELECT RAISE(ABORT, 'issued invoices and credit notes are final: correct them with a credit note');
END;

CREATE TRIGGER documents_final_delete BEFORE DELETE ON documents
WHEN OLD.state = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'issued documents are never deleted: cancel an invoice with a credit note');
END;

CREATE TRIGGER documents_issue_needs_number BEFORE UPDATE OF state ON documents
WHEN OLD.state = 'draft' AND NEW.state = 'issued'
    AND NEW.kind IN ('invoice', 'credit_note')
    AND (NEW.number IS NULL OR NEW.seq IS NULL OR NEW.content_sha256 IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'an invoice is issued only with its number and content hash');
END;

CREATE TRIGGER documents_no_unissue BEFORE UPDATE OF state ON documents
WHEN OLD.state = 'issued' AND NEW.state = 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued document never returns to draft');
END;

CREATE TRIGGER documents_issued_insert BEFORE INSERT ON documents
WHEN NEW.state = 'issued' AND NEW.kind IN ('invoice', 'credit_note')
BEGIN
    SELECT RAISE(ABORT, 'invoices and credit notes are created as drafts and then issued');
END;

CREATE TRIGGER lines_final_insert BEFORE INSERT ON document_lines
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are final');
END;

CREATE TRIGGER lines_final_update BEFORE UPDATE ON document_lines
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = OLD.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are final');
END;

CREATE TRIGGER lines_final_delete BEFORE DELETE ON document_lines
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = OLD.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the lines of an issued invoice are final');
END;

CREATE TRIGGER allowances_final_insert BEFORE INSERT ON document_allowances_charges
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the allowances and charges of an issued invoice are final');
END;

CREATE TRIGGER allowances_final_update BEFORE UPDATE ON document_allowances_charges
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = OLD.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the allowances and charges of an issued invoice are final');
END;

CREATE TRIGGER allowances_final_delete BEFORE DELETE ON document_allowances_charges
WHEN (SELECT state = 'issued' AND kind IN ('invoice', 'credit_note') FROM documents WHERE id = OLD.document_id)
BEGIN
    SELECT RAISE(ABORT, 'the allowances and charges of an issued invoice are final');
END;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

CREATE TRIGGER journal_in_sequence BEFORE INSERT ON journal
WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM journal), 0) + 1
    OR NEW.prev_hash <> COALESCE((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'journal rows are appended in sequence, each linked to the previous hash');
END;

CREATE TRIGGER counters_step_by_one BEFORE UPDATE ON series_counters
WHEN NEW.last_seq <> OLD.last_seq + 1 OR NEW.series_id <> OLD.series_id OR NEW.year <> OLD.year
BEGIN
    SELECT RAISE(ABORT, 'a numbering counter only moves up by one');
END;

CREATE TRIGGER counters_start_at_one BEFORE INSERT ON series_counters
WHEN NEW.last_seq <> 1
BEGIN
    SELECT RAISE(ABORT, 'a numbering counter starts at 1');
END;

CREATE TRIGGER counters_no_delete BEFORE DELETE ON series_counters
BEGIN
    SELECT RAISE(ABORT, 'numbering counters are never deleted');
END;

CREATE TRIGGER issued_pdfs_no_update BEFORE UPDATE ON issued_pdfs
BEGIN
    SELECT RAISE(ABORT, 'an issued PDF is kept exactly as issued');
END;

CREATE TRIGGER issued_pdfs_no_delete BEFORE DELETE ON issued_pdfs
BEGIN
    SELECT RAISE(ABORT, 'an issued PDF is kept exactly as issued');
END;

CREATE TRIGGER payments_on_issued_invoices BEFORE INSERT ON payments
WHEN (SELECT kind <> 'invoice' OR state <> 'issued' FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'payments are recorded on issued invoices only');
END;

INSERT INTO series (kind, code, pattern, yearly_reset, is_default) VALUES
    ('invoice', 'F', 'F{YYYY}-{N:5}', 1, 1),
    ('credit_note', 'A', 'A{YYYY}-{N:5}', 1, 1),
    ('quote', 'D', 'D{YYYY}-{N:5}', 1, 1),
    ('order', 'C', 'C{YYYY}-{N:5}', 1, 1);
