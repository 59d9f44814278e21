//! Who is in the studio: each guest's session with its slot, the name they typed, and whether
//! the host has let them on air. A guest who joins waits in the lobby (seen and heard by the
//! host only) until admitted, unless the endpoint admits everyone as they come (unattended
//! shows). The lobby is what the HTTP side, the media thread and the host share; the feed of a
//! slot follows it (on air only while admitted and connected).

use crate::iso::IsoPlan;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use streamwerk_media::feeds::Feed;

/// Where a guest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for the host: in nobody's program or return.
    Lobby,
    /// In the show, wherever the layout puts their slot.
    OnAir,
}

/// A guest as the host's panel shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct GuestStatus {
    pub slot: String,
    /// The name they typed on the guest page (may be empty).
    pub name: String,
    pub stage: Stage,
    /// Their media is flowing (false while the connection is being set up).
    pub connected: bool,
    /// Peak of their microphone just now, 0 to 1.
    pub level: f32,
}

/// What the guest page learns when it asks how things stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    In(Stage),
    /// The host took them out of the studio.
    Removed,
    /// They joined again with the same link (another tab, or after their browser died), and
    /// the new session took this one's place.
    Replaced,
    /// No such session (left, dropped, or never was).
    Gone,
}

/// Limits on guests at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub on_air: usize,
    pub waiting: usize,
}

impl Default for Limits {
    /// Six on air and four waiting, as StreamYard-sized shows need.
    fn default() -> Self {
        Limits {
            on_air: 6,
            waiting: 4,
        }
    }
}

struct Entry {
    slot: String,
    name: String,
    stage: Stage,
    connected: bool,
    feed: Arc<Feed>,
}

impl Entry {
    /// The session is gone: its slot shows the card and plays nothing.
    fn vacate(&self) {
        self.feed.set_present(false);
        self.feed.set_admitted(false);
    }
}

/// Sessions ended by the host or by a newer session, remembered (the newest this many) so
/// their page can say so.
const REMEMBERED: usize = 32;

pub(crate) struct Lobby {
    entries: Mutex<HashMap<u64, Entry>>,
    ended: Mutex<VecDeque<(u64, Standing)>>,
    auto_admit: bool,
    limits: Limits,
    /// The show is being recorded / is live: the guest page says so.
    pub recording: AtomicBool,
    pub live: AtomicBool,
    /// While the show records: where each guest on air is also written.
    pub iso: Mutex<Option<IsoPlan>>,
}

impl Lobby {
    pub(crate) fn new(auto_admit: bool, limits: Limits) -> Self {
        Lobby {
            entries: Mutex::default(),
            ended: Mutex::default(),
            auto_admit,
            limits,
            recording: AtomicBool::new(false),
            live: AtomicBool::new(false),
            iso: Mutex::new(None),
        }
    }

    /// A new session `id` for `slot`: on air at once with auto-admit, else in the lobby. A
    /// session the slot already has is replaced (the guest reopened their link), and the new
    /// one takes its place, on air if it was; its id is returned, for the media thread to
    /// close. Refused (with what to tell the guest) when the studio is full.
    pub(crate) fn join(
        &self,
        id: u64,
        slot: &str,
        name: &str,
        feed: Arc<Feed>,
    ) -> Result<Option<u64>, String> {
        let mut entries = self.entries.lock().unwrap();
        let replaced = entries
            .iter()
            .find_map(|(old, e)| (e.slot == slot).then_some((*old, e.stage)));
        if let Some((old, stage)) = replaced {
            let entry = entries.remove(&old).expect("found above");
            self.remember(old, Standing::Replaced);
            feed.set_admitted(stage == Stage::OnAir);
            entries.insert(
                id,
                Entry {
                    name: name.to_string(),
                    connected: false,
                    ..entry
                },
            );
            return Ok(Some(old));
        }
        let count = |stage| entries.values().filter(|e| e.stage == stage).count();
        let stage = if self.auto_admit {
            Stage::OnAir
        } else {
            Stage::Lobby
        };
        let (room, limit) = match stage {
            Stage::OnAir => (count(Stage::OnAir), self.limits.on_air),
            Stage::Lobby => (count(Stage::Lobby), self.limits.waiting),
        };
        if room >= limit {
            return Err(format!(
                "the studio is full ({limit} guests {}); try again later",
                if stage == Stage::OnAir {
                    "on air"
                } else {
                    "waiting"
                }
            ));
        }
        feed.set_admitted(stage == Stage::OnAir);
        entries.insert(
            id,
            Entry {
                slot: slot.to_string(),
                name: name.to_string(),
                stage,
                connected: false,
                feed,
            },
        );
        Ok(None)
    }

