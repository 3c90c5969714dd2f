//! A [`Query`] compiled for evaluation. Why a separate type: the fake server checks every stored
//! record against the same query, so wildcard patterns are folded and split, operands parsed and
//! paths split once here instead of once per record.

use std::borrow::Cow;

use serde_json::Value;

use super::matching::{Operand, Pattern};
use super::model::{Condition, Filter, MetadataKey, Op, Query};
use super::path;
use super::select::SelectTree;
use super::sort::{self, CompiledSortKey};

/// A query ready to run against many records.
#[derive(Debug, Clone)]
pub struct CompiledQuery {
    filters: Vec<CompiledFilter>,
    or_filters: Vec<CompiledFilter>,
    select: Option<SelectTree>,
    sort: Vec<CompiledSortKey>,
    offset: usize,
    limit: usize,
    metadata: Vec<MetadataKey>,
}

/// One page of results, as a list endpoint serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// Matching records before limit and offset (what `metadata=count` reports).
    pub count: usize,
    /// The page: matching, sorted, sliced by offset/limit, projected by `select`.
    pub records: Vec<Value>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone)]
struct CompiledFilter {
    path: Vec<String>,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    /// `Equals`, `AnyOf`, `In`: some leaf matches some pattern.
    Any(Vec<Pattern>),
    /// `NotIn`: the exact negation of `Any`.
    NoneOf(Vec<Pattern>),
    Compare(Op, Operand),
}

impl CompiledQuery {
    pub fn new(query: &Query) -> CompiledQuery {
        let (offset, limit) = query.page();
        CompiledQuery {
            filters: query.filters.iter().map(CompiledFilter::new).collect(),
            or_filters: query.or_filters.iter().map(CompiledFilter::new).collect(),
            select: SelectTree::new(&query.select),
            sort: sort::compile(&query.sort),
            offset,
            limit,
            metadata: query.metadata.clone(),
        }
    }

    /// Effective `(offset, limit)`, as [`Query::page`].
    pub fn page(&self) -> (usize, usize) {
        (self.offset, self.limit)
    }

    pub fn metadata(&self) -> &[MetadataKey] {
        &self.metadata
    }

    /// The records' top-level fields that filters and sort read (nothing else decides which
    /// records form a page), so a store of JSON bytes can parse just these.
    pub fn fields_read(&self) -> Vec<&str> {
        let mut fields: Vec<&str> = self
            .filters
            .iter()
            .chain(&self.or_filters)
            .filter_map(|f| f.path.first().map(String::as_str))
            .chain(self.sort.iter().filter_map(CompiledSortKey::top_field))
            .collect();
        fields.sort_unstable();
        fields.dedup();
        fields
    }

    /// All `filters` hold, or any `or_filters` holds; no filters at all match everything.
    pub fn matches(&self, record: &Value) -> bool {
        let mut leaves = Vec::new();
        let mut holds = |f: &CompiledFilter| f.holds(record, &mut leaves);
        match (self.filters.is_empty(), self.or_filters.is_empty()) {
            (true, true) => true,
            (true, false) => self.or_filters.iter().any(&mut holds),
            (false, true) => self.filters.iter().all(&mut holds),
            (false, false) => {
                self.filters.iter().all(&mut holds) || self.or_filters.iter().any(&mut holds)
            }
        }
    }

    /// Sort by the `sort` keys, in place. Stable: records that tie keep their order, so pass
    /// them in store order. Each record's keys are extracted once.
    pub fn sort_records(&self, records: &mut [&Value]) {
        sort::sort_records(&self.sort, records);
    }

    /// The record reduced to the selected fields; borrowed unchanged when nothing is selected.
    pub fn project<'r>(&self, record: &'r Value) -> Cow<'r, Value> {
        match &self.select {
            None => Cow::Borrowed(record),
            Some(tree) => tree.project(record),
        }
    }

    /// What a list endpoint does: filter, sort, count, slice, project.
    pub fn evaluate<'r>(&self, records: impl IntoIterator<Item = &'r Value>) -> Evaluated {
        let mut hits: Vec<&Value> = records.into_iter().filter(|r| self.matches(r)).collect();
        self.sort_records(&mut hits);
        let count = hits.len();
        let records = hits
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|r| self.project(r).into_owned())
            .collect();
        Evaluated {
            count,
            records,
            offset: self.offset,
            limit: self.limit,
        }
    }
}

