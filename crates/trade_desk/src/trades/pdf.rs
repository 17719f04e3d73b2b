//! A small A4 page writer over `printpdf` with the vendored DejaVu Sans
//! (`assets/fonts`, Bitstream Vera licence beside it), embedded in the
//! binary: nothing is read from the system at run time. It places text
//! left or right aligned, wraps it at word boundaries by the font's own
//! glyph widths, draws rules, and starts a new page when one is full. The
//! document embeds only the glyphs it uses (a subset of the font made when
//! it is finished), so a note weighs kilobytes rather than the whole font.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use infra::{InfraError, ServiceError};
use printpdf::{
    Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
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

/// What a page holds until the document is finished.
enum Mark {
    /// Text with its left edge at `x`, baseline `y` (mm), `size` points.
    Text { x: f32, y: f32, size: f32, text: String },
    /// A horizontal rule across the text width at `y` mm.
    Rule { y: f32 },
}

/// Writes pages top to bottom.
pub struct Writer {
    title: String,
    font: ParsedFont,
    pages: Vec<Vec<Mark>>,
    marks: Vec<Mark>,
    /// The baseline of the current line, mm from the bottom edge.
    pub y: f32,
}

fn parse(bytes: &[u8]) -> Option<ParsedFont> {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
}

impl Writer {
    /// A document titled `title`, on its first page.
    pub fn new(title: &str) -> Result<Self, ServiceError> {
        let font = parse(DEJAVU_SANS).ok_or(ServiceError::Infra(InfraError::Invariant(
            "the embedded DejaVu Sans font does not parse",
        )))?;
        Ok(Self {
            title: title.to_owned(),
            font,
            pages: Vec::new(),
            marks: Vec::new(),
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
            let marks = std::mem::take(&mut self.marks);
            self.pages.push(marks);
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    /// `text` with its left edge at `x` mm, on the current line (nothing
    /// for an empty text).
    pub fn text(&mut self, x: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.marks.push(Mark::Text {
            x,
            y: self.y,
            size,
            text: text.to_owned(),
        });
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
        self.marks.push(Mark::Rule { y: self.y });
    }

    /// The font holding only the glyphs of `pages` (and .notdef), or the
    /// whole font should subsetting fail.
    fn subset_font(&self, pages: &[Vec<Mark>]) -> ParsedFont {
        let chars: BTreeSet<char> = pages
            .iter()
            .flatten()
            .filter_map(|mark| match mark {
                Mark::Text { text, .. } => Some(text.chars()),
                Mark::Rule { .. } => None,
            })
            .flatten()
            .collect();
        let glyphs: BTreeSet<u16> = chars
            .into_iter()
            .filter_map(|c| self.font.lookup_glyph_index(u32::from(c)))
            .chain([0])
            .collect();
        let glyphs: Vec<u16> = glyphs.into_iter().collect();
        let subset = ReadScope::new(DEJAVU_SANS)
            .read::<FontData<'_>>()
            .map_err(|e| e.to_string())
            .and_then(|data| data.table_provider(0).map_err(|e| e.to_string()))
            .and_then(|provider| {
                subset(&provider, &glyphs, &SubsetProfile::Minimal, CmapTarget::Unicode)
                    .map_err(|e| e.to_string())
            });
        match subset.map(|bytes| parse(&bytes)) {
            Ok(Some(font)) => font,
            Ok(None) => {
                tracing::warn!("the subset of DejaVu Sans does not parse; embedding the whole font");
                self.font.clone()
            }
            Err(error) => {
                tracing::warn!(%error, "DejaVu Sans could not be subset; embedding the whole font");
                self.font.clone()
            }
        }
    }

    /// The finished document.
    pub fn finish(mut self) -> Vec<u8> {
        let last = std::mem::take(&mut self.marks);
        self.pages.push(last);
        let font = self.subset_font(&self.pages);
        let mut doc = PdfDocument::new(&self.title);
        let font_id = doc.add_font(&font);
        let at = |x: f32, y: f32| LinePoint {
            p: Point::new(Mm(x), Mm(y)),
            bezier: false,
        };
        let pages = self
            .pages
            .iter()
            .map(|marks| {
                let mut ops = vec![Op::SetOutlineThickness { pt: Pt(0.5) }];
                for mark in marks {
                    match mark {
                        Mark::Text { x, y, size, text } => ops.extend([
                            Op::StartTextSection,
                            Op::SetFont {
                                font: PdfFontHandle::External(font_id.clone()),
                                size: Pt(*size),
                            },
                            Op::SetTextCursor {
                                pos: Point::new(Mm(*x), Mm(*y)),
                            },
                            Op::ShowText {
                                items: vec![TextItem::Text(text.clone())],
                            },
                            Op::EndTextSection,
                        ]),
                        Mark::Rule { y } => ops.push(Op::DrawLine {
                            line: Line {
                                points: vec![at(MARGIN, *y), at(PAGE_WIDTH - MARGIN, *y)],
                                is_closed: false,
                            },
                        }),
                    }
                }
                PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)
            })
            .collect();
        doc.with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}
