//! The diesel schema, one for both databases: portable column types only (UTC `Timestamp`,
//! `Text` for ids and JSON, `BigInt` keys).

diesel::table! {
    /// Prefectures by JIS X 0401 code; `kyushu` marks the bureau's seven (40–46).
    prefectures (code) {
        code -> Integer,
        name_ja -> Text,
        name_en -> Text,
        kyushu -> Bool,
    }
}

diesel::table! {
    /// Industries of the seminar programme (staff can add more).
    industries (code) {
        code -> Text,
        label_ja -> Text,
        label_en -> Text,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    /// Employee bands (1–5, 6–20, ..., 301+).
    employee_bands (code) {
        code -> Text,
        label_ja -> Text,
        label_en -> Text,
        position -> Integer,
        min_employees -> Integer,
        max_employees -> Nullable<Integer>,
    }
}

diesel::table! {
    /// Groups of service categories (A 相談・診断 ... E 制度・パッケージ).
    service_category_groups (code) {
        code -> Text,
        label_ja -> Text,
        label_en -> Text,
        position -> Integer,
    }
}

diesel::table! {
    /// Service categories of the matching board (A1 ... E3).
    service_categories (code) {
        code -> Text,
        group_code -> Text,
        label_ja -> Text,
        label_en -> Text,
        position -> Integer,
        covers -> Nullable<Text>,
    }
}

diesel::joinable!(service_categories -> service_category_groups (group_code));

diesel::allow_tables_to_appear_in_same_query!(
    prefectures,
    industries,
    employee_bands,
    service_category_groups,
    service_categories,
);
