use super::*;
use crate::trades::pricing::{PriceInput, price_trade};
use chrono::Utc;
use settings::commodities::commissions::CommissionStructure;
use settings::commodities::units::{Unit, Units};
use uuid::Uuid;

fn units() -> Units {
    let unit = |code: &str, factor: &str| Unit {
        code: code.into(),
        base_unit: "KG".into(),
        factor: Decimal::from_str_exact(factor).unwrap(),
        category: "WEIGHT".into(),
    };
    Units(vec![
        unit("KG", "1"),
        unit("BALE", "170"),
        unit("CANDY", "355.6222"),
    ])
}

fn brokerage() -> CommissionStructure {
    CommissionStructure {
        id: Uuid::now_v7(),
        commodity_id: Uuid::nil(),
        name: "Brokerage".into(),
        commission_type: "PERCENTAGE".into(),
        rate: Some("0.25".parse().unwrap()),
        min_amount: None,
        max_amount: None,
        applies_to: "BOTH".into(),
        tiers: None,
        is_active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn note(seller_gstin: &str, buyer_gstin: &str, terms: &str) -> TradeNote {
    let structures = [brokerage()];
    let input = PriceInput {
        base_unit: "KG",
        quantity: "600".parse().unwrap(),
        unit: "BALE",
        price: "50000".parse().unwrap(),
        price_unit: "CANDY",
        gst_rate: Decimal::from(5),
        seller_gstin: Some(seller_gstin),
        buyer_gstin: Some(buyer_gstin),
        commissions: &structures,
    };
    let party = |name: &str, gstin: &str, address: &str| NoteParty {
        name: name.into(),
        gstin: Some(gstin.into()),
        address: address.into(),
    };
    TradeNote {
        number: "TRD-2026-000042".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        seller: party(
            "Saurashtra Ginning Works",
            seller_gstin,
            "Plot 12, GIDC Estate, Rajkot, Gujarat 360003",
        ),
        buyer: party(
            "Deccan Spinning Mills",
            buyer_gstin,
            "Survey 88, Ichalkaranji, Kolhapur, Maharashtra 416115",
        ),
        commodity: "Shankar-6 Cotton".into(),
        variety: Some("S-6".into()),
        quality: BTreeMap::from([
            ("micronaire".to_owned(), "4.2".to_owned()),
            ("staple_length".to_owned(), "29.5".to_owned()),
        ]),
        quantity: "600".parse().unwrap(),
        unit: "BALE".into(),
        price: "50000".parse().unwrap(),
        price_unit: "CANDY".into(),
        money: price_trade(&units(), &input).unwrap(),
        delivery_terms: "Ex-gin Rajkot, within 15 days of the trade date.".into(),
        payment_terms: terms.into(),
    }
}

/// The text of every page, whitespace runs folded to one space.
fn text_of(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (pages.len(), text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn the_note_carries_number_parties_total_and_words_as_text() {
    let note = note(
        "24AAACR5055K1Z5",
        "27AAGCB7383J1Z4",
        "100 % against delivery documents.",
    );
    let pdf = contract_pdf(&note).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // Only the glyphs used are embedded, not the 740 KB font.
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    let (pages, text) = text_of(&pdf);
    assert_eq!(pages, 1);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let embedded = doc.objects.values().any(|object| match object {
        lopdf::Object::Dictionary(dict) => dict.has(b"FontFile2"),
        _ => false,
    });
    assert!(
        embedded,
        "the font is embedded, not taken from the reader's system"
    );
    for wanted in [
        "TRD-2026-000042",
        "24AAACR5055K1Z5",
        "27AAGCB7383J1Z4",
        "₹ 1,50,58,115.05",
        "Rupees One Crore Fifty Lakh Fifty-Eight Thousand One Hundred Fifteen and Five Paise Only",
        "IGST @ 5 %",
        "₹ 7,17,053.10",
        "staple_length",
        "29.5",
        "600 BALE (102000 KG)",
        "₹ 50,000.00 per CANDY",
        "03 December 2026",
        "paid by the buyer",
        "paid by the seller",
        "₹ 35,852.65",
        "Ex-gin Rajkot",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from {text:?}");
    }
    assert!(!text.contains("CGST"), "{text}");
}

#[test]
fn intra_state_note_shows_cgst_and_sgst() {
    let note = note("27AAPFU0939F1ZV", "27AAGCB7383J1Z4", "Against delivery.");
    let (_, text) = text_of(&contract_pdf(&note).unwrap());
    assert!(text.contains("CGST @ 2.5 %"), "{text}");
    assert!(text.contains("SGST @ 2.5 %"), "{text}");
    assert!(text.contains("₹ 3,58,526.55"), "{text}");
    assert!(!text.contains("IGST"), "{text}");
}

#[test]
fn long_terms_flow_onto_another_page() {
    let clause = "The buyer shall lift the goods from the seller's godown within the agreed window. ";
    let note = note("24AAACR5055K1Z5", "27AAGCB7383J1Z4", &clause.repeat(60));
    let (pages, text) = text_of(&contract_pdf(&note).unwrap());
    assert!(pages >= 2, "{pages} pages");
    assert!(text.contains("For the buyer"), "{text}");
    assert!(text.contains("TRD-2026-000042"));
}

#[test]
fn a_buyer_without_gstin_is_named_unregistered_and_pays_igst() {
    let mut note = note("27AAPFU0939F1ZV", "27AAGCB7383J1Z4", "Against delivery.");
    note.buyer.gstin = None;
    let input = PriceInput {
        base_unit: "KG",
        quantity: note.quantity,
        unit: "BALE",
        price: note.price,
        price_unit: "CANDY",
        gst_rate: Decimal::from(5),
        seller_gstin: note.seller.gstin.as_deref(),
        buyer_gstin: None,
        commissions: &[],
    };
    note.money = price_trade(&units(), &input).unwrap();
    let (_, text) = text_of(&contract_pdf(&note).unwrap());
    assert!(text.contains("GSTIN: not registered"), "{text}");
    assert!(text.contains("IGST @ 5 %"), "{text}");
    assert!(text.contains("No commission applies to this trade."), "{text}");
}
