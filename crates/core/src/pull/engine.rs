//! [`PullEngine`]: one pass of a pull as a state machine, the same for every driver.
//!
//! A driver (sync stream, async stream, table build) loops: ask [`PullEngine::next_request`]
//! for the page to fetch (`None`: the pass is over), send it, and hand the answer's record ids
//! and count to [`PullEngine::apply`]. `apply` is the only place the pass moves on: it takes the
//! count (first answer), drops the ids delivered recently (repeats that offset paging produces
//! when records are created during the pull, see the module above), advances the cursor, and
//! decides whether the pass is over (short page, count reached, limit reached, `limit=0`). Its
//! [`Verdict`] says which rows are new; a page with none ([`Verdict::is_empty`]) is never
//! yielded — every driver goes straight on to the next request, so Python never sees an empty
//! page. A driver may start the next request as soon as `apply` returns (the prefetch), before
//! it turns the page into dicts or table rows.
//!
//! The page `count()` fetched ahead of a pass (`offset`, [`PagePlan::first_size`] rows, with
//! `metadata=count`) is adopted with [`PullEngine::adopt_counted_page`] and applied like any
//! other answer, so counting first costs no extra request.

use super::cursor::{PagePlan, PullCursor, RecentIds};

/// One page to fetch: `limit` rows from `offset`, asking for `metadata=count` when the count is
/// not known yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: usize,
    pub limit: usize,
    pub with_count: bool,
}

impl PageRequest {
    /// What `count()` asks for: the first page of the pass, with its count.
    pub fn counting(plan: &PagePlan) -> PageRequest {
        PageRequest {
            offset: plan.offset,
            limit: plan.first_size(),
            with_count: true,
        }
    }

    /// What `first()` asks for when no page is kept: one record.
    pub fn first_record(plan: &PagePlan) -> PageRequest {
        PageRequest {
            offset: plan.offset,
            limit: 1,
            with_count: false,
        }
    }
}

/// Which rows of an applied page are new to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `None`: every row (the common case, so a driver can pass the page on untouched).
    keep: Option<Vec<bool>>,
    fresh: usize,
}

impl Verdict {
    /// Rows new to the caller.
    pub fn fresh(&self) -> usize {
        self.fresh
    }

    /// Nothing new: the page is skipped, never yielded.
    pub fn is_empty(&self) -> bool {
        self.fresh == 0
    }

    /// Per row, whether to keep it; `None` when every row is kept.
    pub fn mask(&self) -> Option<&[bool]> {
        self.keep.as_deref()
    }
}

/// One pass over the pages of a pull.
#[derive(Debug)]
pub struct PullEngine {
    cursor: PullCursor,
    seen: RecentIds,
    /// Rows asked for by the request whose answer `apply` takes next.
    requested: Option<usize>,
}

impl PullEngine {
    /// A pass from the start of `plan`; `count` when an earlier `count()` learnt it.
    pub fn new(plan: PagePlan, count: Option<usize>) -> PullEngine {
        let mut cursor = PullCursor::new(plan);
        if let Some(count) = count {
            cursor.set_count(count);
        }
        PullEngine {
            cursor,
            // Two pages of ids: a shift can reach a full page back, and the pages at the end
            // of a pull can be tiny (see `RecentIds`).
            seen: RecentIds::new(2 * plan.page_size),
            requested: None,
        }
    }

    /// The answer to [`PageRequest::counting`] is the next page to apply.
    pub fn adopt_counted_page(&mut self, plan: &PagePlan) {
        self.requested = Some(plan.first_size());
    }

    /// The next page to fetch, or `None` when the pass is over. Asking again before `apply`
    /// gives the same request (a fetch that was abandoned is simply made again).
    pub fn next_request(&mut self) -> Option<PageRequest> {
        let (offset, limit) = self.cursor.next_request()?;
        self.requested = Some(limit);
        Some(PageRequest {
            offset,
            limit,
            with_count: self.cursor.count().is_none(),
        })
    }

