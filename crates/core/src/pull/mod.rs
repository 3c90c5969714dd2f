//! A lazy pull over a list endpoint, as pure Rust: which page to ask for next, when to stop, and
//! which records are repeats. The extension drives it three ways (`crates/py/src/pull/`: a sync
//! stream, an async stream, a table build); `cargo test -p simplicate-core` covers it alone.
//!
//! A pull asks for pages of `page_size` rows (at most 100) starting at `offset`, and stops at
//! the first of: a short page, the collection's count (from `metadata=count` on the first
//! request), or `limit` delivered records. Pulling N records therefore costs ceil(N/100)
//! requests and no more.
//!
//! Offset paging over data that changes during the pull: a record created before the current
//! offset pushes the rows behind it one place on, so the next page repeats the previous page's
//! last row; a record deleted before the offset pulls them back, so one row is never seen. The
//! API offers no cursor, so the pull does what it can without extra requests: it drops ids it
//! delivered recently (repeats from creates) and, since each repeat means the rows to read grew
//! by one, moves the count-based end of the pull on by as many; when the caller sorts, `id` is
//! appended as the last sort key so rows that tie on the caller's keys keep one order across
//! pages. Rows skipped because of deletes cannot be recovered by offset paging; callers that
//! must see every change use the documented `q[updated_at][ge]=...` tracking pattern.
//!
//! - `cursor`: [`PagePlan`], [`PullCursor`] (offsets, count, stop conditions), [`RecentIds`]
//! - `engine`: [`PullEngine`], the state machine every driver steps through

mod cursor;
mod engine;

pub use cursor::{add_tiebreak, PagePlan, PullCursor, RecentIds, MAX_PAGE_SIZE};
pub use engine::{PageRequest, PullEngine, Verdict};