    fn remember(&self, id: u64, why: Standing) {
        let mut ended = self.ended.lock().unwrap();
        ended.push_back((id, why));
        if ended.len() > REMEMBERED {
            ended.pop_front();
        }
    }

    /// The session's media flows: its slot is filled (on air if admitted).
    pub(crate) fn connected(&self, id: u64) {
        if let Some(e) = self.entries.lock().unwrap().get_mut(&id) {
            e.connected = true;
            e.feed.set_present(true);
        }
    }

    /// Nothing arrives from the session: its slot shows the card until media comes again.
    pub(crate) fn stalled(&self, id: u64) {
        if let Some(e) = self.entries.lock().unwrap().get_mut(&id) {
            e.connected = false;
            e.feed.set_present(false);
        }
    }

    /// The session ended: its slot is empty again (the source shows its card). A session
    /// already replaced or removed has left the slot to others.
    pub(crate) fn ended(&self, id: u64) {
        if let Some(e) = self.entries.lock().unwrap().remove(&id) {
            e.vacate();
        }
    }

    /// Where session `id`'s ISO file goes, while it is on air and connected and the show
    /// records; with its slot.
    pub(crate) fn iso_for(&self, id: u64) -> Option<(IsoPlan, String)> {
        let plan = self.iso.lock().unwrap().clone()?;
        let entries = self.entries.lock().unwrap();
        let e = entries.get(&id)?;
        (e.stage == Stage::OnAir && e.connected).then(|| (plan, e.slot.clone()))
    }

    /// Whether session `id` is `slot`'s.
    pub(crate) fn holds(&self, slot: &str, id: u64) -> bool {
        self.entries
            .lock()
            .unwrap()
            .get(&id)
            .is_some_and(|e| e.slot == slot)
    }

    /// Moves `slot`'s guest on air or back to the lobby.
    pub(crate) fn set_stage(&self, slot: &str, stage: Stage) -> Result<(), String> {
        let mut entries = self.entries.lock().unwrap();
        let on_air = entries.values().filter(|e| e.stage == Stage::OnAir).count();
        let entry = entries
            .values_mut()
            .find(|e| e.slot == slot)
            .ok_or_else(|| format!("no guest is in slot `{slot}`"))?;
        if stage == Stage::OnAir && entry.stage != Stage::OnAir && on_air >= self.limits.on_air {
            return Err(format!(
                "{} guests are on air already, the most a show takes: send one back first",
                self.limits.on_air
            ));
        }
        entry.stage = stage;
        entry.feed.set_admitted(stage == Stage::OnAir);
        Ok(())
    }

    /// Takes `slot`'s guest out of the studio; returns their session, for the media thread to
    /// close. Their page learns they were removed.
    pub(crate) fn remove(&self, slot: &str) -> Result<u64, String> {
        let mut entries = self.entries.lock().unwrap();
        let id = entries
            .iter()
            .find_map(|(id, e)| (e.slot == slot).then_some(*id))
            .ok_or_else(|| format!("no guest is in slot `{slot}`"))?;
        if let Some(e) = entries.remove(&id) {
            e.vacate();
        }
        self.remember(id, Standing::Removed);
        Ok(id)
    }

    pub(crate) fn standing(&self, slot: &str, id: u64) -> Standing {
        match self.entries.lock().unwrap().get(&id) {
            Some(e) if e.slot == slot => Standing::In(e.stage),
            _ => self
                .ended
                .lock()
                .unwrap()
                .iter()
                .find_map(|(ended, why)| (*ended == id).then_some(*why))
                .unwrap_or(Standing::Gone),
        }
    }

