use super::*;
use chrono::Utc;
use settings::commodities::commissions::{CommissionStructure, Tier};
use uuid::Uuid;

use crate::trades::commission::{commission_lines, commission_of, tier_for};

const MH_SELLER: &str = "27AAPFU0939F1ZV";
const MH_BUYER: &str = "27AAGCB7383J1Z4";
const KA_BUYER: &str = "29AAGCB7383J1Z4";

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn units() -> Units {
    let unit = |code: &str, base: &str, factor: &str| Unit {
        code: code.into(),
        base_unit: base.into(),
        factor: d(factor),
        category: "WEIGHT".into(),
    };
    Units(vec![
        unit("KG", "KG", "1"),
        unit("BALE", "KG", "170"),
        unit("CANDY", "KG", "355.6222"),
        unit("QUINTAL", "KG", "100"),
        unit("METER", "METER", "1"),
    ])
}

fn structure(kind: &str, applies_to: &str) -> CommissionStructure {
    CommissionStructure {
        id: Uuid::now_v7(),
        commodity_id: Uuid::nil(),
        name: format!("{kind} {applies_to}"),
        commission_type: kind.into(),
        rate: None,
        min_amount: None,
        max_amount: None,
        applies_to: applies_to.into(),
        tiers: None,
        is_active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn tier(from: &str, to: Option<&str>, rate: &str) -> Tier {
    Tier {
        from_amount: m(from),
        to_amount: to.map(m),
        rate: m(rate),
    }
}

fn input<'a>(quantity: &str, unit: &'a str, price: &str, price_unit: &'a str) -> PriceInput<'a> {
    PriceInput {
        base_unit: "KG",
        quantity: quantity.parse().unwrap(),
        unit,
        price: price.parse().unwrap(),
        price_unit,
        gst_rate: d("5"),
        seller_gstin: Some(MH_SELLER),
        buyer_gstin: Some(MH_BUYER),
        commissions: &[],
    }
}

#[path = "commission_tests.rs"]
mod commission_cases;

fn field_of(result: Result<TradeMoney, ServiceError>) -> String {
    match result {
        Err(ServiceError::Invalid(e)) => e.errors[0].field.clone(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn amount_by_unit_conversion_rounded_half_up() {
    // (quantity, unit, price, price unit, base quantity, amount)
    let cases = [
        ("100", "BALE", "7000", "QUINTAL", "17000", "1190000.00"),
        ("600", "BALE", "50000", "CANDY", "102000", "14341061.95"),
        ("1", "CANDY", "50000", "CANDY", "355.6222", "50000.00"),
        ("2.5", "QUINTAL", "61.3", "KG", "250", "15325.00"),
        ("1", "KG", "10.005", "KG", "1", "10.01"),
        ("3", "KG", "0.335", "KG", "3", "1.01"),
        ("1", "KG", "10.0049", "KG", "1", "10.00"),
        ("0.0001", "KG", "0.0001", "KG", "0.0001", "0.00"),
        ("10", "bale", "0", "quintal", "1700", "0.00"),
    ];
    for (quantity, unit, price, price_unit, base, amount) in cases {
        let money = price_trade(&units(), &input(quantity, unit, price, price_unit)).unwrap();
        assert_eq!(money.base_quantity.to_string(), base, "{quantity} {unit}");
        assert_eq!(
            money.amount.to_string(),
            amount,
            "{quantity} {unit} at {price}/{price_unit}"
        );
    }
    let exact = super::amount(
        &units(),
        "KG",
        "600".parse().unwrap(),
        "BALE",
        m("50000"),
        "CANDY",
    )
    .unwrap();
    assert!(exact.exact.to_string().starts_with("14341061.9472012714616804"));
}

#[test]
fn bad_input_names_its_field() {
    let cases = [
        (input("0", "KG", "1", "KG"), "quantity"),
        (input("1", "KG", "-1", "KG"), "price"),
        (input("1", "SACK", "1", "KG"), "unit"),
        (input("1", "KG", "1", "METER"), "price_unit"),
    ];
    for (case, field) in cases {
        assert_eq!(field_of(price_trade(&units(), &case)), field);
    }
}

#[test]
fn gst_intra_state_halves_and_inter_state_igst() {
    // (seller, buyer, quantity KG at 1 per KG, rate) -> (supply, cgst, sgst, igst, total)
    let cases = [
        (
            Some(MH_SELLER),
            Some(MH_BUYER),
            "1190000",
            "5",
            Supply::IntraState,
            "29750.00",
            "29750.00",
            "0.00",
            "1249500.00",
        ),
        (
            Some(MH_SELLER),
            Some(KA_BUYER),
            "1190000",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "59500.00",
            "1249500.00",
        ),
        (
            Some(MH_SELLER),
            Some(MH_BUYER),
            "1000",
            "18",
            Supply::IntraState,
            "90.00",
            "90.00",
            "0.00",
            "1180.00",
        ),
        (
            Some(MH_SELLER),
            Some(KA_BUYER),
            "1000",
            "18",
            Supply::InterState,
            "0.00",
            "0.00",
            "180.00",
            "1180.00",
        ),
        // Each half is rounded on its own: 2.5 % of 1.00 is 0.025 -> 0.03.
        (
            Some(MH_SELLER),
            Some(MH_BUYER),
            "1",
            "5",
            Supply::IntraState,
            "0.03",
            "0.03",
            "0.00",
            "1.06",
        ),
        (
            Some(MH_SELLER),
            Some(KA_BUYER),
            "1",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "0.05",
            "1.05",
        ),
        (
            Some(MH_SELLER),
            Some(MH_BUYER),
            "1234.57",
            "12",
            Supply::IntraState,
            "74.07",
            "74.07",
            "0.00",
            "1382.71",
        ),
        (
            Some(MH_SELLER),
            Some(MH_BUYER),
            "1000",
            "0",
            Supply::IntraState,
            "0.00",
            "0.00",
            "0.00",
            "1000.00",
        ),
        // A party without a GSTIN cannot show one state: IGST.
        (
            None,
            Some(MH_BUYER),
            "1000",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "50.00",
            "1050.00",
        ),
        (
            Some(MH_SELLER),
            None,
            "1000",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "50.00",
            "1050.00",
        ),
        (
            None,
            None,
            "1000",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "50.00",
            "1050.00",
        ),
        // A GSTIN not starting with a state code is no proof of one state.
        (
            Some("AB1234567890123"),
            Some("AB9999999999999"),
            "1000",
            "5",
            Supply::InterState,
            "0.00",
            "0.00",
            "50.00",
            "1050.00",
        ),
        // Trimmed and case-insensitive.
        (
            Some(" 27aapfu0939f1zv "),
            Some(MH_BUYER),
            "1000",
            "5",
            Supply::IntraState,
            "25.00",
            "25.00",
            "0.00",
            "1050.00",
        ),
    ];
    for (seller, buyer, quantity, rate, supply, cgst, sgst, igst, total) in cases {
        let case = PriceInput {
            gst_rate: d(rate),
            seller_gstin: seller,
            buyer_gstin: buyer,
            ..input(quantity, "KG", "1", "KG")
        };
        let money = price_trade(&units(), &case).unwrap();
        let label = format!("{seller:?} {buyer:?} {quantity} at {rate} %");
        assert_eq!(money.supply, supply, "{label}");
        assert_eq!(money.cgst.to_string(), cgst, "{label}");
        assert_eq!(money.sgst.to_string(), sgst, "{label}");
        assert_eq!(money.igst.to_string(), igst, "{label}");
        assert_eq!(money.gst, money.cgst + money.sgst + money.igst, "{label}");
        assert_eq!(money.total.to_string(), total, "{label}");
        assert_eq!(money.total, money.amount + money.gst, "{label}");
    }
}

#[test]
fn gst_rate_comes_from_the_catalogue_scale() {
    let row = settings::commodities::entity::commodity::Model {
        id: Uuid::nil(),
        name: "Cotton".into(),
        name_key: "cotton".into(),
        category: "COTTON".into(),
        hsn_code: "5201".into(),
        gst_rate: 25_000,
        base_unit: "KG".into(),
        trade_unit: "BALE".into(),
        rate_unit: "CANDY".into(),
        is_active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        deleted_at: None,
    };
    assert_eq!(gst_percent(&row), d("2.5"));
}

#[test]
fn trade_money_lines_and_json() {
    let mut brokerage = structure("PERCENTAGE", "BOTH");
    brokerage.rate = Some(m("0.25"));
    let structures = [brokerage];
    let case = PriceInput {
        buyer_gstin: Some(KA_BUYER),
        commissions: &structures,
        ..input("600", "BALE", "50000", "CANDY")
    };
    let money = price_trade(&units(), &case).unwrap();
    assert_eq!(money.amount, d("14341061.95"));
    assert_eq!(money.igst, d("717053.10"));
    assert_eq!(money.total, d("15058115.05"));
    assert_eq!(
        money.total_in_words,
        "Rupees One Crore Fifty Lakh Fifty-Eight Thousand One Hundred Fifteen and Five Paise Only"
    );
    // Commission on the taxable amount, outside the total.
    let amounts: Vec<String> = money.commissions.iter().map(|l| l.amount.to_string()).collect();
    assert_eq!(amounts, ["35852.65", "35852.65"]);
    let json = serde_json::to_value(&money).unwrap();
    assert_eq!(json["amount"], "14341061.95");
    assert_eq!(json["cgst"], "0.00");
    assert_eq!(json["igst"], "717053.10");
    assert_eq!(json["supply"], "INTER_STATE");
    assert_eq!(json["base_quantity"], "102000");
    assert_eq!(json["commissions"][1]["payer"], "SELLER");
    assert_eq!(json["commissions"][1]["rate"], "0.25");
    assert_eq!(json["commissions"][1]["amount"], "35852.65");
    let back: TradeMoney = serde_json::from_value(json).unwrap();
    assert_eq!(back, money);
}
