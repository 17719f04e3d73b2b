use super::*;

fn specs() -> Vec<Spec> {
    let spec = |code: &str, kind: &str, min: Option<&str>, max: Option<&str>, mandatory: bool| Spec {
        code: code.into(),
        param_type: kind.into(),
        min: min.map(|m| Decimal::from_str_exact(m).unwrap()),
        max: max.map(|m| Decimal::from_str_exact(m).unwrap()),
        mandatory,
    };
    vec![
        spec("staple_length", "NUMERIC", Some("20"), Some("40"), true),
        spec("micronaire", "RANGE", Some("2.5"), Some("6"), false),
        spec("origin", "TEXT", None, None, false),
    ]
}

fn fields(v: Validator) -> Vec<String> {
    match v.finish() {
        Ok(()) => Vec::new(),
        Err(e) => e.errors.into_iter().map(|f| f.field).collect(),
    }
}

fn map(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn numbers_come_as_strings_or_json_numbers() {
    assert_eq!(number(&json!("28.5")), Decimal::from_str_exact("28.5").ok());
    assert_eq!(number(&json!(28.5)), Decimal::from_str_exact("28.5").ok());
    assert_eq!(number(&json!(30)), Decimal::from_str_exact("30").ok());
    assert_eq!(number(&json!(" 1.25 ")), Decimal::from_str_exact("1.25").ok());
    assert_eq!(number(&json!("1.23456")), None, "more than 4 places");
    assert_eq!(number(&json!("abc")), None);
    assert_eq!(number(&json!(true)), None);
}

#[test]
fn stated_values_are_checked_by_code() {
    let mut v = Validator::new();
    let stored = check_values(
        &specs(),
        &map(json!({"staple_length": 29, "micronaire": {"min": "3.5", "max": 4.2}, "origin": " Gujarat "})),
        &mut v,
    );
    assert!(fields(v).is_empty());
    assert_eq!(
        stored,
        json!({"staple_length": "29", "micronaire": {"min": "3.5", "max": "4.2"}, "origin": "Gujarat"})
    );

    let mut v = Validator::new();
    check_values(
        &specs(),
        &map(json!({"micronaire": {"min": 5, "max": 4}, "origin": 7, "grade": "A"})),
        &mut v,
    );
    assert_eq!(
        fields(v),
        [
            "quality.staple_length",
            "quality.grade",
            "quality.micronaire.max",
            "quality.origin"
        ]
    );

    let mut v = Validator::new();
    check_values(&specs(), &map(json!({"staple_length": "41"})), &mut v);
    assert_eq!(fields(v), ["quality.staple_length"], "above its max");
    let mut v = Validator::new();
    check_values(&specs(), &map(json!({"staple_length": "x"})), &mut v);
    assert_eq!(fields(v), ["quality.staple_length"], "not a number");
}

#[test]
fn asked_ranges_are_checked_by_code() {
    let mut v = Validator::new();
    let stored = check_ranges(
        &specs(),
        &map(
            json!({"staple_length": {"min": 28, "preferred": "29.5", "max": 31}, "origin": {"preferred": "Gujarat"}}),
        ),
        &mut v,
    );
    assert!(fields(v).is_empty());
    assert_eq!(
        stored,
        json!({"staple_length": {"min": "28", "preferred": "29.5", "max": "31"}, "origin": {"preferred": "Gujarat"}})
    );

    let mut v = Validator::new();
    check_ranges(
        &specs(),
        &map(json!({
            "staple_length": {"min": 30, "preferred": 29, "max": 45},
            "micronaire": {},
            "origin": {"min": 1},
            "grade": {"min": 1},
        })),
        &mut v,
    );
    assert_eq!(
        fields(v),
        [
            "quality.grade",
            "quality.micronaire",
            "quality.origin",
            "quality.staple_length.max",
            "quality.staple_length.preferred",
        ]
    );
    let mut v = Validator::new();
    check_ranges(&specs(), &map(json!({"staple_length": 29})), &mut v);
    assert_eq!(fields(v), ["quality.staple_length"], "a range is an object");
}
