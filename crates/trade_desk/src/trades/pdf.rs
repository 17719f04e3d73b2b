//! A small A4 page writer over `printpdf` with the vendored DejaVu Sans
//! (`assets/fonts`, Bitstream Vera licence beside it), embedded in the
//! binary: nothing is read from the system at run time. It places text
//! left or right aligned, wraps it at word boundaries by the font's own
//! glyph widths, draws rules, and starts a new page when one is full.

use infra::{InfraError, ServiceError};
use printpdf::{
    FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    TextItem,
};

/// DejaVu Sans, which has the rupee sign (U+20B9).
pub const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A4 width, mm.
pub const PAGE_WIDTH: f32 = 210.0;
/// A4 height, mm.
pub const PAGE_HEIGHT: f32 = 297.0;
/// Margin on every side, mm.
pub const MARGIN: f32 = 18.0;
/// Millimetres per point.
const MM_PER_PT: f32 = 25.4 / 72.0;

/// Writes pages top to bottom; `y` is the baseline of the next line, in mm
/// from the bottom edge.
pub struct Writer {
    doc: PdfDocument,
    font: ParsedFont,
    font_id: FontId,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    /// The baseline of the current line, mm from the bottom edge.
    pub y: f32,
}

impl Writer {
    /// A document titled `title`, on its first page.
    pub fn new(title: &str) -> Result<Self, ServiceError> {
        let font = ParsedFont::from_bytes(DEJAVU_SANS, 0, &mut Vec::new())
            .ok_or(ServiceError::Infra(InfraError::Invariant("the embedded DejaVu Sans font does not parse")))?;
        let mut doc = PdfDocument::new(title);
        let font_id = doc.add_font(&font);
        Ok(Self {
            doc,
            font,
            font_id,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_HEIGHT - MARGIN,
        })
    }

    /// The width of `text` at `size` points, in mm.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units_per_em = f32::from(self.font.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .map(|c| {
                self.font
                    .lookup_glyph_index(u32::from(c))
                    .and_then(|gid| self.font.get_glyph_width(gid))
                    .map_or(units_per_em / 2.0, f32::from)
            })
            .sum();
        units / units_per_em * size * MM_PER_PT
    }

    /// Moves down `mm`, starting a new page when fewer than `mm` remain.
    pub fn down(&mut self, mm: f32) {
        self.room(mm);
        self.y -= mm;
    }

    /// Starts a new page unless `mm` of height remain on this one.
    pub fn room(&mut self, mm: f32) {
        if self.y - mm < MARGIN {
            let ops = std::mem::take(&mut self.ops);
            self.pages.push(PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops));
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    /// `text` with its left edge at `x` mm, on the current line.
    pub fn text(&mut self, x: f32, size: f32, text: &str) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(self.y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// `text` with its right edge at `x` mm, on the current line.
    pub fn right(&mut self, x: f32, size: f32, text: &str) {
        let left = x - self.width(text, size);
        self.text(left, size, text);
    }

    /// `text` wrapped at word boundaries into lines at most `width` mm wide,
    /// from `x` mm, moving down one line of `size` points before each line.
    pub fn paragraph(&mut self, x: f32, width: f32, size: f32, text: &str) {
        for line in self.wrap(text, width, size) {
            self.down(size * MM_PER_PT * 1.45);
            self.text(x, size, &line);
        }
    }

    /// The lines `text` wraps into at `width` mm; a word longer than the
    /// width stands on a line of its own.
    pub fn wrap(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for source in text.lines() {
            let mut line = String::new();
            for word in source.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) > width && !line.is_empty() {
                    lines.push(std::mem::replace(&mut line, word.to_owned()));
                } else {
                    line = candidate;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A horizontal rule across the text width, `gap` mm below the current line.
    pub fn rule(&mut self, gap: f32) {
        self.down(gap);
        let at = |x: f32, y: f32| LinePoint {
            p: Point::new(Mm(x), Mm(y)),
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![at(MARGIN, self.y), at(PAGE_WIDTH - MARGIN, self.y)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// The finished document.
    pub fn finish(mut self) -> Vec<u8> {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops));
        let pages = std::mem::take(&mut self.pages);
        self.doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}
