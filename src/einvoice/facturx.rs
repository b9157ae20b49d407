//! Factur-X: a PDF/A-3b print of the invoice that carries its CII XML as an
//! embedded file, so one file is both the readable and the machine-readable
//! invoice.
//!
//! `embed` post-processes the PDF that `pdf::render` writes with printpdf.
//! printpdf 0.12 can declare PDF/A itself, but it then writes a CMYK FOGRA39
//! output intent of subtype `GTS_PDFX` (PDF/X, not PDF/A), an XMP packet
//! without the PDF/A identification, and no embedded files. So this module
//! edits the objects with `lopdf` (the PDF library printpdf is built on)
//! instead. The rendered PDF already embeds subsets of its fonts, with
//! ToUnicode maps, and uses no transparency group, no JavaScript and no
//! encryption. A logo's alpha channel is a soft mask, which PDF/A-3 allows
//! (unlike PDF/A-1). What PDF/A-3b and Factur-X 1.0 still need is added
//! here:
//!
//! - an XMP metadata stream, left uncompressed as PDF/A requires, with the
//!   PDF/A identification (part 3, conformance B), the Factur-X properties
//!   and the PDF/A extension schema that declares them;
//! - a document information dictionary whose entries equal their XMP
//!   counterparts (printpdf writes empty ones and 1970 dates);
//! - an sRGB output intent (`GTS_PDFA1`) with an embedded ICC profile,
//!   because the pages paint in DeviceRGB;
//! - the XML as the embedded file `factur-x.xml` of MIME type text/xml with
//!   its modification date and size, listed in the catalog's `/AF` array and
//!   in its `/EmbeddedFiles` name tree, with the relationship `/Data`;
//! - PDF version 1.7, on which PDF/A-3 is based, and a file identifier.
//!
//! NOTE: the output passes qpdf and the heuristic PDF/A-3 checks of the
//! test suite's e-invoice validator, but no veraPDF validation has run, so
//! points such as glyph widths against the font programs are unverified.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use sha2::{Digest, Sha256};

/// Name of the embedded XML that Factur-X 1.0 prescribes for its CII profiles.
pub const XML_FILE_NAME: &str = "factur-x.xml";

/// Factur-X conformance level written in the XMP metadata: the EN 16931
/// profile, whose guideline identifier `cii::write` puts in the XML.
pub const CONFORMANCE_LEVEL: &str = "EN 16931";

/// Namespace of the Factur-X 1.0 XMP properties.
const FACTURX_NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// The sRGB IEC 61966-2.1 ICC profile (version 2) of Debian's
/// icc-profiles-free package, under the zlib licence: see assets/icc/.
const SRGB_PROFILE: &[u8] = include_bytes!("../../assets/icc/sRGB.icc");

/// Name of the program written as the PDF producer and XMP creator tool.
const PRODUCER: &str = concat!("Facturier ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FacturxError {
    #[error("the rendered PDF could not be read to embed the e-invoice: {0}")]
    Read(String),
    #[error("the rendered PDF has no {0}, so the e-invoice cannot be embedded in it")]
    Malformed(&'static str),
    #[error("the Factur-X PDF could not be written: {0}")]
    Write(String),
}

/// Title and time written into the information dictionary and the XMP
/// metadata of the Factur-X PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Document title (Info `/Title`, XMP `dc:title`), such as
    /// "Facture F2026-00001".
    pub title: String,
    /// Creation and modification time of the PDF and of the embedded XML.
    pub created: DateTime<Utc>,
}

