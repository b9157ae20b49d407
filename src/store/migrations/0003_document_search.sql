-- Full-text index of document numbers and buyer names, so that searching
-- "as you type" does not scan every document. The trigram tokenizer lets
-- SQLite answer LIKE '%text%' from the index for three characters or more.
CREATE VIRTUAL TABLE document_search USING fts5 (
    number,
    customer,
    tokenize = 'trigram'
);

INSERT INTO document_search (rowid, number, customer)
SELECT id, COALESCE(number, ''), COALESCE(json_extract(buyer, '$.name'), '') FROM documents;

CREATE TRIGGER document_search_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO document_search (rowid, number, customer)
    VALUES (NEW.id, COALESCE(NEW.number, ''), COALESCE(json_extract(NEW.buyer, '$.name'), ''));
END;

CREATE TRIGGER document_search_update AFTER UPDATE OF number, buyer ON documents
BEGIN
    DELETE FROM document_search WHERE rowid = OLD.id;
    INSERT INTO document_search (rowid, number, customer)
    VALUES (NEW.id, COALESCE(NEW.number, ''), COALESCE(json_extract(NEW.buyer, '$.name'), ''));
END;

CREATE TRIGGER document_search_delete AFTER DELETE ON documents
BEGIN
    DELETE FROM document_search WHERE rowid = OLD.id;
END;