/// Which stored records make up a page, by position: what [`CompiledQuery::locate_page`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLocation {
    /// Matching records before limit and offset (what `metadata=count` reports).
    pub count: usize,
    /// Store positions of the page's records, in page order.
    pub positions: Vec<usize>,
}

impl CompiledQuery {
    /// Find the page among records that are parsed one at a time (the fake stores JSON bytes):
    /// only positions, and sort keys when sorting, are kept, never the parsed records, so a
    /// query over a million stored records needs memory for its keys alone. Without sort keys
    /// the page is picked while counting; with them the matches are sorted stably by key, ties
    /// in store order, as [`CompiledQuery::evaluate`] does.
    pub fn locate_page<V: std::borrow::Borrow<Value>>(
        &self,
        records: impl IntoIterator<Item = (usize, V)>,
    ) -> PageLocation {
        let end = self.offset.saturating_add(self.limit);
        let mut count = 0;
        if self.sort.is_empty() {
            let mut positions = Vec::new();
            for (position, record) in records {
                if self.matches(record.borrow()) {
                    if count >= self.offset && count < end {
                        positions.push(position);
                    }
                    count += 1;
                }
            }
            return PageLocation { count, positions };
        }
        let mut keyed: Vec<(Vec<sort::SortValue>, usize)> = Vec::new();
        for (position, record) in records {
            let record = record.borrow();
            if self.matches(record) {
                keyed.push((sort::keys_of(&self.sort, record), position));
            }
        }
        count = keyed.len();
        keyed.sort_by(|(a, _), (b, _)| sort::compare_keys(&self.sort, a, b));
        let positions = keyed
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|(_, position)| position)
            .collect();
        PageLocation { count, positions }
    }

    /// True when every record passes and order, fields and count are the store's own: the
    /// page can then be served from stored bytes without parsing anything.
    pub fn is_plain(&self) -> bool {
        self.filters.is_empty()
            && self.or_filters.is_empty()
            && self.sort.is_empty()
            && self.select.is_none()
    }
}

impl CompiledFilter {
    fn new(filter: &Filter) -> CompiledFilter {
        let patterns = |values: &[String]| values.iter().map(|v| Pattern::new(v)).collect();
        let test = match &filter.condition {
            Condition::Equals(value) => Test::Any(vec![Pattern::new(value)]),
            Condition::AnyOf(values) | Condition::In(values) => Test::Any(patterns(values)),
            Condition::NotIn(values) => Test::NoneOf(patterns(values)),
            Condition::Compare(op, value) => Test::Compare(*op, Operand::new(value)),
        };
        CompiledFilter {
            path: path::split(&filter.field),
            test,
        }
    }

