//! A small indenting XML writer: enough for the e-invoice syntaxes, which
//! use elements, a few attributes and text, and nothing else.

/// Escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 forbids most control characters; tabs and line feeds stay.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

pub struct Writer {
    out: String,
    open: Vec<&'static str>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    /// Opens an element with attributes.
    pub fn start_with(&mut self, name: &'static str, attributes: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push_str(&format!(" {key}=\"{}\"", escape(value)));
        }
        self.out.push_str(">\n");
        self.open.push(name);
    }

    pub fn start(&mut self, name: &'static str) {
        self.start_with(name, &[]);
    }

    /// Closes the innermost open element.
    pub fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str(&format!("</{name}>\n"));
        }
    }

    /// Writes an element with text content and attributes.
    pub fn text_with(&mut self, name: &'static str, attributes: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push_str(&format!(" {key}=\"{}\"", escape(value)));
        }
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str(&format!("</{name}>\n"));
    }

    pub fn text(&mut self, name: &'static str, text: &str) {
        self.text_with(name, &[], text);
    }

    /// Writes the element only when `text` is present and not blank.
    pub fn optional_text(&mut self, name: &'static str, text: Option<&str>) {
        if let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) {
            self.text(name, text);
        }
    }

    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_markup_characters() {
        assert_eq!(
            escape(r#"Müller & "Nord" <KG>"#),
            "Müller &amp; &quot;Nord&quot; &lt;KG&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn writer_nests_and_closes() {
        let mut writer = Writer::new();
        writer.start("a");
        writer.text_with("b", &[("x", "1")], "t");
        let xml = writer.finish();
        assert!(xml.ends_with("<a>\n  <b x=\"1\">t</b>\n</a>\n"), "{xml}");
    }
}
