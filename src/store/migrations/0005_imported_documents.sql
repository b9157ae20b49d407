-- Documents created by a CSV import, under the document key the file gave
-- them, so that importing the same file again finds them instead of
-- creating them twice. A key is unique per customer and kind only: two
-- files may use the same key for different customers.
CREATE TABLE imported_documents (
    document_key TEXT NOT NULL CHECK (length(trim(document_key)) > 0),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('quote', 'order', 'invoice', 'credit_note')),
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (document_key, customer_id, kind)
);
