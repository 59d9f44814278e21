//! The audio mixer's signal path, without the sources: a [`Strip`] per source (filters, fader,
//! mute, mono, sync offset, meter) and the master bus's [`Limiter`] and meter. The engine's
//! audio thread owns them; readings leave through [`MeterReading`]s.

mod gate;
mod limiter;
mod meter;
mod strip;

pub use limiter::{Limiter, CEILING};
pub use meter::{to_db, Meter, MeterReading, FLOOR_DB};
pub use strip::{Strip, MAX_OFFSET_MS};
