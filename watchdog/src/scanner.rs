//! The watchdog thread: advances the clock, scans the slots, requests stacks, and
//! hands stalls to the reporter. It never symbolizes and never waits on a stuck thread.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use crate::allow::AllowList;
use crate::capture_buffer::Collected;
use crate::clock;
use crate::origin::Origin;
use crate::poll_count::PollCount;
use crate::reporter::{Message, RawStall};
use crate::shared::Shared;
use crate::slot::{self, Owner, Slot, Snapshot};
use crate::stack;

/// Settings the scanner runs with.
pub(crate) struct ScanSettings {
    pub(crate) threshold: Duration,
    pub(crate) interval: Duration,
    pub(crate) capture_timeout: Duration,
    /// The stack signal, or `None` when stacks are off.
    pub(crate) signal: Option<i32>,
    pub(crate) allow: AllowList,
    pub(crate) summary_on_drop: bool,
    /// Whether the watchdog was started inside a tokio runtime: then a long stretch with
    /// no watched poll at all means the runtime's tasks are not watched.
    pub(crate) started_in_runtime: bool,
}

/// The longest threshold the scanner applies, in ticks (6.2 days): a busy slot's start
/// is stored as a stamp that decodes only while the poll is younger than
/// [`clock::MAX_STAMP_AGE`], so every poll must pass the threshold, and be tracked from
/// its full start tick, well before then. A longer threshold acts as this one.
const MAX_THRESHOLD_MS: u64 = clock::MAX_STAMP_AGE / 2;

/// How long a watchdog started inside a runtime may watch nothing before it says so.
const NOTHING_WATCHED_AFTER_MS: u64 = 1000;

/// What the scanner knows about one long poll.
struct Track {
    slot: &'static Slot,
    poll_id: u64,
    start_tick: u64,
    last_seen: u64,
    state: TrackState,
}

enum TrackState {
    /// Inside `block_in_place`: counted, not reported.
    Exempt,
    /// On the allow-list: counted, not reported.
    Allowed,
    Stalled(Stall),
}

struct Stall {
    stall_id: u64,
    origin: Origin,
    task_id: u64,
    scope: u64,
    owner: Owner,
    capture: Capture,
}

enum Capture {
    /// Signal sent; the stack is due by this tick.
    Pending { deadline: u64 },
    /// The live report has gone out.
    Reported,
}

pub(crate) struct Scanner {
    shared: Arc<Shared>,
    sender: SyncSender<Message>,
    settings: ScanSettings,
    threshold_ms: u64,
    capture_timeout_ms: u64,
    started_tick: u64,
    /// The longest sleep between scans (see [`idle_interval`]).
    idle_interval: Duration,
    tracks: HashMap<usize, Track>,
    /// Outermost polls started since the scanner started.
    polls: PollCount,
}

/// The longest the scanner sleeps: up to four scan intervals, but never more than a
/// tenth of the threshold. It sleeps that long while no slot is busy, and while every
/// busy slot's poll is that far from its threshold (the common case: many short polls).
/// A poll that starts during such a sleep reads the tick the scanner published before
/// it, so its start may be dated up to one long interval early (a normal tick dates it
/// up to one scan interval early); since the scanner wakes by the (dated) threshold of
/// every busy poll it saw, and new polls cannot reach theirs within one long interval,
/// a stall is still reported within one scan interval of its dated threshold.
fn idle_interval(interval: Duration, threshold: Duration) -> Duration {
    (interval * 4).min(threshold / 10).max(interval)
}

/// How long to sleep after a scan at tick `now`: the scan interval while a stall is
/// being followed, else until the earliest threshold a busy poll can reach, kept
/// between the scan interval and the long interval.
fn sleep_after_scan(
    now: u64,
    earliest_threshold: Option<u64>,
    following: bool,
    interval: Duration,
    long: Duration,
) -> Duration {
    if following {
        return interval;
    }
    match earliest_threshold {
        None => long,
        Some(tick) => clock::ticks_to_duration(tick.saturating_sub(now)).clamp(interval, long),
    }
}

impl Scanner {
    pub(crate) fn new(
        shared: Arc<Shared>,
        sender: SyncSender<Message>,
        settings: ScanSettings,
    ) -> Scanner {
        let threshold_ms = u64::try_from(settings.threshold.as_millis()).unwrap_or(u64::MAX);
        let capture_timeout_ms =
            u64::try_from(settings.capture_timeout.as_millis()).unwrap_or(u64::MAX);
        let idle_interval = idle_interval(settings.interval, settings.threshold);
        Scanner {
            shared,
            sender,
            settings,
            threshold_ms: threshold_ms.clamp(1, MAX_THRESHOLD_MS),
            capture_timeout_ms,
            started_tick: clock::advance(),
            idle_interval,
            tracks: HashMap::new(),
            polls: PollCount::new(),
        }
    }

