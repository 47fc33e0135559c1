//! The tables, in types both backends share (text UUIDs, UTC timestamps, no booleans:
//! diesel's `MultiConnection` supports only the common subset of SQL types).

diesel::table! {
    codes (list, code) {
        list -> Text,
        code -> Text,
        label_nl -> Text,
        label_en -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        replaced_by -> Nullable<Text>,
    }
}

diesel::table! {
    municipalities (code) {
        code -> Text,
        name -> Text,
        unit -> Text,
    }
}

diesel::table! {
    users (name) {
        name -> Text,
        role -> Text,
        scope -> Text,
        created_at -> Timestamp,
        password_hash -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        oidc_subject -> Nullable<Text>,
    }
}

diesel::table! {
    tokens (id) {
        id -> Text,
        token_hash -> Text,
        user_name -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_name -> Text,
        role -> Text,
        scope -> Text,
        method -> Text,
        subject -> Text,
        id_token -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    sign_in_flows (id_hash) {
        id_hash -> Text,
        state -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (key) {
        key -> Text,
        failures -> Integer,
        first_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    incidents (id) {
        id -> Text,
        registration_number -> Text,
        source_reference -> Nullable<Text>,
        registered_at -> Timestamp,
        occurred_from -> Nullable<Date>,
        occurred_to -> Nullable<Date>,
        unit -> Text,
        district -> Nullable<Text>,
        basic_team -> Nullable<Text>,
        municipality -> Nullable<Text>,
        registration_type -> Text,
        channel -> Text,
        grounds -> Text,
        manifestations -> Text,
        domain -> Nullable<Text>,
        articles -> Text,
        victim_kind -> Nullable<Text>,
        suspect_known -> Nullable<Integer>,
        summary -> Nullable<Text>,
        narrative -> Nullable<Text>,
        status -> Text,
        rejection_reason -> Nullable<Text>,
        screened_at -> Nullable<Timestamp>,
        prosecution_status -> Nullable<Text>,
        forwarded_on -> Nullable<Date>,
        prosecution_updated_on -> Nullable<Date>,
        event_id -> Nullable<Text>,
        version -> Integer,
        created_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    incident_history (id) {
        id -> BigInt,
        incident_id -> Text,
        version -> Integer,
        at -> Timestamp,
        user_name -> Text,
        action -> Text,
        changes -> Text,
    }
}

diesel::table! {
    registration_counters (unit, year) {
        unit -> Text,
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    idempotency_keys (user_name, key) {
        user_name -> Text,
        key -> Text,
        request_hash -> Text,
        incident_id -> Text,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_name -> Text,
        role -> Text,
        action -> Text,
        object -> Text,
        outcome -> Text,
        detail -> Text,
    }
}

diesel::table! {
    candidates (id) {
        id -> Text,
        source_reference -> Text,
        registered_at -> Timestamp,
        unit -> Text,
        municipality -> Nullable<Text>,
        incident_code -> Text,
        narrative -> Text,
        matched -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        incident_id -> Nullable<Text>,
        found_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    published_reports (id) {
        id -> Text,
        year -> Integer,
        scope -> Text,
        publication -> Integer,
        published_at -> Timestamp,
        published_by -> Text,
        fingerprint -> Text,
        content -> Text,
    }
}

diesel::table! {
    retention_removals (incident_id) {
        incident_id -> Text,
        removed_at -> Timestamp,
    }
}

diesel::table! {
    adv_reports (year, municipality, category, code) {
        year -> Integer,
        municipality -> Text,
        category -> Text,
        code -> Text,
        reports -> BigInt,
        imported_at -> Timestamp,
        imported_by -> Text,
    }
}

diesel::table! {
    code_mappings (scheme, source_list, source_code, target_code) {
        scheme -> Text,
        version -> Text,
        source_list -> Text,
        source_code -> Text,
        target_list -> Text,
        target_code -> Text,
        note -> Text,
        changed_at -> Timestamp,
        changed_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    published_reports,
    candidates,
    codes,
    municipalities,
    users,
    tokens,
    incidents,
    incident_history,
    registration_counters,
    idempotency_keys,
    retention_removals,
    adv_reports,
    code_mappings,
);