    /// `leaves` is scratch space, reused across filters of one record.
    fn holds<'v>(&self, record: &'v Value, leaves: &mut Vec<&'v Value>) -> bool {
        leaves.clear();
        path::resolve(record, &self.path, leaves);
        // A path that reaches nothing reads as null (a missing key, an empty array, a custom
        // field that is not set), as a SQL LEFT JOIN would.
        let any_leaf = |test: &dyn Fn(Option<&Value>) -> bool| {
            if leaves.is_empty() {
                test(None)
            } else {
                leaves.iter().any(|leaf| test(Some(leaf)))
            }
        };
        let any_pattern =
            |patterns: &[Pattern]| any_leaf(&|leaf| patterns.iter().any(|p| p.matches(leaf)));
        match &self.test {
            Test::Any(patterns) => any_pattern(patterns),
            Test::NoneOf(patterns) => !any_pattern(patterns),
            Test::Compare(op, operand) => any_leaf(&|leaf| operand.holds(*op, leaf)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(s: &str) -> CompiledQuery {
        match Query::from_query_string(s) {
            Ok(query) => query.compile(),
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn ids(query: &str, records: &[Value]) -> Vec<i64> {
        q(query)
            .evaluate(records)
            .records
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
    }

    #[test]
    fn and_or_combinations() {
        let rs = [
            json!({"id": 1, "name": "Alice", "email": "a@x.nl"}),
            json!({"id": 2, "name": "Bob", "email": "b@gmail.com"}),
            json!({"id": 3, "name": "Alice", "email": "c@gmail.com"}),
            json!({"id": 4, "name": "Carol", "email": "d@x.nl"}),
        ];
        assert_eq!(ids("", &rs), [1, 2, 3, 4]);
        assert_eq!(ids("q[name]=Alice", &rs), [1, 3]);
        assert_eq!(ids("q[or][email]=*gmail.com", &rs), [2, 3]);
        assert_eq!(
            ids("q[or][email]=*gmail.com&q[or][name]=Carol", &rs),
            [2, 3, 4]
        );
        assert_eq!(ids("q[name]=Alice&q[email]=*gmail.com", &rs), [3]);
        assert_eq!(ids("q[name]=Alice&q[or][email]=*gmail.com", &rs), [1, 2, 3]);
        assert_eq!(
            ids("q[name]=Alice&q[email]=*x.nl&q[or][name]=Carol", &rs),
            [1, 4]
        );
        assert_eq!(
            ids("q[name]=A*&q[name]=*e", &rs),
            [1, 3],
            "same field twice: AND"
        );
        assert_eq!(ids("q[name]=A*&q[name]=*b", &rs), Vec::<i64>::new());
    }

    #[test]
    fn null_handling_for_every_condition() {
        let rs = [
            json!({"id": 1, "v": null}),
            json!({"id": 2}),
            json!({"id": 3, "v": ""}),
            json!({"id": 4, "v": "x"}),
            json!({"id": 5, "v": 5}),
            json!({"id": 6, "v": []}),
            json!({"id": 7, "v": {"a": 1}}),
        ];
        assert_eq!(ids("q[v]=null", &rs), [1, 2, 6]);
        assert_eq!(ids("q[v]=*", &rs), [3, 4, 5, 7]);
        assert_eq!(ids("q[v]=x", &rs), [4]);
        assert_eq!(ids("q[v]=", &rs), [3]);
        assert_eq!(ids("q[v]=**", &rs), [3, 4, 5]);
        assert_eq!(ids("q[v][]=null&q[v][]=x", &rs), [1, 2, 4, 6]);
        assert_eq!(ids("q[v][]=x&q[v][]=5", &rs), [4, 5]);
        for op in ["ge", "gt", "le", "lt"] {
            // Null, missing, empty arrays and objects never compare; "" and "x" compare as text
            // against "0" and 5 numerically.
            let got = ids(&format!("q[v][{op}]=0"), &rs);
            assert!(got.iter().all(|id| [3, 4, 5].contains(id)), "{op}: {got:?}");
        }
        assert_eq!(ids("q[v][ge]=0", &rs), [4, 5]);
        assert_eq!(ids("q[v][lt]=0", &rs), [3]);
        assert_eq!(ids("q[v][in]=null", &rs), [1, 2, 6]);
        assert_eq!(ids("q[v][in]=x,null", &rs), [1, 2, 4, 6]);
        assert_eq!(ids("q[v][in]=*", &rs), [3, 4, 5, 7]);
        assert_eq!(ids("q[v][nin]=*", &rs), [1, 2, 6]);
        assert_eq!(ids("q[v][nin]=null", &rs), [3, 4, 5, 7]);
        assert_eq!(
            ids("q[v][nin]=x,5", &rs),
            [1, 2, 3, 6, 7],
            "nin is the exact negation of in: nulls satisfy it"
        );
        assert_eq!(
            ids("q[v][nin]=x,5&q[v]=*", &rs),
            [3, 7],
            "add q[v]=* to drop nulls"
        );
        assert_eq!(ids("q[v][in]=", &rs), Vec::<i64>::new());
        assert_eq!(ids("q[v][nin]=", &rs), [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn in_and_nin_take_wildcards() {
        let rs = [
            json!({"id": 1, "m": "FixedFee"}),
            json!({"id": 2, "m": "Hours"}),
            json!({"id": 3, "m": "Subscription"}),
        ];
        assert_eq!(ids("q[m][in]=fixed*,*scrip*", &rs), [1, 3]);
        assert_eq!(ids("q[m][nin]=fixed*,*scrip*", &rs), [2]);
        assert_eq!(ids("q[m][in]= hours , fixedfee ", &rs), [1, 2]);
    }

    #[test]
    fn arrays_along_a_path() {
        let rs = [
            json!({"id": 1, "linked_to": [{"invoice_id": "invoice:1"}, {"invoice_id": "invoice:2"}]}),
            json!({"id": 2, "linked_to": [{"project_id": "project:1"}]}),
            json!({"id": 3, "linked_to": []}),
            json!({"id": 4, "linked_to": [{"invoice_id": "invoice:3"}]}),
            json!({"id": 5, "teams": [{"members": [{"name": "Ann"}, {"name": "Bo"}]}]}),
        ];
        assert_eq!(ids("q[linked_to.invoice_id]=invoice:2", &rs), [1]);
        assert_eq!(ids("q[linked_to.invoice_id]=*", &rs), [1, 4]);
        assert_eq!(ids("q[linked_to.invoice_id]=null", &rs), [2, 3, 5]);
        assert_eq!(
            ids("q[linked_to.invoice_id][nin]=invoice:1", &rs),
            [2, 3, 4, 5],
            "nin: no element may be in the list"
        );
        assert_eq!(ids("q[linked_to.invoice_id][ge]=invoice:2", &rs), [1, 4]);
        assert_eq!(ids("q[teams.members.name]=bo", &rs), [5]);
    }

    #[test]
    fn compiled_query_is_reusable_and_exposes_its_page() {
        let c = q("q[n][gt]=1&limit=500&offset=3&metadata=count");
        assert_eq!(c.page(), (3, 100));
        assert_eq!(c.metadata(), [MetadataKey::Count]);
        assert!(c.matches(&json!({"n": 2})));
        assert!(!c.matches(&json!({"n": 1})));
        assert!(c.matches(&json!({"n": "10"})));
    }

    #[test]
    fn evaluate_counts_before_slicing() {
        let rs: Vec<Value> = (1..=30)
            .map(|i| json!({"id": i, "even": i % 2 == 0}))
            .collect();
        let page = q("q[even]=1&offset=5&limit=4").evaluate(&rs);
        assert_eq!(page.count, 15);
        let got: Vec<i64> = page
            .records
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        assert_eq!(got, [12, 14, 16, 18]);
        assert_eq!((page.offset, page.limit), (5, 4));
        let past_end = q("q[even]=1&offset=50").evaluate(&rs);
        assert_eq!((past_end.count, past_end.records.len()), (15, 0));
    }

    #[test]
    fn locate_page_agrees_with_evaluate() {
        let records: Vec<Value> = (0..40)
            .map(|i| json!({"id": i, "name": format!("n{}", (i * 7) % 13), "v": (i * 5) % 9}))
            .collect();
        for query in [
            "",
            "limit=5&offset=3",
            "q[v][ge]=4&limit=7&offset=2",
            "sort=-v,name&limit=10&offset=5",
            "q[name]=n1*&sort=v&limit=100",
            "q[v]=100",
            "sort=name&offset=39",
        ] {
            let compiled = q(query);
            let full = compiled.evaluate(records.iter());
            let located = compiled.locate_page(records.iter().cloned().enumerate());
            assert_eq!(located.count, full.count, "{query}");
            let page: Vec<Value> = located
                .positions
                .iter()
                .map(|&p| compiled.project(&records[p]).into_owned())
                .collect();
            assert_eq!(page, full.records, "{query}");
        }
        assert!(q("limit=3&metadata=count").is_plain());
        assert!(!q("select=id").is_plain());
        assert!(!q("sort=id").is_plain());
        assert!(!q("q[id]=1").is_plain());
    }
}
