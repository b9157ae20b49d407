//! Units of measure: the UN/ECE Recommendation 20 codes (and the
//! Recommendation 21 package codes prefixed with X) that EN 16931 accepts for
//! BT-130, restricted to those small businesses invoice with.

/// Code, English name, French name.
pub const UNITS: &[(&str, &str, &str)] = &[
    ("C62", "unit", "unité"),
    ("H87", "piece", "pièce"),
    ("EA", "each", "chaque"),
    ("SET", "set", "lot"),
    ("PR", "pair", "paire"),
    ("DZN", "dozen", "douzaine"),
    ("HUR", "hour", "heure"),
    ("MIN", "minute", "minute"),
    ("SEC", "second", "seconde"),
    ("DAY", "day", "jour"),
    ("WEE", "week", "semaine"),
    ("MON", "month", "mois"),
    ("ANN", "year", "année"),
    ("KGM", "kilogram", "kilogramme"),
    ("GRM", "gram", "gramme"),
    ("MGM", "milligram", "milligramme"),
    ("TNE", "tonne", "tonne"),
    ("MTR", "metre", "mètre"),
    ("CMT", "centimetre", "centimètre"),
    ("MMT", "millimetre", "millimètre"),
    ("KMT", "kilometre", "kilomètre"),
    ("MTK", "square metre", "mètre carré"),
    ("MTQ", "cubic metre", "mètre cube"),
    ("LTR", "litre", "litre"),
    ("MLT", "millilitre", "millilitre"),
    ("CLT", "centilitre", "centilitre"),
    ("KWH", "kilowatt hour", "kilowattheure"),
    ("KWT", "kilowatt", "kilowatt"),
    ("MWH", "megawatt hour", "mégawattheure"),
    ("GB", "gigabyte", "gigaoctet"),
    ("E34", "gigabyte", "gigaoctet"),
    ("AB", "bulk pack", "colis en vrac"),
    ("LS", "lump sum", "forfait"),
    ("ZZ", "mutually defined", "unité convenue"),
    ("XBX", "box", "boîte"),
    ("XPK", "package", "colis"),
    ("XPA", "packet", "paquet"),
    ("XCT", "carton", "carton"),
    ("XBO", "bottle", "bouteille"),
    ("XCA", "can", "canette"),
    ("XBG", "bag", "sac"),
    ("XPX", "pallet", "palette"),
    ("XRO", "roll", "rouleau"),
    ("XCR", "crate", "caisse"),
    ("XTU", "tube", "tube"),
    ("XSA", "sack", "sac"),
    ("XBA", "barrel", "baril"),
    ("XJR", "jar", "bocal"),
    ("XTN", "tin", "boîte métallique"),
];

/// Checks that `code` is a known unit code, case-sensitively as EN 16931
/// requires.
pub fn check_unit(code: &str) -> Result<(), String> {
    if UNITS.iter().any(|(known, _, _)| *known == code) {
        Ok(())
    } else {
        Err(format!(
            "unknown unit code \"{code}\": use a UN/ECE Recommendation 20 code such as C62 (unit), HUR (hour), DAY (day), KGM (kilogram), MTR (metre), LTR (litre) or LS (lump sum)"
        ))
    }
}

/// The name of a unit for printed documents, in French or English.
pub fn unit_name(code: &str, french: bool) -> &str {
    UNITS
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, english, french_name)| if french { *french_name } else { *english })
        .unwrap_or(code)
}