    /// The thread body: scan until stopped, then tell the reporter to finish.
    pub(crate) fn run(mut self) {
        stack::warm_up_unwinder();
        while !self.shared.stop.load(Ordering::Acquire) {
            let now = clock::advance();
            let earliest_threshold = self.scan(now);
            self.count_watched_polls(now);
            self.shared.scans.fetch_add(1, Ordering::Release);
            // Young polls need no close watch: wake by the first threshold one can reach.
            let sleep = sleep_after_scan(
                now,
                earliest_threshold,
                !self.tracks.is_empty(),
                self.settings.interval,
                self.idle_interval,
            );
            std::thread::park_timeout(sleep);
        }
        // A last look: a stall that ended since the previous scan (just before the program
        // stopped the watchdog) still gets its final report.
        self.scan(clock::advance());
        for track in self.tracks.values() {
            if let TrackState::Stalled(Stall {
                capture: Capture::Pending { .. },
                ..
            }) = track.state
            {
                track.slot.capture.cancel();
            }
        }
        self.count_watched_polls(clock::advance());
        self.shared.scanner_done.store(true, Ordering::Release);
        let _ = self.sender.send(Message::Shutdown {
            emit_summary: self.settings.summary_on_drop,
        });
    }

    /// Publishes how many watched polls started since the start, and says once if a
    /// watchdog started inside a runtime has watched nothing for a while.
    fn count_watched_polls(&mut self, now: u64) {
        let watched = self.polls.update();
        self.shared.watched_polls.store(watched, Ordering::Relaxed);
        if watched == 0
            && self.settings.started_in_runtime
            && now.saturating_sub(self.started_tick) >= NOTHING_WATCHED_AFTER_MS
            && !self
                .shared
                .nothing_watched_told
                .swap(true, Ordering::AcqRel)
        {
            let _ = self.sender.try_send(Message::NothingWatched);
        }
    }

    /// Scans every slot; returns the earliest tick at which a busy poll seen (and not
    /// tracked yet) reaches the threshold, or `None` when no slot is busy.
    fn scan(&mut self, now: u64) -> Option<u64> {
        let mut earliest: Option<u64> = None;
        for slot in slot::slots() {
            let key = slot as *const Slot as usize;
            let Some(snapshot) = slot.snapshot(now) else {
                // Still being written to: its thread is polling, since an unknown tick.
                earliest = Some(now);
                continue;
            };
            if snapshot.busy() {
                let reaches = snapshot
                    .start_tick
                    .max(self.started_tick)
                    .saturating_add(self.threshold_ms);
                earliest = Some(earliest.map_or(reaches, |tick| tick.min(reaches)));
            }
            if self.tracks.is_empty() && !snapshot.busy() {
                continue;
            }
            if let Some(mut track) = self.tracks.remove(&key) {
                let same_poll = snapshot.busy() && snapshot.poll_id == track.poll_id;
                if !same_poll {
                    self.finish(track, &snapshot);
                } else if matches!(track.state, TrackState::Exempt) && snapshot.exempt == 0 {
                    // Out of block_in_place: the rest of the poll is judged afresh.
                } else {
                    track.last_seen = now;
                    self.follow(&mut track, now);
                    self.tracks.insert(key, track);
                    continue;
                }
            }
            if snapshot.busy() {
                self.consider(key, slot, &snapshot, now);
            }
        }
        earliest
    }

    /// A busy slot not tracked yet: is it a stall?
    fn consider(&mut self, key: usize, slot: &'static Slot, snapshot: &Snapshot, now: u64) {
        let start_tick = snapshot.start_tick.max(self.started_tick);
        if now.saturating_sub(start_tick) < self.threshold_ms {
            return;
        }
        let state = if snapshot.exempt > 0 {
            self.shared.exempt.fetch_add(1, Ordering::Relaxed);
            TrackState::Exempt
        } else if self.settings.allow.allows(&snapshot.origin.info()) {
            self.shared.allowed.fetch_add(1, Ordering::Relaxed);
            TrackState::Allowed
        } else {
            let mut stall = Stall {
                stall_id: self.shared.next_stall.fetch_add(1, Ordering::Relaxed),
                origin: snapshot.origin,
                task_id: snapshot.task_id,
                scope: snapshot.scope,
                owner: slot.owner(),
                capture: Capture::Reported,
            };
            match self.settings.signal {
                Some(signal) if stack::request_capture(slot, signal) => {
                    stall.capture = Capture::Pending {
                        deadline: now.saturating_add(self.capture_timeout_ms),
                    };
                }
                Some(_) => {
                    let note = "the blocked thread could not be signalled";
                    self.send(&stall, now - start_tick, true, None, Some(note.to_owned()));
                }
                None => {
                    let note = if stack::SUPPORTED {
                        "stack capture is turned off"
                    } else {
                        "stack capture is not supported on this platform"
                    };
                    self.send(&stall, now - start_tick, true, None, Some(note.to_owned()));
                }
            }
            TrackState::Stalled(stall)
        };
        self.tracks.insert(
            key,
            Track {
                slot,
                poll_id: snapshot.poll_id,
                start_tick,
                last_seen: now,
                state,
            },
        );
    }

