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
        template_id -> Nullable<BigInt>,
        template_values -> Nullable<Text>,
    }
}

diesel::table! {
    /// Messages built once and filled in per recipient (a campaign's issue per language).
    mail_templates (id) {
        id -> BigInt,
        key -> Text,
        parts -> Text,
        created_at -> Timestamp,
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

diesel::table! {
    /// SMEs and vendors.
    organizations (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        prefecture -> Nullable<Integer>,
        industry -> Nullable<Text>,
        employee_band -> Nullable<Text>,
        website -> Nullable<Text>,
        security_action -> Text,
        otasuketai_service -> Nullable<Text>,
        it_support_provider -> Bool,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// People who sign in: bureau staff and members of organizations.
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        lang -> Text,
        organization_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Server-side sessions, by the hash of the cookie value.
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One-time email sign-in links, by the hash of the token.
    login_tokens (token_hash) {
        token_hash -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Identities at the OAuth2 provider linked to users.
    oauth_identities (id) {
        id -> BigInt,
        user_id -> BigInt,
        provider -> Text,
        subject -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// OAuth2 authorizations in progress (state, PKCE verifier, browser binding).
    oauth_flows (state_hash) {
        state_hash -> Text,
        browser_hash -> Text,
        pkce_verifier -> Text,
        next_path -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        link_user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// API tokens (Bearer), by hash.
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Invitations of people into an organization.
    invitations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Applications of signed-in people for an organization, judged by staff.
    organization_applications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        name -> Text,
        prefecture -> Nullable<Integer>,
        industry -> Nullable<Text>,
        employee_band -> Nullable<Text>,
        website -> Nullable<Text>,
        security_action -> Text,
        security_action_id -> Nullable<Text>,
        otasuketai_service -> Nullable<Text>,
        it_support_provider -> Bool,
        note -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        organization_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Who did what to which record, and when. Append-only.
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_role -> Text,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    /// Seminars.
    seminars (id) {
        id -> BigInt,
        title -> Text,
        summary -> Text,
        body_md -> Text,
        industry -> Text,
        prefecture -> Integer,
        format -> Text,
        venue -> Text,
        address -> Text,
        online_url -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        registration_opens_at -> Nullable<Timestamp>,
        registration_closes_at -> Timestamp,
        capacity_onsite -> Integer,
        capacity_online -> Integer,
        hosts -> Text,
        cohosts -> Text,
        speakers -> Text,
        fee -> Text,
        status -> Text,
        sequence -> Integer,
        questions -> Text,
        attendance_code -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reminder_time -> Nullable<Text>,
        import_uid -> Nullable<Text>,
        allocation -> Text,
        draw_at -> Nullable<Timestamp>,
        lottery_waitlist -> Bool,
        drawn_at -> Nullable<Timestamp>,
        group_limit -> Integer,
        series_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Series (連続講座) of seminars: one registration, one capacity, a certificate for the series.
    seminar_series (id) {
        id -> BigInt,
        title -> Text,
        title_en -> Text,
        description -> Text,
        description_en -> Text,
        capacity -> Integer,
        certificate_min_sessions -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The record of each lottery draw (seed, algorithm, entrants, result).
    lottery_draws (id) {
        id -> BigInt,
        seminar_id -> BigInt,
        algorithm -> Text,
        version -> Integer,
        seed -> Text,
        record -> Text,
        result -> Text,
        entrants -> Integer,
        confirmed -> Integer,
        waitlisted -> Integer,
        not_drawn -> Integer,
        drawn_by -> Nullable<BigInt>,
        drawn_at -> Timestamp,
    }
}

diesel::table! {
    /// Registrations for seminars.
    registrations (id) {
        id -> BigInt,
        seminar_id -> BigInt,
        name -> Text,
        company -> Text,
        email -> Text,
        prefecture -> Nullable<Integer>,
        industry -> Text,
        employee_band -> Nullable<Text>,
        mode -> Text,
        answers -> Text,
        status -> Text,
        waitlist_seq -> Nullable<BigInt>,
        checked_in_at -> Nullable<Timestamp>,
        token_hash -> Text,
        lang -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        group_id -> Nullable<BigInt>,
        attended_minutes -> Nullable<Integer>,
        series_entry_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The survey after a seminar: one row per attendee it was sent to, with the answers.
    seminar_surveys (id) {
        id -> BigInt,
        registration_id -> BigInt,
        seminar_id -> BigInt,
        sent_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        satisfaction -> Nullable<Integer>,
        usefulness -> Nullable<Integer>,
        topics -> Text,
        comments -> Text,
    }
}

diesel::table! {
    /// Newsletter topics (staff can add more).
    newsletter_topics (code) {
        code -> Text,
        label_ja -> Text,
        label_en -> Text,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    /// Newsletter subscribers, one per (lower-cased) address.
    newsletter_subscribers (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        company -> Text,
        prefecture -> Nullable<Integer>,
        industry -> Nullable<Text>,
        status -> Text,
        lang -> Text,
        confirm_token_hash -> Nullable<Text>,
        confirm_sent_at -> Nullable<Timestamp>,
        confirm_expires_at -> Nullable<Timestamp>,
        pref_nonce -> Text,
        pref_token_hash -> Nullable<Text>,
        consent_source -> Text,
        consented_at -> Nullable<Timestamp>,
        confirmed_at -> Nullable<Timestamp>,
        soft_bounces -> Integer,
        hard_bounces -> Integer,
        last_bounce_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Subscription requests for known addresses, applied only once the address confirms.
    newsletter_requests (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
        token_hash -> Text,
        name -> Text,
        company -> Text,
        prefecture -> Nullable<Integer>,
        industry -> Nullable<Text>,
        lang -> Text,
        topics -> Text,
        source -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// The topics each subscriber wants.
    newsletter_subscriber_topics (subscriber_id, topic_code) {
        subscriber_id -> BigInt,
        topic_code -> Text,
    }
}

diesel::table! {
    /// The consent history of each subscriber.
    newsletter_consent_events (id) {
        id -> BigInt,
        subscriber_id -> BigInt,
        event -> Text,
        source -> Text,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    /// Newsletter issues and their sending state.
    newsletter_campaigns (id) {
        id -> BigInt,
        subject -> Text,
        body_markdown -> Text,
        topics -> Nullable<Text>,
        status -> Text,
        scheduled_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        audience -> Integer,
        last_subscriber_id -> BigInt,
        expanded_through -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Needs posted by SMEs on the matching board.
    matching_needs (id) {
        id -> BigInt,
        organization_id -> BigInt,
        created_by -> Nullable<BigInt>,
        title -> Text,
        description -> Text,
        categories -> Text,
        prefecture -> Integer,
        onsite_needed -> Bool,
        employee_band -> Text,
        device_count -> Integer,
        budget_band -> Text,
        wants_subsidy -> Bool,
        urgency -> Text,
        sector -> Text,
        show_name -> Bool,
        status -> Text,
        reject_reason -> Nullable<Text>,
        search_text -> Text,
        published_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Offerings (seeds) posted by vendors on the matching board.
    matching_offerings (id) {
        id -> BigInt,
        organization_id -> BigInt,
        created_by -> Nullable<BigInt>,
        title -> Text,
        description -> Text,
        categories -> Text,
        onsite_prefectures -> Text,
        remote_ok -> Bool,
        price_model -> Text,
        price_amount -> Nullable<Integer>,
        target_bands -> Text,
        sectors -> Text,
        otasuketai_type -> Nullable<Text>,
        otasuketai_valid_until -> Nullable<Timestamp>,
        subsidy_fiscal_year -> Nullable<Integer>,
        certifications -> Text,
        languages -> Text,
        capacity -> Text,
        status -> Text,
        reject_reason -> Nullable<Text>,
        search_text -> Text,
        published_at -> Nullable<Timestamp>,
        reconfirm_by -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Staff pins and removals of suggestions, with a note.
    matching_suggestion_overrides (id) {
        id -> BigInt,
        need_id -> BigInt,
        offering_id -> BigInt,
        action -> Text,
        note -> Text,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Introductions between a need and an offering, with the consent of both sides.
    matching_introductions (id) {
        id -> BigInt,
        need_id -> BigInt,
        offering_id -> BigInt,
        requested_by -> Text,
        stage -> Text,
        decline_reason -> Nullable<Text>,
        sme_user_id -> Nullable<BigInt>,
        vendor_user_id -> Nullable<BigInt>,
        sme_consent_at -> Nullable<Timestamp>,
        vendor_consent_at -> Nullable<Timestamp>,
        history -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Attendance certificates: one per checked-in registration, with its serial.
    certificates (id) {
        id -> BigInt,
        registration_id -> BigInt,
        serial -> Text,
        issued_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
        revoke_reason -> Text,
    }
}

diesel::table! {
    /// One imported attendance report of a meeting tool (Zoom, Webex, Teams): what it matched,
    /// and its unmatched rows (JSON) for staff.
    attendance_imports (id) {
        id -> BigInt,
        seminar_id -> BigInt,
        tool -> Text,
        file_sha256 -> Text,
        row_count -> Integer,
        matched -> Integer,
        already -> Integer,
        unmatched -> Text,
        imported_by -> Nullable<BigInt>,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    /// The content version, the sum of these counters (1 on SQLite, 16 on PostgreSQL): raised
    /// by triggers in the same transaction as every write to what the public pages show
    /// (`crate::content_version`).
    content_versions (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::joinable!(service_categories -> service_category_groups (group_code));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(oauth_identities -> users (user_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(organizations -> prefectures (prefecture));
diesel::joinable!(registrations -> seminars (seminar_id));
diesel::joinable!(seminars -> seminar_series (series_id));
diesel::joinable!(lottery_draws -> seminars (seminar_id));
diesel::joinable!(attendance_imports -> seminars (seminar_id));
diesel::joinable!(seminar_surveys -> registrations (registration_id));
diesel::joinable!(certificates -> registrations (registration_id));
diesel::joinable!(newsletter_subscriber_topics -> newsletter_subscribers (subscriber_id));
diesel::joinable!(newsletter_consent_events -> newsletter_subscribers (subscriber_id));
diesel::joinable!(newsletter_requests -> newsletter_subscribers (subscriber_id));
diesel::joinable!(matching_needs -> organizations (organization_id));
diesel::joinable!(matching_offerings -> organizations (organization_id));
diesel::joinable!(matching_introductions -> matching_needs (need_id));
diesel::joinable!(matching_introductions -> matching_offerings (offering_id));

diesel::allow_tables_to_appear_in_same_query!(
    attendance_imports,
    content_versions,
    lottery_draws,
    prefectures,
    industries,
    employee_bands,
    service_category_groups,
    service_categories,
    outbox,
    mail_templates,
    mail_throttle,
    organizations,
    users,
    sessions,
    login_tokens,
    oauth_identities,
    oauth_flows,
    api_tokens,
    invitations,
    organization_applications,
    audit_log,
    seminars,
    seminar_series,
    registrations,
    seminar_surveys,
    newsletter_topics,
    newsletter_subscribers,
    newsletter_requests,
    newsletter_subscriber_topics,
    newsletter_consent_events,
    newsletter_campaigns,
    matching_needs,
    matching_offerings,
    matching_suggestion_overrides,
    matching_introductions,
    certificates,
);
