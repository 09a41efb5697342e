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

diesel::table! {
    /// The outbound mail queue: one row per message per recipient.
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        priority -> Integer,
        recipient -> Text,
        recipient_name -> Nullable<Text>,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        headers -> Text,
        attachments -> Text,
        message_id -> Text,
        dedupe_key -> Nullable<Text>,
        source -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The global send-rate token bucket shared by every sender (one row).
    mail_throttle (id) {
        id -> Integer,
        tokens -> Double,
        updated_at -> Timestamp,
    }
}
