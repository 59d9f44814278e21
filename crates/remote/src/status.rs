//! Request outcomes as obs-websocket reports them (`RequestStatus`), and the checks of request
//! fields with its comments: missing (300), wrong type (401), out of range (402), empty (403).

use serde_json::{Map, Value};

/// A request's answer: its response data (none for many), or why it failed.
pub type Reply = Result<Option<Value>, Failure>;

/// obs-websocket's `RequestStatus` codes that Streamwerk answers with.
pub mod code {
    pub const SUCCESS: u16 = 100;
    pub const MISSING_REQUEST_TYPE: u16 = 203;
    pub const UNKNOWN_REQUEST_TYPE: u16 = 204;
    pub const UNSUPPORTED_IN_BATCH: u16 = 206;
    pub const MISSING_FIELD: u16 = 300;
    pub const MISSING_DATA: u16 = 301;
    pub const INVALID_FIELD: u16 = 400;
    pub const FIELD_TYPE: u16 = 401;
    pub const OUT_OF_RANGE: u16 = 402;
    pub const FIELD_EMPTY: u16 = 403;
    pub const TOO_MANY_FIELDS: u16 = 404;
    pub const OUTPUT_RUNNING: u16 = 500;
    pub const OUTPUT_NOT_RUNNING: u16 = 501;
    pub const STUDIO_MODE_NOT_ACTIVE: u16 = 506;
    pub const NOT_FOUND: u16 = 600;
    pub const INVALID_RESOURCE_TYPE: u16 = 602;
    pub const INVALID_RESOURCE_STATE: u16 = 604;
    pub const PROCESSING_FAILED: u16 = 702;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: u16,
    pub comment: String,
}

impl Failure {
    pub fn new(code: u16, comment: impl Into<String>) -> Failure {
        Failure {
            code,
            comment: comment.into(),
        }
    }
}

/// A request's `requestData`, read field by field.
pub struct Fields<'a> {
    data: Option<&'a Map<String, Value>>,
}

impl<'a> Fields<'a> {
    pub fn new(data: Option<&'a Map<String, Value>>) -> Self {
        Fields { data }
    }

    /// A field, null counting as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.data?.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str) -> Failure {
        match self.data {
            None => Failure::new(
                code::MISSING_DATA,
                "Your request data is missing or invalid (non-object)",
            ),
            Some(_) => Failure::new(
                code::MISSING_FIELD,
                format!("Your request is missing the `{key}` field."),
            ),
        }
    }

    pub fn string(&self, key: &str) -> Result<Option<&'a str>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Err(Failure::new(
                code::FIELD_EMPTY,
                format!("The field value of `{key}` must not be empty."),
            )),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Failure::new(
                code::FIELD_TYPE,
                format!("The field value of `{key}` must be a string."),
            )),
        }
    }

    pub fn required_string(&self, key: &str) -> Result<&'a str, Failure> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Failure::new(
                code::FIELD_TYPE,
                format!("The field value of `{key}` must be boolean."),
            )),
        }
    }

    pub fn required_bool(&self, key: &str) -> Result<bool, Failure> {
        self.bool(key)?.ok_or_else(|| self.missing(key))
    }

    /// A number within `min..=max`.
    pub fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, Failure> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let n = value.as_f64().ok_or_else(|| {
            Failure::new(
                code::FIELD_TYPE,
                format!("The field value of `{key}` must be a number."),
            )
        })?;
        if n < min {
            return Err(Failure::new(
                code::OUT_OF_RANGE,
                format!("The field value of `{key}` is below the minimum of `{min}`"),
            ));
        }
        if n > max {
            return Err(Failure::new(
                code::OUT_OF_RANGE,
                format!("The field value of `{key}` is above the maximum of `{max}`"),
            ));
        }
        Ok(Some(n))
    }

    pub fn required_number(&self, key: &str, min: f64, max: f64) -> Result<f64, Failure> {
        self.number(key, min, max)?.ok_or_else(|| self.missing(key))
    }

    pub fn object(&self, key: &str) -> Result<Option<&'a Map<String, Value>>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(Failure::new(
                code::FIELD_TYPE,
                format!("The field value of `{key}` must be an object."),
            )),
        }
    }

    pub fn required_object(&self, key: &str) -> Result<&'a Map<String, Value>, Failure> {
        self.object(key)?.ok_or_else(|| self.missing(key))
    }
}
