//! Where a pull stands ([`PullCursor`]: next offset and size, when to stop) and which ids it
//! delivered last ([`RecentIds`]); the engine (`engine.rs`) combines the two.

use std::collections::{HashSet, VecDeque};

use simplicate_api::query::SortKey;

/// The API's maximum (and our default) page size.
pub const MAX_PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePlan {
    pub page_size: usize,
    /// Stop after this many delivered records.
    pub limit: Option<usize>,
    /// Offset of the first row of the pull.
    pub offset: usize,
}

impl PagePlan {
    /// Rows the first page asks for (at least one, so even `limit=0` can be counted).
    pub fn first_size(&self) -> usize {
        self.page_size
            .min(self.limit.unwrap_or(usize::MAX))
            .clamp(1, MAX_PAGE_SIZE)
    }
}

/// Where a pull stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullCursor {
    plan: PagePlan,
    next_offset: usize,
    delivered: usize,
    count: Option<usize>,
    finished: bool,
}

impl PullCursor {
    pub fn new(plan: PagePlan) -> PullCursor {
        PullCursor {
            plan,
            next_offset: plan.offset,
            delivered: 0,
            count: None,
            finished: plan.limit == Some(0),
        }
    }

    /// The count is known before the first request (learnt by an earlier `count()`).
    pub fn set_count(&mut self, count: usize) {
        self.count = Some(count);
        if self.next_offset >= count {
            self.finished = true;
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn count(&self) -> Option<usize> {
        self.count
    }

    /// `(offset, limit)` of the next request, or `None` when the pull is complete.
    pub fn next_request(&self) -> Option<(usize, usize)> {
        if self.finished {
            return None;
        }
        let mut size = self.plan.page_size.clamp(1, MAX_PAGE_SIZE);
        if let Some(limit) = self.plan.limit {
            size = size.min(limit.saturating_sub(self.delivered));
        }
        if let Some(count) = self.count {
            size = size.min(count.saturating_sub(self.next_offset));
        }
        (size > 0).then_some((self.next_offset, size))
    }

    /// Account for an answered request: `requested` rows were asked for, `rows` came back,
    /// `delivered` of them were new to the caller; `count` is the collection's count when the
    /// answer carried one.
    pub fn record(
        &mut self,
        requested: usize,
        rows: usize,
        delivered: usize,
        count: Option<usize>,
    ) {
        if count.is_some() {
            self.count = count;
        } else if let Some(known) = self.count.as_mut() {
            // Each repeat is a row pushed on by a record created before the offset since the
            // count was taken: the rows to read grew by as many.
            *known += rows.saturating_sub(delivered);
        }
        self.next_offset += rows;
        self.delivered += delivered;
        let short = rows < requested;
        let limit_reached = self.plan.limit.is_some_and(|l| self.delivered >= l);
        let count_reached = self.count.is_some_and(|c| self.next_offset >= c);
        if short || rows == 0 || limit_reached || count_reached {
            self.finished = true;
        }
    }
}

/// Ids of the most recently delivered rows: a repeat caused by a create during the pull is one
/// of these. A window of rows, not of pages, because the pages at the end of a pull can be tiny
/// (a limit, an extended count) while a shift can reach a full page back. Bounded, so memory
/// stays flat however long the pull.
#[derive(Debug)]
pub struct RecentIds {
    order: VecDeque<String>,
    members: HashSet<String>,
    capacity: usize,
}

impl RecentIds {
    /// Remember the last `capacity` ids.
    pub fn new(capacity: usize) -> RecentIds {
        RecentIds {
            order: VecDeque::with_capacity(capacity),
            members: HashSet::with_capacity(capacity),
            capacity: capacity.max(1),
        }
    }

    /// True when `id` is among the recently delivered ones.
    pub fn is_repeat(&self, id: &str) -> bool {
        self.members.contains(id)
    }

    pub fn remember(&mut self, id: &str) {
        if self.members.contains(id) {
            return;
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.members.remove(&oldest);
            }
        }
        self.order.push_back(id.to_owned());
        self.members.insert(id.to_owned());
    }
}

/// Append `id` as the final sort key (unless a key sorts by it already), so rows that tie on
/// the caller's keys keep one order across pages. No sort, no tiebreak: the API's own order is
/// stable.
pub fn add_tiebreak(sort: &mut Vec<SortKey>) {
    if !sort.is_empty() && !sort.iter().any(|key| key.field == "id") {
        sort.push(SortKey::asc("id"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(page_size: usize, limit: Option<usize>, offset: usize) -> PagePlan {
        PagePlan {
            page_size,
            limit,
            offset,
        }
    }

    /// Drive a pull over a collection of `total` rows that never changes; returns the requests.
    fn pull(plan: PagePlan, total: usize, with_count: bool) -> Vec<(usize, usize)> {
        let mut p = PullCursor::new(plan);
        let mut requests = Vec::new();
        while let Some((offset, size)) = p.next_request() {
            requests.push((offset, size));
            let rows = size.min(total.saturating_sub(offset));
            let count = (with_count && requests.len() == 1).then_some(total);
            p.record(size, rows, rows, count);
            assert!(requests.len() < 10_000);
        }
        requests
    }

    #[test]
    fn n_records_cost_ceil_n_over_100_requests() {
        for total in [0, 1, 99, 100, 101, 250, 1000, 12_345] {
            let requests = pull(plan(100, None, 0), total, true);
            assert_eq!(requests.len(), total.div_ceil(100).max(1), "{total}");
        }
        // Without a count, an exact multiple needs one more (empty) request to know it ended.
        assert_eq!(pull(plan(100, None, 0), 200, false).len(), 3);
    }

    #[test]
    fn limit_offset_and_page_size() {
        assert_eq!(
            pull(plan(100, Some(250), 0), 1000, true),
            vec![(0, 100), (100, 100), (200, 50)]
        );
        assert_eq!(
            pull(plan(30, None, 50), 100, true),
            vec![(50, 30), (80, 20)]
        );
        assert_eq!(pull(plan(100, Some(0), 0), 100, true), vec![]);
        assert_eq!(
            pull(plan(500, None, 0), 150, true),
            vec![(0, 100), (100, 50)]
        );
        assert_eq!(pull(plan(100, None, 500), 100, true), vec![(500, 100)]);
    }

    #[test]
    fn a_count_known_in_advance_bounds_the_pull() {
        let mut p = PullCursor::new(plan(100, None, 0));
        p.set_count(150);
        assert_eq!(p.next_request(), Some((0, 100)));
        p.record(100, 100, 100, None);
        assert_eq!(p.next_request(), Some((100, 50)));
        let mut empty = PullCursor::new(plan(100, None, 0));
        empty.set_count(0);
        assert_eq!(empty.next_request(), None);
    }

    #[test]
    fn repeats_extend_the_count() {
        let mut p = PullCursor::new(plan(100, None, 0));
        p.record(100, 100, 100, Some(200));
        // Three records were created before offset 100: the next page repeats three rows.
        p.record(100, 100, 97, None);
        assert_eq!(p.count(), Some(203));
        assert_eq!(p.next_request(), Some((200, 3)));
    }

    #[test]
    fn a_short_page_ends_the_pull() {
        let mut p = PullCursor::new(plan(100, None, 0));
        p.record(100, 40, 40, None);
        assert!(p.is_finished());
        assert_eq!(p.next_request(), None);
    }

    #[test]
    fn repeats_are_recognised_within_the_window() {
        let mut ids = RecentIds::new(2);
        ids.remember("a");
        ids.remember("b");
        assert!(ids.is_repeat("a") && ids.is_repeat("b"));
        ids.remember("c");
        assert!(!ids.is_repeat("a"));
        assert!(ids.is_repeat("b") && ids.is_repeat("c"));
        ids.remember("c");
        assert!(ids.is_repeat("b"));
    }

    #[test]
    fn tiebreak() {
        let tiebroken = |keys: &[SortKey]| {
            let mut keys = keys.to_vec();
            add_tiebreak(&mut keys);
            keys
        };
        assert_eq!(tiebroken(&[]), []);
        assert_eq!(
            tiebroken(&[SortKey::desc("updated_at")]),
            [SortKey::desc("updated_at"), SortKey::asc("id")]
        );
        let named = [SortKey::asc("name"), SortKey::desc("id")];
        assert_eq!(tiebroken(&named), named);
        assert_eq!(tiebroken(&[SortKey::asc("id")]), [SortKey::asc("id")]);
    }
}
