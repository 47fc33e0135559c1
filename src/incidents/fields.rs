//! The JSON body of `POST` and `PATCH /api/v1/incidents`: the fields a user sets.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// Fields of an incident as a user sends them (names as in the exchange CSV;
/// multi-valued codes as arrays). In a `PATCH`, a field that is absent stays as it is
/// and `null` clears it; `registration_number`, `registered_at` and `unit` are set at
/// registration only.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentFields {
    /// Assigned as `{UNIT}-{YYYY}-{NNNNNN}` when not given.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub registration_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub source_reference: Option<Option<String>>,
    /// RFC 3339; without an offset Europe/Amsterdam local time. Defaults to now.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "2024-03-01T14:30:00+01:00")]
    pub registered_at: Option<Option<String>>,
    /// `YYYY-MM-DD`
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "2024-03-01")]
    pub occurred_from: Option<Option<String>>,
    /// `YYYY-MM-DD`, not before `occurred_from`
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub occurred_to: Option<Option<String>>,
    /// Unit code; defaults to the registrar's own unit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "AMS")]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub district: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub basic_team: Option<Option<String>>,
    /// CBS code `GMnnnn` from the municipality reference.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "GM0363")]
    pub municipality: Option<Option<String>>,
    /// Code of the `registration_type` list; required.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "AANGIFTE")]
    pub registration_type: Option<Option<String>>,
    /// Code of the `channel` list; required.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "BALIE")]
    pub channel: Option<Option<String>>,
    /// Codes of the `ground` list.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub grounds: Option<Option<Vec<String>>>,
    /// Codes of the `manifestation` list.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub manifestations: Option<Option<Vec<String>>>,
    /// Code of the `domain` list.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub domain: Option<Option<String>>,
    /// Codes of the `article` list.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub articles: Option<Option<Vec<String>>>,
    /// Code of the `victim_kind` list.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub victim_kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub suspect_known: Option<Option<bool>>,
    /// Short description without names, used in the RDO overview.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    /// Full account; stays within the unit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub narrative: Option<Option<String>>,
    /// Registrations of one event share it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub event_id: Option<Option<String>>,
}

/// Marks a field that is in the body: `Some(None)` for `null`, `Some(Some(v))` for a value.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_value_are_told_apart() -> serde_json::Result<()> {
        let f: IncidentFields = serde_json::from_str(r#"{"summary": null, "domain": "SPORT"}"#)?;
        assert_eq!(f.summary, Some(None));
        assert_eq!(f.domain, Some(Some("SPORT".into())));
        assert_eq!(f.narrative, None);
        Ok(())
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<IncidentFields>(r#"{"name": "Jan"}"#).err();
        assert!(err.is_some_and(|e| e.to_string().contains("unknown field `name`")));
    }
}
