//! The stream (every enabled destination at once), the recording, the replay buffer and
//! chapters. Starts and stops return once the studio has acted; the state events follow.

use crate::requests::Ctx;
use crate::status::{code, Failure, Fields, Reply};
use serde_json::json;
use std::time::{Duration, Instant};
use streamwerk_engine::DestinationState;
use streamwerk_protocol::Command;

fn running() -> Failure {
    Failure::new(code::OUTPUT_RUNNING, "The output is already running.")
}
fn not_running() -> Failure {
    Failure::new(code::OUTPUT_NOT_RUNNING, "The output is not running.")
}

/// obs-websocket's `HH:MM:SS.mmm`.
fn timecode(d: Duration) -> String {
    let ms = d.as_millis();
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn since(at: Option<Instant>) -> Duration {
    at.map_or(Duration::ZERO, |t| t.elapsed())
}

pub fn get_stream_status(ctx: &Ctx, _: &Fields) -> Reply {
    let tracker = ctx.tracker.lock().unwrap();
    let session = tracker.stats.as_ref().and_then(|s| s.session.as_ref());
    let active = !ctx.state.live.is_empty();
    let destinations = || {
        session
            .into_iter()
            .flat_map(|s| &s.sinks)
            .filter(|s| s.destination.is_some())
    };
    let reconnecting = destinations().any(|s| {
        matches!(
            s.destination.as_ref().map(|d| &d.state),
            Some(DestinationState::Reconnecting { .. })
        )
    });
    let bytes: u64 = destinations().map(|s| s.bytes).sum();
    let dropped: u64 = destinations().map(|s| s.dropped).sum();
    let elapsed = if active {
        since(tracker.live_since)
    } else {
        Duration::ZERO
    };
    Ok(Some(json!({
        "outputActive": active,
        "outputReconnecting": active && reconnecting,
        "outputTimecode": timecode(elapsed),
        "outputDuration": elapsed.as_millis() as u64,
        "outputCongestion": 0.0,
        "outputBytes": bytes,
        "outputSkippedFrames": dropped,
        "outputTotalFrames": session.map_or(0, |s| s.frames_encoded),
    })))
}

/// Starts when `start` (the output is off), else stops; answers the state it asked for.
fn toggle(ctx: &Ctx, f: &Fields, start: bool, on: Handler, off: Handler) -> Reply {
    if start {
        on(ctx, f)?;
    } else {
        off(ctx, f)?;
    }
    Ok(Some(json!({ "outputActive": start })))
}

type Handler = fn(&Ctx, &Fields) -> Reply;

pub fn start_stream(ctx: &Ctx, _: &Fields) -> Reply {
    if !ctx.state.live.is_empty() {
        return Err(running());
    }
    ctx.run(Command::GoLive { keys: Vec::new() })?;
    Ok(None)
}

/// Stops now: what a stream delay still holds never airs, as OBS's Stop Streaming does.
pub fn stop_stream(ctx: &Ctx, _: &Fields) -> Reply {
    if ctx.state.live.is_empty() {
        return Err(not_running());
    }
    ctx.run(Command::StopLive)?;
    Ok(None)
}

pub fn toggle_stream(ctx: &Ctx, f: &Fields) -> Reply {
    toggle(ctx, f, ctx.state.live.is_empty(), start_stream, stop_stream)
}

pub fn get_record_status(ctx: &Ctx, _: &Fields) -> Reply {
    let active = ctx.state.recording.is_some();
    let elapsed = if active {
        since(ctx.tracker.lock().unwrap().recording_since)
    } else {
        Duration::ZERO
    };
    let bytes: u64 = ctx
        .state
        .recording_files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    Ok(Some(json!({
        "outputActive": active,
        "outputPaused": false,
        "outputTimecode": timecode(elapsed),
        "outputDuration": elapsed.as_millis() as u64,
        "outputBytes": bytes,
    })))
}

pub fn start_record(ctx: &Ctx, _: &Fields) -> Reply {
    if ctx.state.recording.is_some() {
        return Err(running());
    }
    ctx.run(Command::StartRecording)?;
    Ok(None)
}

/// Answers with the file (of the first canvas recorded), finished and playable.
pub fn stop_record(ctx: &Ctx, _: &Fields) -> Reply {
    let path = ctx.state.recording.clone().ok_or_else(not_running)?;
    ctx.run(Command::StopRecording)?;
    Ok(Some(json!({ "outputPath": path })))
}

pub fn toggle_record(ctx: &Ctx, f: &Fields) -> Reply {
    toggle(
        ctx,
        f,
        ctx.state.recording.is_none(),
        start_record,
        stop_record,
    )
}

pub fn create_record_chapter(ctx: &Ctx, f: &Fields) -> Reply {
    let title = f.string("chapterName")?.map(str::to_string);
    if ctx.state.recording.is_none() {
        return Err(not_running());
    }
    ctx.run(Command::AddMarker { title })?;
    Ok(None)
}

pub fn get_replay_buffer_status(ctx: &Ctx, _: &Fields) -> Reply {
    Ok(Some(json!({ "outputActive": ctx.state.replay_buffer })))
}

pub fn start_replay_buffer(ctx: &Ctx, _: &Fields) -> Reply {
    if ctx.state.replay_buffer {
        return Err(running());
    }
    ctx.run(Command::StartReplayBuffer)?;
    Ok(None)
}

pub fn stop_replay_buffer(ctx: &Ctx, _: &Fields) -> Reply {
    if !ctx.state.replay_buffer {
        return Err(not_running());
    }
    ctx.run(Command::StopReplayBuffer)?;
    Ok(None)
}

pub fn toggle_replay_buffer(ctx: &Ctx, f: &Fields) -> Reply {
    toggle(
        ctx,
        f,
        !ctx.state.replay_buffer,
        start_replay_buffer,
        stop_replay_buffer,
    )
}

/// The file's path follows in ReplayBufferSaved, as in OBS.
pub fn save_replay_buffer(ctx: &Ctx, _: &Fields) -> Reply {
    if !ctx.state.replay_buffer {
        return Err(not_running());
    }
    ctx.run(Command::SaveReplay)?;
    Ok(None)
}

pub fn get_last_replay_buffer_replay(ctx: &Ctx, _: &Fields) -> Reply {
    if !ctx.state.replay_buffer {
        return Err(not_running());
    }
    let path = ctx.state.replay_saved.clone().ok_or_else(|| {
        Failure::new(
            code::INVALID_RESOURCE_STATE,
            "No replay has been saved yet.",
        )
    })?;
    Ok(Some(json!({ "savedReplayPath": path })))
}
