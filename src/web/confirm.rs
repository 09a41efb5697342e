//! The confirmation step of actions that mail many people or delete (DESIGN §4): the final
//! POST carries `confirm=1`; a POST without it answers the confirmation page instead of acting.

use serde::Deserialize;

/// The confirmation field of a final POST.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    /// `1` when the person pressed the final button of the confirmation page.
    pub confirm: String,
}

impl ConfirmForm {
    /// Whether the person confirmed.
    pub fn given(&self) -> bool {
        is_given(&self.confirm)
    }
}

/// Whether a `confirm` value is the final button's.
pub fn is_given(value: &str) -> bool {
    value == "1"
}

/// `3412` → 「3,412」: counts on confirmation pages and notices.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(124), "124");
        assert_eq!(count(3412), "3,412");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(count(-1200), "-1,200");
    }

    #[test]
    fn only_the_final_button_confirms() {
        assert!(is_given("1"));
        assert!(!is_given(""));
        assert!(!is_given("yes"));
    }
}