/// Turns a PDF rendered by `pdf::render` into a Factur-X PDF/A-3b that embeds
/// `xml` as `factur-x.xml`.
pub fn embed(pdf: &[u8], xml: &str, metadata: &Metadata) -> Result<Vec<u8>, FacturxError> {
    let mut document =
        Document::load_mem(pdf).map_err(|error| FacturxError::Read(error.to_string()))?;
    document.version = "1.7".to_string();

    let metadata_id = document.add_object(xmp_stream(metadata));
    let profile_id = document.add_object(compressed(icc_stream()));
    let file_id = document.add_object(compressed(embedded_file(xml, metadata.created)));
    let filespec_id = document.add_object(filespec(file_id));
    // printpdf's information dictionary is replaced in place, so no
    // unreferenced copy of it stays in the file.
    let info_id = match document.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            document.set_object(id, info(metadata));
            id
        }
        Err(_) => document.add_object(info(metadata)),
    };

    let catalog = document
        .catalog_mut()
        .map_err(|_| FacturxError::Malformed("catalog"))?;
    catalog.set("Metadata", metadata_id);
    catalog.set(
        "OutputIntents",
        vec![Object::from(output_intent(profile_id))],
    );
    catalog.set("AF", vec![Object::Reference(filespec_id)]);
    let names = vec![
        Object::string_literal(XML_FILE_NAME),
        Object::Reference(filespec_id),
    ];
    let embedded_files = Dictionary::from_iter([("Names", Object::Array(names))]);
    catalog.set(
        "Names",
        Dictionary::from_iter([("EmbeddedFiles", Object::Dictionary(embedded_files))]),
    );

    document.trailer.set("Info", info_id);
    let identifier = file_identifier(pdf, xml);
    document
        .trailer
        .set("ID", Object::Array(vec![identifier.clone(), identifier]));

    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .map_err(|error| FacturxError::Write(error.to_string()))?;
    Ok(bytes)
}

fn compressed(mut stream: Stream) -> Stream {
    // A stream left uncompressed when flate fails is still valid PDF/A.
    if let Err(error) = stream.compress() {
        tracing::warn!(%error, "PDF stream left uncompressed");
    }
    stream
}

/// Derives the file identifier (trailer `/ID`) that PDF/A requires: the
/// first 16 bytes of the SHA-256 of the rendered PDF and the XML. Both
/// halves are equal because the file is written once and never updated.
fn file_identifier(pdf: &[u8], xml: &str) -> Object {
    let mut hasher = Sha256::new();
    hasher.update(pdf);
    hasher.update(xml.as_bytes());
    let digest = hasher.finalize();
    Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal)
}

