-- Facturier schema, version 2: the e-mail sendings of each document.
--
-- One row per attempt, successful or not, so the document shows when it was
-- sent and to whom. A failed attempt keeps the whole message (RFC 5322
-- bytes, PDF attached) so that nothing the user wrote is lost.

CREATE TABLE email_log (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    recorded_at TEXT NOT NULL,
    recipients TEXT NOT NULL CHECK (json_valid(recipients)),
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'draft')),
    error TEXT,
    message BLOB
);
CREATE INDEX email_log_document ON email_log (document_id);
