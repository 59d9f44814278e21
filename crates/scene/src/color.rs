use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A straight-alpha sRGB colour, written `#RRGGBB` or `#RRGGBBAA` in documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Rgba {
    pub const WHITE: Rgba = Rgba::opaque(255, 255, 255);
    pub const BLACK: Rgba = Rgba::opaque(0, 0, 0);

    pub const fn opaque(r: u8, g: u8, b: u8) -> Self {
        Rgba { r, g, b, a: 255 }
    }

    /// The colour with its channels multiplied by alpha, as the compositor blends.
    pub fn premultiplied(self) -> [u8; 4] {
        let m = |c: u8| ((c as u16 * self.a as u16 + 127) / 255) as u8;
        [m(self.r), m(self.g), m(self.b), self.a]
    }

    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#')?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgba {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
            a: if hex.len() == 8 { byte(6)? } else { 255 },
        })
    }
}

impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02X}{:02X}{:02X}", self.r, self.g, self.b)?;
        if self.a != 255 {
            write!(f, "{:02X}", self.a)?;
        }
        Ok(())
    }
}

impl Serialize for Rgba {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgba {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rgba::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid colour `{text}`: write it as #RRGGBB or #RRGGBBAA"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_both_forms() {
        assert_eq!(Rgba::parse("#1e3a8a"), Some(Rgba::opaque(0x1e, 0x3a, 0x8a)));
        let c = Rgba::parse("#FF000080").unwrap();
        assert_eq!(c.a, 0x80);
        assert_eq!(c.to_string(), "#FF000080");
        assert_eq!(Rgba::parse("red"), None);
        assert_eq!(Rgba::parse("#12345"), None);
    }

    #[test]
    fn premultiplies_with_rounding() {
        assert_eq!(
            Rgba {
                r: 255,
                g: 128,
                b: 0,
                a: 128
            }
            .premultiplied(),
            [128, 64, 0, 128]
        );
    }
}