/// Formats a time as a PDF date string (ISO 32000-1, 7.9.4), in UTC.
fn pdf_date(time: DateTime<Utc>) -> String {
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// Formats a time as an XMP date (ISO 8601), in UTC.
fn xmp_date(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// Encodes a PDF text string as UTF-16BE with its byte order mark, which
/// keeps any accent in a title intact.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Builds the document information dictionary. PDF/A requires each entry to
/// equal its XMP counterpart, so it contains exactly what `xmp_packet`
/// writes.
fn info(metadata: &Metadata) -> Dictionary {
    let date = Object::string_literal(pdf_date(metadata.created));
    Dictionary::from_iter([
        ("Title", text_string(&metadata.title)),
        ("Creator", Object::string_literal(PRODUCER)),
        ("Producer", Object::string_literal(PRODUCER)),
        ("CreationDate", date.clone()),
        ("ModDate", date),
    ])
}

fn xmp_stream(metadata: &Metadata) -> Stream {
    let dictionary = Dictionary::from_iter([
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    // PDF/A forbids a filter on the metadata stream, so that tools that do
    // not understand PDF can still find the packet.
    Stream::new(dictionary, xmp_packet(metadata).into_bytes()).with_compression(false)
}

/// Writes one property of the PDF/A extension schema that declares the Factur-X
/// namespace, as PDF/A requires for every property outside the predefined
/// XMP schemas.
fn extension_property(name: &str, description: &str) -> String {
    format!(
        r#"              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>{name}</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>{description}</pdfaProperty:description>
              </rdf:li>
"#
    )
}

/// Writes the XMP packet: PDF/A identification, Dublin Core title, dates,
/// producer, the Factur-X properties and their extension schema.
fn xmp_packet(metadata: &Metadata) -> String {
    let title = super::xml::escape(&metadata.title);
    let date = xmp_date(metadata.created);
    let properties = [
        extension_property("DocumentFileName", "Name of the embedded XML invoice file"),
        extension_property("DocumentType", "Type of the hybrid document: INVOICE"),
        extension_property("Version", "Version of the Factur-X XML schema"),
        extension_property("ConformanceLevel", "Factur-X profile of the XML invoice"),
    ]
    .concat();
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <dc:format>application/pdf</dc:format>
      <dc:title>
        <rdf:Alt>
          <rdf:li xml:lang="x-default">{title}</rdf:li>
        </rdf:Alt>
      </dc:title>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
      <pdf:Producer>{PRODUCER}</pdf:Producer>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
      <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
      <xmp:CreateDate>{date}</xmp:CreateDate>
      <xmp:ModifyDate>{date}</xmp:ModifyDate>
      <xmp:MetadataDate>{date}</xmp:MetadataDate>
    </rdf:Description>
    <rdf:Description rdf:about=""
        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>{FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>fx</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>
{properties}              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:fx="{FACTURX_NAMESPACE}">
      <fx:DocumentType>INVOICE</fx:DocumentType>
      <fx:DocumentFileName>{XML_FILE_NAME}</fx:DocumentFileName>
      <fx:Version>1.0</fx:Version>
      <fx:ConformanceLevel>{CONFORMANCE_LEVEL}</fx:ConformanceLevel>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{FEFF}',
    )
}

fn icc_stream() -> Stream {
    let dictionary = Dictionary::from_iter([
        ("N", Object::Integer(3)),
        ("Alternate", Object::Name(b"DeviceRGB".to_vec())),
    ]);
    Stream::new(dictionary, SRGB_PROFILE.to_vec())
}

/// Builds the PDF/A output intent, which declares the pages' DeviceRGB
/// colours to be sRGB.
fn output_intent(profile_id: lopdf::ObjectId) -> Dictionary {
    Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            Object::string_literal("sRGB IEC61966-2.1"),
        ),
        ("Info", Object::string_literal("sRGB IEC61966-2.1")),
        (
            "RegistryName",
            Object::string_literal("http://www.color.org"),
        ),
        ("DestOutputProfile", Object::Reference(profile_id)),
    ])
}

/// Builds the embedded file stream of the XML. PDF/A-3 requires its MIME type
/// (`/Subtype`, where the name escapes the slash as #2F) and its
/// modification date.
fn embedded_file(xml: &str, modified: DateTime<Utc>) -> Stream {
    let size = i64::try_from(xml.len()).unwrap_or(i64::MAX);
    let parameters = Dictionary::from_iter([
        ("ModDate", Object::string_literal(pdf_date(modified))),
        ("Size", Object::Integer(size)),
    ]);
    let dictionary = Dictionary::from_iter([
        ("Type", Object::Name(b"EmbeddedFile".to_vec())),
        ("Subtype", Object::Name(b"text/xml".to_vec())),
        ("Params", Object::Dictionary(parameters)),
    ]);
    Stream::new(dictionary, xml.as_bytes().to_vec())
}

/// Builds the file specification of the XML, with the associated-file relationship
/// `/Data` (the XML carries the invoice data that the pages show).
fn filespec(file_id: lopdf::ObjectId) -> Dictionary {
    let streams = Dictionary::from_iter([
        ("F", Object::Reference(file_id)),
        ("UF", Object::Reference(file_id)),
    ]);
    Dictionary::from_iter([
        ("Type", Object::Name(b"Filespec".to_vec())),
        ("F", Object::string_literal(XML_FILE_NAME)),
        ("UF", text_string(XML_FILE_NAME)),
        ("Desc", Object::string_literal("Factur-X invoice")),
        ("AFRelationship", Object::Name(b"Data".to_vec())),
        ("EF", Object::Dictionary(streams)),
    ])
}
