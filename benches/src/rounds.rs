//! Interleaved rounds: every mode runs once per round, in a rotating order, so slow
//! drifts of a shared machine (other builds, thermal state) hit all modes alike.

/// The order in which `modes` modes run in round `round`: a rotation that starts one
/// further each round, so no mode is always first or always last.
///
/// ```
/// use blockwatch_benches::rounds::order;
/// assert_eq!(order(0, 3), [0, 1, 2]);
/// assert_eq!(order(2, 3), [2, 0, 1]);
/// ```
pub fn order(round: usize, modes: usize) -> Vec<usize> {
    (0..modes)
        .map(|step| (round + step) % modes.max(1))
        .collect()
}

/// Runs `measure` for every mode in every round (in [`order`]) and returns the samples
/// as `[mode][round]`. The first error stops the run.
///
/// # Errors
/// The first error `measure` returns.
///
/// ```
/// use blockwatch_benches::rounds::interleave;
/// let samples = interleave(&["a", "b"], 3, |mode, round| {
///     Ok::<f64, std::convert::Infallible>(if mode == "a" { round as f64 } else { 10.0 })
/// }).unwrap();
/// assert_eq!(samples[0], [0.0, 1.0, 2.0]);
/// assert_eq!(samples[1], [10.0, 10.0, 10.0]);
/// ```
pub fn interleave<M, T, E, F>(modes: &[M], rounds: usize, mut measure: F) -> Result<Vec<Vec<T>>, E>
where
    M: Copy,
    T: Clone,
    F: FnMut(M, usize) -> Result<T, E>,
{
    let mut samples = vec![Vec::with_capacity(rounds); modes.len()];
    for round in 0..rounds {
        for index in order(round, modes.len()) {
            let sample = measure(modes[index], round)?;
            samples[index].push(sample);
        }
    }
    Ok(samples)
}

/// Per-round ratios `numerator[r] / denominator[r]` of two modes measured in the same rounds.
///
/// ```
/// let ratios = blockwatch_benches::rounds::paired_ratios(&[2.0, 3.0], &[1.0, 2.0]);
/// assert_eq!(ratios, [2.0, 1.5]);
/// ```
pub fn paired_ratios(numerator: &[f64], denominator: &[f64]) -> Vec<f64> {
    numerator
        .iter()
        .zip(denominator)
        .map(|(n, d)| n / d)
        .collect()
}

/// Per-round differences `a[r] - b[r]` of two modes measured in the same rounds.
///
/// ```
/// let extra = blockwatch_benches::rounds::paired_differences(&[5.0, 7.0], &[4.0, 4.0]);
/// assert_eq!(extra, [1.0, 3.0]);
/// ```
pub fn paired_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a - b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_runs_once_per_round_and_leads_in_turn() {
        for round in 0..7 {
            let mut seen = order(round, 4);
            assert_eq!(seen[0], round % 4);
            seen.sort_unstable();
            assert_eq!(seen, [0, 1, 2, 3]);
        }
        assert!(order(3, 0).is_empty());
    }

    #[test]
    fn interleave_keeps_samples_by_mode_and_visits_in_rotation() {
        let mut visits = Vec::new();
        let samples = interleave(&['x', 'y', 'z'], 2, |mode, round| {
            visits.push((round, mode));
            Ok::<f64, ()>(f64::from(mode as u8) + round as f64)
        })
        .unwrap();
        assert_eq!(
            visits,
            [(0, 'x'), (0, 'y'), (0, 'z'), (1, 'y'), (1, 'z'), (1, 'x')]
        );
        assert_eq!(samples[1], [f64::from(b'y'), f64::from(b'y') + 1.0]);
    }

    #[test]
    fn interleave_stops_at_the_first_error() {
        let mut calls = 0;
        let result = interleave(&[1, 2], 5, |mode, _| {
            calls += 1;
            if mode == 2 {
                Err("broken")
            } else {
                Ok(1.0)
            }
        });
        assert_eq!(result, Err("broken"));
        assert_eq!(calls, 2);
    }
}
