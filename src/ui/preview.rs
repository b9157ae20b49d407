//! The live preview of the PDF template. A specimen invoice is rendered by
//! the same `pdf::render` that prints real documents, then rasterized with
//! hayro, a pure-Rust PDF renderer. The app therefore shows the PDF itself,
//! not a second drawing of it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::books::DocumentView;
use crate::document::{
    Address, Company, Content, DocumentKind, Header, InvoiceStatus, Line, Party, PriceSource,
};
use crate::money::Currency;
use crate::pdf::{self, Nature, Template};
use crate::store::documents::{StoredDocument, StoredTotals};
use crate::terms::PaymentTerms;
use crate::vat::{Vat, VatCategory};

/// Number printed on the specimen in place of a real invoice number.
pub const SPECIMEN_NUMBER: &str = "SPECIMEN";

/// The first page of a PDF as straight (not premultiplied) RGBA pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for PageImage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PageImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Renders the specimen invoice of `seller` with `template` and returns its
/// first page at `scale` pixels per point (1.0 is 72 dpi).
pub fn specimen_page(
    seller: &Company,
    template: &Template,
    scale: f32,
) -> Result<PageImage, String> {
    let template = template
        .clone()
        .validated()
        .map_err(|error| error.to_string())?;
    let view = specimen(seller)?;
    let bytes = pdf::render(&view, seller, &template, Nature::Both)
        .map_err(|error| format!("the preview could not be rendered: {error}"))?;
    first_page(bytes, scale)
}

/// Rasterizes the first page of a PDF on a white background.
pub fn first_page(pdf_bytes: Vec<u8>, scale: f32) -> Result<PageImage, String> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;

    let pdf = Pdf::new(pdf_bytes)
        .map_err(|error| format!("the preview PDF could not be read: {error:?}"))?;
    let Some(page) = pdf.pages().first() else {
        return Err("the preview PDF has no page".to_string());
    };
    // Our PDFs embed every font they use, so no font resolver is needed.
    let settings = hayro::RenderSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
        ..Default::default()
    };
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &settings,
    );
    let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let rgba = pixmap
        .take_unpremultiplied()
        .into_iter()
        .flat_map(|pixel| [pixel.r, pixel.g, pixel.b, pixel.a])
        .collect();
    Ok(PageImage {
        width,
        height,
        rgba,
    })
}

/// Builds a specimen invoice of two lines at different VAT rates, with its
/// totals from `calc::compute` as for any document.
fn specimen(seller: &Company) -> Result<DocumentView, String> {
    let date = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    let line = |description: &str, quantity: i64, unit: &str, price: Decimal, rate: Decimal| Line {
        product_id: None,
        item_code: None,
        description: description.to_string(),
        quantity: Decimal::from(quantity),
        unit: unit.to_string(),
        unit_price: price,
        base_quantity: Decimal::ONE,
        discount: None,
        vat: Vat {
            category: VatCategory::S,
            rate,
            exemption_code: None,
            exemption_reason: None,
        },
        delivery_date: None,
        price_source: PriceSource::Manual,
    };
    let content = Content {
        lines: vec![
            line(
                "Conseil / Consulting",
                3,
                "HUR",
                Decimal::new(8500, 2),
                Decimal::from(20),
            ),
            line(
                "Livre / Book",
                2,
                "C62",
                Decimal::new(2450, 2),
                Decimal::new(55, 1),
            ),
        ],
        allowances: Vec::new(),
        charges: Vec::new(),
    };
    let currency = Currency::EUR;
    let totals = crate::calc::compute(&content, currency, Decimal::ZERO, Decimal::ZERO)
        .map_err(|error| error.to_string())?;
    let header = Header {
        kind: DocumentKind::Invoice,
        customer_id: None,
        buyer: Party {
            name: "Client Exemple SARL".to_string(),
            siren: None,
            siret: None,
            vat_id: None,
            address: Address {
                line1: "1 rue de l'Exemple".to_string(),
                line2: None,
                postcode: "75001".to_string(),
                city: "Paris".to_string(),
                country: "FR".to_string(),
            },
            delivery_address: None,
            email: None,
        },
        currency,
        exchange_rate: None,
        price_list_id: None,
        price_locked: false,
        issue_date: Some(date),
        payment_terms: PaymentTerms::Net { days: 30 },
        delivery_date: Some(date),
        purchase_order_ref: None,
        buyer_reference: None,
        note: None,
        valid_until: None,
    };
    let balance = totals.amount_due;
    Ok(DocumentView {
        document: StoredDocument {
            id: 0,
            issued: true,
            stage: None,
            series_id: None,
            number: Some(SPECIMEN_NUMBER.to_string()),
            header,
            seller: Some(seller.clone()),
            due_date: date.checked_add_days(chrono::Days::new(30)),
            content,
            source_id: None,
            corrects_id: None,
            content_sha256: None,
            stored_totals: StoredTotals::default(),
            created_at: String::new(),
            updated_at: String::new(),
            issued_at: None,
        },
        totals,
        company_totals: None,
        status: InvoiceStatus::Open,
        overdue: false,
        paid: Decimal::ZERO,
        credited: Decimal::ZERO,
        balance,
        payments: Vec::new(),
        corrects: None,
        credit_notes: Vec::new(),
    })
}

/// A logo file as the PDF prints it, with a thumbnail for Settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoInfo {
    pub path: std::path::PathBuf,
    /// Size of the file in bytes.
    pub file_size: u64,
    pub thumbnail: PageImage,
}

/// Reads a logo the way the PDF renderer does (8-bit grey, grey and alpha,
/// RGB or RGBA PNG, palettes expanded) and returns its pixels as RGBA. The
/// error names the file and the fix.
pub fn inspect_logo(path: &std::path::Path) -> Result<LogoInfo, String> {
    let error = |reason: String| {
        format!(
            "the logo {} {reason}: choose a PNG file (File > Export as PNG in most image editors)",
            path.display()
        )
    };
    let file_size = std::fs::metadata(path)
        .map_err(|e| error(format!("cannot be read ({e})")))?
        .len();
    let file = std::fs::File::open(path).map_err(|e| error(format!("cannot be opened ({e})")))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| error(format!("is not a valid PNG file ({e})")))?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|e| error(format!("is not a valid PNG file ({e})")))?;
    pixels.truncate(frame.buffer_size());
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => pixels,
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => {
            return Err(error(
                "uses a colour palette the PDF cannot print".to_string(),
            ));
        }
    };
    Ok(LogoInfo {
        path: path.to_path_buf(),
        file_size,
        thumbnail: PageImage {
            width: frame.width,
            height: frame.height,
            rgba,
        },
    })
}
