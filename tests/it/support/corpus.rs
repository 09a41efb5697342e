//! The shared corpus of bad inputs, `../shared/testdata/bad-inputs.json` beside the repository.
//!
//! A missing file, or a category that is missing or empty, fails the test: a loop over a
//! corpus that silently came back empty would pass without testing anything.

use serde_json::Value;

/// Where the corpus lives, relative to the repository (the working directory of the tests).
pub const PATH: &str = "../shared/testdata/bad-inputs.json";

/// The corpus, by category.
pub fn corpus() -> Value {
    let text = std::fs::read_to_string(PATH)
        .unwrap_or_else(|e| panic!("{PATH} beside the repository: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{PATH} is not JSON: {e}"))
}

/// The values of one category; panics when the category is missing or empty.
pub fn values<'a>(corpus: &'a Value, category: &str) -> &'a [Value] {
    let values = corpus[category]
        .as_array()
        .unwrap_or_else(|| panic!("{PATH} has no category {category:?}"));
    assert!(!values.is_empty(), "{PATH}: category {category:?} is empty");
    values
}

/// The strings of some categories; panics when one of them is missing or empty.
pub fn strings(corpus: &Value, categories: &[&str]) -> Vec<String> {
    categories
        .iter()
        .flat_map(|c| values(corpus, c))
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}