    /// Take an answer: the ids of its rows in order (`None` for a row without a string id,
    /// which is never a repeat) and the count it carried.
    pub fn apply<I, S>(&mut self, ids: I, count: Option<usize>) -> Verdict
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        let mut keep: Option<Vec<bool>> = None;
        let mut rows = 0;
        let mut fresh = 0;
        for id in ids {
            let id = id.as_ref().map(AsRef::as_ref);
            let repeat = id.is_some_and(|id| self.seen.is_repeat(id));
            if let Some(id) = id {
                self.seen.remember(id);
            }
            if repeat && keep.is_none() {
                keep = Some(vec![true; rows]);
            }
            if let Some(keep) = keep.as_mut() {
                keep.push(!repeat);
            }
            rows += 1;
            fresh += usize::from(!repeat);
        }
        let requested = self.requested.take().unwrap_or(rows);
        self.cursor.record(requested, rows, fresh, count);
        Verdict { keep, fresh }
    }

    pub fn is_finished(&self) -> bool {
        self.cursor.is_finished()
    }

    /// The filtered collection's count, once known (extended by repeats, see the module).
    pub fn count(&self) -> Option<usize> {
        self.cursor.count()
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

    /// A collection whose rows are ids; `creates` inserts records before the offset after the
    /// given request number, shifting the rest on.
    struct Server {
        rows: Vec<String>,
        creates: Vec<(usize, usize)>,
        requests: Vec<PageRequest>,
    }

    impl Server {
        fn new(total: usize) -> Server {
            Server {
                rows: (0..total).map(|i| format!("r{i}")).collect(),
                creates: Vec::new(),
                requests: Vec::new(),
            }
        }

        fn answer(&mut self, request: PageRequest) -> (Vec<Option<String>>, Option<usize>) {
            self.requests.push(request);
            let end = (request.offset + request.limit).min(self.rows.len());
            let page = self.rows[request.offset.min(end)..end]
                .iter()
                .cloned()
                .map(Some)
                .collect();
            let count = request.with_count.then_some(self.rows.len());
            for &(after, how_many) in &self.creates {
                if after == self.requests.len() {
                    for n in 0..how_many {
                        self.rows.insert(0, format!("new{after}-{n}"));
                    }
                }
            }
            (page, count)
        }
    }

    /// Run a pass; returns the pages yielded (never empty) and the engine.
    fn run(server: &mut Server, mut engine: PullEngine) -> (Vec<Vec<String>>, PullEngine) {
        let mut pages = Vec::new();
        while let Some(request) = engine.next_request() {
            let (ids, count) = server.answer(request);
            let verdict = engine.apply(ids.iter().map(Option::as_deref), count);
            if verdict.is_empty() {
                continue;
            }
            let kept: Vec<String> = ids
                .into_iter()
                .enumerate()
                .filter(|(i, _)| verdict.mask().is_none_or(|m| m[*i]))
                .map(|(_, id)| id.unwrap_or_default())
                .collect();
            assert_eq!(kept.len(), verdict.fresh());
            pages.push(kept);
            assert!(server.requests.len() < 10_000);
        }
        (pages, engine)
    }

    fn flat(pages: &[Vec<String>]) -> Vec<String> {
        pages.concat()
    }

    #[test]
    fn an_unchanging_collection_is_read_once_in_order() {
        let mut server = Server::new(250);
        let (pages, engine) = run(&mut server, PullEngine::new(plan(100, None, 0), None));
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            [100, 100, 50]
        );
        assert_eq!(flat(&pages), server.rows);
        assert_eq!(engine.count(), Some(250));
        // The count rides on the first request only.
        let with_count: Vec<bool> = server.requests.iter().map(|r| r.with_count).collect();
        assert_eq!(with_count, [true, false, false]);
    }

    #[test]
    fn a_short_page_ends_the_pass_without_a_count() {
        let mut server = Server::new(130);
        let mut engine = PullEngine::new(plan(100, None, 0), None);
        let first = engine.next_request().unwrap();
        let (ids, _) = server.answer(first);
        engine.apply(ids, None);
        let second = engine.next_request().unwrap();
        let (ids, _) = server.answer(second);
        assert_eq!(engine.apply(ids, None).fresh(), 30);
        assert!(engine.is_finished());
        assert_eq!(engine.next_request(), None);
    }

    #[test]
    fn limit_offset_and_limit_zero() {
        let mut server = Server::new(1000);
        let (pages, _) = run(&mut server, PullEngine::new(plan(100, Some(250), 50), None));
        assert_eq!(flat(&pages), server.rows[50..300]);
        let shapes: Vec<(usize, usize)> = server
            .requests
            .iter()
            .map(|r| (r.offset, r.limit))
            .collect();
        assert_eq!(shapes, [(50, 100), (150, 100), (250, 50)]);

        let mut server = Server::new(1000);
        let (pages, engine) = run(&mut server, PullEngine::new(plan(100, Some(0), 0), None));
        assert!(pages.is_empty() && server.requests.is_empty() && engine.is_finished());
    }

    #[test]
    fn creates_during_the_pass_are_not_delivered_twice_and_extend_the_count() {
        let mut server = Server::new(300);
        // Three records created before the offset after the first request.
        server.creates.push((1, 3));
        let (pages, engine) = run(&mut server, PullEngine::new(plan(100, None, 0), None));
        let got = flat(&pages);
        let mut unique = got.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), got.len(), "no record twice");
        assert_eq!(got.len(), 300, "every original record once");
        assert_eq!(engine.count(), Some(303));
        assert_eq!(pages[1].len(), 97);
    }

    #[test]
    fn a_page_of_nothing_but_repeats_is_skipped_and_the_pass_goes_on() {
        let mut server = Server::new(120);
        server.creates.push((1, 10));
        let (pages, engine) = run(&mut server, PullEngine::new(plan(10, None, 0), None));
        // The second request reads the first page again, shifted by ten: all repeats.
        assert_eq!(server.requests[1].offset, 10);
        assert!(pages.iter().all(|p| !p.is_empty()));
        assert_eq!(flat(&pages).len(), 120);
        assert!(engine.is_finished());
    }

    #[test]
    fn a_last_page_of_repeats_ends_the_pass_with_nothing_yielded() {
        let mut engine = PullEngine::new(plan(2, None, 0), None);
        engine.next_request();
        assert_eq!(engine.apply([Some("a"), Some("b")], Some(4)).fresh(), 2);
        engine.next_request();
        let verdict = engine.apply([Some("a"), Some("b")], None);
        assert!(verdict.is_empty());
        assert_eq!(verdict.mask(), Some(&[false, false][..]));
        // Two repeats moved the end on by two: the pass continues to row 6.
        assert_eq!(engine.count(), Some(6));
        let next = engine.next_request().unwrap();
        assert_eq!((next.offset, next.limit, next.with_count), (4, 2, false));
        let verdict = engine.apply::<_, &str>([None, Some("c")], None);
        assert_eq!((verdict.fresh(), verdict.mask()), (2, None));
        assert!(engine.is_finished());
    }

    #[test]
    fn rows_without_an_id_are_never_repeats() {
        let mut engine = PullEngine::new(plan(100, None, 0), None);
        engine.next_request();
        let verdict = engine.apply::<_, &str>([None, None], None);
        assert_eq!((verdict.fresh(), verdict.mask()), (2, None));
    }

    #[test]
    fn the_counted_page_is_applied_first_and_costs_no_request() {
        let p = plan(100, Some(150), 20);
        let mut server = Server::new(400);
        let counting = PageRequest::counting(&p);
        assert_eq!((counting.offset, counting.limit), (20, 100));
        let (ids, count) = server.answer(counting);
        let mut engine = PullEngine::new(p, count);
        engine.adopt_counted_page(&p);
        assert_eq!(engine.apply(ids, None).fresh(), 100);
        let (pages, _) = run(&mut server, engine);
        assert_eq!(flat(&pages), server.rows[120..170]);
        assert_eq!(server.requests.len(), 2);
        assert!(!server.requests[1].with_count);
    }

    #[test]
    fn a_known_count_bounds_the_pass() {
        let mut server = Server::new(150);
        let (pages, _) = run(&mut server, PullEngine::new(plan(100, None, 0), Some(150)));
        assert_eq!(flat(&pages).len(), 150);
        let shapes: Vec<(usize, usize, bool)> = server
            .requests
            .iter()
            .map(|r| (r.offset, r.limit, r.with_count))
            .collect();
        assert_eq!(shapes, [(0, 100, false), (100, 50, false)]);
        let mut empty = PullEngine::new(plan(100, None, 0), Some(0));
        assert_eq!(empty.next_request(), None);
    }

    #[test]
    fn first_size_and_first_record() {
        assert_eq!(plan(100, Some(0), 0).first_size(), 1);
        assert_eq!(plan(30, Some(5), 0).first_size(), 5);
        assert_eq!(PageRequest::first_record(&plan(30, None, 7)).offset, 7);
    }
}