    /// A tracked poll still running: deliver its stack once it has arrived.
    fn follow(&self, track: &mut Track, now: u64) {
        let TrackState::Stalled(stall) = &mut track.state else {
            return;
        };
        let Capture::Pending { deadline } = stall.capture else {
            return;
        };
        let elapsed = now.saturating_sub(track.start_tick);
        match track.slot.capture.collect() {
            Collected::Frames { poll_id, ips } if poll_id == track.poll_id => {
                self.send(stall, elapsed, true, Some(ips), None);
                stall.capture = Capture::Reported;
            }
            Collected::Frames { .. } => {
                let note = "the captured stack belonged to a later poll";
                self.send(stall, elapsed, true, None, Some(note.to_owned()));
                stall.capture = Capture::Reported;
            }
            Collected::Pending if now >= deadline => {
                track.slot.capture.cancel();
                let note = format!(
                    "the blocked thread did not answer the stack signal within {} ms",
                    self.capture_timeout_ms
                );
                self.send(stall, elapsed, true, None, Some(note));
                stall.capture = Capture::Reported;
            }
            Collected::Pending => {}
        }
    }

    /// A tracked poll has ended: send the final report with its duration.
    fn finish(&self, track: Track, snapshot: &Snapshot) {
        let TrackState::Stalled(stall) = track.state else {
            return;
        };
        let end_tick = match snapshot.ended {
            Some((poll_id, ended_tick)) if poll_id == track.poll_id => {
                ended_tick.max(track.last_seen)
            }
            _ => track.last_seen,
        };
        let elapsed = end_tick.saturating_sub(track.start_tick);
        let (ips, note) = match stall.capture {
            Capture::Reported => (None, None),
            Capture::Pending { .. } => match track.slot.capture.collect() {
                Collected::Frames { poll_id, ips } if poll_id == track.poll_id => (Some(ips), None),
                _ => {
                    track.slot.capture.cancel();
                    let note = "the poll ended before its stack could be captured";
                    (None, Some(note.to_owned()))
                }
            },
        };
        self.send(&stall, elapsed, false, ips, note);
    }

    fn send(
        &self,
        stall: &Stall,
        elapsed_ticks: u64,
        still_blocked: bool,
        ips: Option<Vec<usize>>,
        note: Option<String>,
    ) {
        let raw = RawStall {
            stall_id: stall.stall_id,
            origin: stall.origin,
            task_id: stall.task_id,
            scope: stall.scope,
            owner: stall.owner.clone(),
            elapsed: clock::ticks_to_duration(elapsed_ticks),
            still_blocked,
            ips,
            note,
        };
        match self.sender.try_send(Message::Stall(raw)) {
            Ok(()) => {
                self.shared.sent.fetch_add(1, Ordering::Release);
            }
            Err(TrySendError::Full(_)) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{idle_interval, sleep_after_scan};
    use std::time::Duration;

    #[test]
    fn young_polls_let_the_scanner_sleep_until_their_threshold_nears() {
        let ms = Duration::from_millis;
        let (interval, long) = (ms(2), ms(8));
        // Nothing busy, or every busy poll far from its threshold: the long sleep.
        assert_eq!(sleep_after_scan(1000, None, false, interval, long), ms(8));
        assert_eq!(
            sleep_after_scan(1000, Some(1100), false, interval, long),
            ms(8)
        );
        // A poll 5 ms from its threshold: wake then.
        assert_eq!(
            sleep_after_scan(1000, Some(1005), false, interval, long),
            ms(5)
        );
        // At or past it, or a stall being followed: the scan interval.
        assert_eq!(
            sleep_after_scan(1000, Some(1001), false, interval, long),
            ms(2)
        );
        assert_eq!(
            sleep_after_scan(1000, Some(990), false, interval, long),
            ms(2)
        );
        assert_eq!(sleep_after_scan(1000, None, true, interval, long), ms(2));
    }

    #[test]
    fn idle_scans_are_sparser_but_bounded_by_the_threshold() {
        let ms = Duration::from_millis;
        assert_eq!(idle_interval(ms(2), ms(100)), ms(8));
        assert_eq!(idle_interval(ms(2), ms(50)), ms(5));
        // Never denser than the normal interval.
        assert_eq!(idle_interval(ms(2), ms(10)), ms(2));
        assert_eq!(idle_interval(ms(10), ms(1000)), ms(40));
    }
}
