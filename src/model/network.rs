//! A project's network: its tasks as steps, the waits between them (a task's `after`), and the
//! critical path, the longest chain of work still to do, which sets when the project can end.

use serde::Serialize;

use super::Id;

/// One task of a project's network, as drawn in its box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The task's number.
    pub task: Id,
    /// Its title.
    pub title: String,
    /// The line under the title: when it is due and who does it, or when it was done.
    pub note: String,
    /// Whether it is done (done steps are drawn dimmed and are off the critical path).
    pub done: bool,
    /// Whether it is open and past its due date.
    pub late: bool,
}

/// A project's tasks and who waits for whom, with the critical path worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Network {
    /// The steps, by task number.
    pub steps: Vec<Step>,
    /// The waits as (before, after) indices into `steps`: `after` cannot start before `before`
    /// is done. No circles (the service refuses them) and no repeats.
    pub edges: Vec<(usize, usize)>,
    /// The critical path as indices into `steps`, first to last: the longest chain of open
    /// steps each waiting for the one before. Empty when no two open steps wait for each other.
    pub critical: Vec<usize>,
}

impl Network {
    /// The network of `steps` (sorted here by task number) and `waits` as (before, after) task
    /// numbers; waits naming a task not among the steps (elsewhere, or out of sight) are left out.
    pub fn new(mut steps: Vec<Step>, waits: &[(Id, Id)]) -> Network {
        steps.sort_by_key(|s| s.task);
        let index = |id: Id| steps.binary_search_by_key(&id, |s| s.task).ok();
        let mut edges: Vec<(usize, usize)> =
            waits.iter().filter_map(|&(b, a)| Some((index(b)?, index(a)?))).filter(|(b, a)| b != a).collect();
        edges.sort_unstable();
        edges.dedup();
        let critical = critical_path(&steps, &edges);
        Network { steps, edges, critical }
    }

    /// Whether the wait `edge` (an index into `edges`) joins two steps of the critical path.
    pub fn is_critical(&self, edge: usize) -> bool {
        let Some(&(b, a)) = self.edges.get(edge) else { return false };
        self.critical.windows(2).any(|w| w[0] == b && w[1] == a)
    }

    /// The steps in an order where each comes after all it waits for (ties by task number).
    pub fn in_order(&self) -> Vec<usize> {
        topological(self.steps.len(), &self.edges)
    }
}

/// Kahn's order over `n` nodes, smallest index first among those ready; nodes on a circle
/// (which the service never stores) come last in index order rather than being lost.
fn topological(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut waiting = vec![0usize; n];
    let mut next = vec![Vec::new(); n];
    for &(b, a) in edges {
        waiting[a] += 1;
        next[b].push(a);
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &a in &next[i] {
            waiting[a] -= 1;
            if waiting[a] == 0 {
                ready.insert(a);
            }
        }
    }
    if order.len() < n {
        let placed: std::collections::HashSet<usize> = order.iter().copied().collect();
        order.extend((0..n).filter(|i| !placed.contains(i)));
    }
    order
}

/// The longest chain of open steps (each step counts one: tasks carry no durations), ties going
/// to the chain of the smallest task numbers; empty when it is shorter than two steps.
fn critical_path(steps: &[Step], edges: &[(usize, usize)]) -> Vec<usize> {
    let n = steps.len();
    let mut before = vec![Vec::new(); n];
    for &(b, a) in edges {
        before[a].push(b);
    }
    // The length of the longest open chain ending at each step, and the step before it there.
    let mut length = vec![0usize; n];
    let mut from: Vec<Option<usize>> = vec![None; n];
    for i in topological(n, edges) {
        if steps[i].done {
            continue;
        }
        let best = before[i].iter().copied().filter(|&b| length[b] > 0).max_by_key(|&b| (length[b], usize::MAX - b));
        length[i] = 1 + best.map_or(0, |b| length[b]);
        from[i] = best;
    }
    let Some(end) = (0..n).max_by_key(|&i| (length[i], usize::MAX - i)) else { return Vec::new() };
    if length[end] < 2 {
        return Vec::new();
    }
    let mut path = vec![end];
    while let Some(b) = from[*path.last().unwrap_or(&end)] {
        path.push(b);
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(task: Id, done: bool) -> Step {
        Step { task, title: format!("t{task}"), note: String::new(), done, late: false }
    }

    #[test]
    fn the_critical_path_is_the_longest_chain_of_open_steps() {
        // 1 → 2 → 4 and 1 → 3 → 5 → 6: the second is longer.
        let steps = (1..=6).map(|i| step(i, false)).collect();
        let n = Network::new(steps, &[(1, 2), (2, 4), (1, 3), (3, 5), (5, 6)]);
        let tasks: Vec<Id> = n.critical.iter().map(|&i| n.steps[i].task).collect();
        assert_eq!(tasks, vec![1, 3, 5, 6]);
        assert!(n.is_critical(n.edges.iter().position(|&e| e == (2, 4)).unwrap()));
        assert!(!n.is_critical(n.edges.iter().position(|&e| e == (1, 3)).unwrap()));
    }

    #[test]
    fn done_steps_are_off_the_critical_path() {
        // 3 → 5 → 6 with 3 done leaves 5 → 6 (2 steps) against 1 → 2 → 4 (3 steps).
        let steps = vec![step(1, false), step(2, false), step(3, true), step(4, false), step(5, false), step(6, false)];
        let n = Network::new(steps, &[(1, 2), (2, 4), (3, 5), (5, 6)]);
        let tasks: Vec<Id> = n.critical.iter().map(|&i| n.steps[i].task).collect();
        assert_eq!(tasks, vec![1, 2, 4]);
    }

    #[test]
    fn no_chain_of_two_open_steps_means_no_critical_path() {
        let n = Network::new(vec![step(1, true), step(2, false), step(3, false)], &[(1, 2)]);
        assert!(n.critical.is_empty());
        let all_done = Network::new(vec![step(1, true), step(2, true)], &[(1, 2)]);
        assert!(all_done.critical.is_empty());
    }

    #[test]
    fn waits_on_tasks_outside_and_repeats_are_left_out() {
        let n = Network::new(vec![step(2, false), step(1, false)], &[(1, 2), (1, 2), (9, 2), (2, 2)]);
        assert_eq!(n.steps[0].task, 1);
        assert_eq!(n.edges, vec![(0, 1)]);
        assert_eq!(n.in_order(), vec![0, 1]);
    }
}