    /// Everyone in the studio, by slot.
    pub(crate) fn statuses(&self) -> Vec<GuestStatus> {
        let mut all: Vec<GuestStatus> = self
            .entries
            .lock()
            .unwrap()
            .values()
            .map(|e| GuestStatus {
                slot: e.slot.clone(),
                name: e.name.clone(),
                stage: e.stage,
                connected: e.connected,
                level: e.feed.level(),
            })
            .collect();
        all.sort_by(|a, b| a.slot.cmp(&b.slot));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_media::feeds::feed;

    fn small(auto_admit: bool) -> Lobby {
        Lobby::new(
            auto_admit,
            Limits {
                on_air: 2,
                waiting: 1,
            },
        )
    }

    #[test]
    fn a_guest_waits_until_admitted_and_is_off_air_when_sent_back() {
        let lobby = small(false);
        let slot = feed("lobby-a");
        lobby.join(1, "lobby-a", "Ana", slot.clone()).unwrap();
        lobby.connected(1);
        assert!(!slot.on_air(), "waiting in the lobby");
        assert_eq!(lobby.standing("lobby-a", 1), Standing::In(Stage::Lobby));
        lobby.set_stage("lobby-a", Stage::OnAir).unwrap();
        assert!(slot.on_air());
        lobby.set_stage("lobby-a", Stage::Lobby).unwrap();
        assert!(!slot.on_air());
        assert_eq!(lobby.statuses()[0].name, "Ana");
        assert_eq!(lobby.remove("lobby-a"), Ok(1));
        assert_eq!(lobby.standing("lobby-a", 1), Standing::Removed);
        assert_eq!(lobby.standing("lobby-a", 2), Standing::Gone);
        assert!(lobby.set_stage("lobby-a", Stage::OnAir).is_err());
    }

    #[test]
    fn the_limits_hold_for_waiting_and_on_air_guests() {
        let lobby = small(false);
        lobby.join(1, "l-1", "", feed("l-1")).unwrap();
        assert!(lobby
            .join(3, "l-2", "", feed("l-2"))
            .unwrap_err()
            .contains("full"));
        lobby.set_stage("l-1", Stage::OnAir).unwrap();
        lobby.join(3, "l-2", "", feed("l-2")).unwrap();
        lobby.set_stage("l-2", Stage::OnAir).unwrap();
        lobby.join(4, "l-3", "", feed("l-3")).unwrap();
        assert!(lobby
            .set_stage("l-3", Stage::OnAir)
            .unwrap_err()
            .contains("send one back"));

        let auto = small(true);
        auto.join(1, "a-1", "", feed("a-1")).unwrap();
        auto.join(2, "a-2", "", feed("a-2")).unwrap();
        auto.connected(2);
        assert!(feed("a-2").on_air());
        assert!(auto
            .join(3, "a-3", "", feed("a-3"))
            .unwrap_err()
            .contains("full"));
        auto.ended(2);
        assert!(!feed("a-2").on_air());
        auto.join(3, "a-3", "", feed("a-3")).unwrap();
    }

    #[test]
    fn reopening_the_link_replaces_the_session_in_its_place() {
        let lobby = small(false);
        let slot = feed("again");
        assert_eq!(lobby.join(1, "again", "Ana", slot.clone()), Ok(None));
        lobby.connected(1);
        lobby.set_stage("again", Stage::OnAir).unwrap();
        // The browser died; the link opened again: on air at once, the old session gone.
        assert_eq!(lobby.join(2, "again", "Ana", slot.clone()), Ok(Some(1)));
        assert_eq!(lobby.standing("again", 1), Standing::Replaced);
        assert_eq!(lobby.standing("again", 2), Standing::In(Stage::OnAir));
        // The old session's end, when the media thread gets to it, leaves the new one be.
        lobby.ended(1);
        lobby.connected(2);
        assert!(slot.on_air());
        assert_eq!(lobby.statuses().len(), 1);
    }
}
