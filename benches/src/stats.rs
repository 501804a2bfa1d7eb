//! Medians and percentiles: the statistics a noisy shared machine can support.

/// The median of `samples` (the mean of the two middle values for an even count), or
/// `None` when there are none. NaNs sort last.
///
/// ```
/// use blockwatch_benches::stats::median;
/// assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
/// assert_eq!(median(&[]), None);
/// ```
pub fn median(samples: &[f64]) -> Option<f64> {
    let sorted = sorted(samples);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The nearest-rank percentile `p` (0–100) of `samples`, or `None` when there are none.
///
/// ```
/// use blockwatch_benches::stats::percentile;
/// let latencies: Vec<f64> = (1..=100).map(f64::from).collect();
/// assert_eq!(percentile(&latencies, 99.0), Some(99.0));
/// assert_eq!(percentile(&latencies, 100.0), Some(100.0));
/// ```
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted(samples);
    if sorted.is_empty() {
        return None;
    }
    let p = p.clamp(0.0, 100.0);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The smallest and largest sample, or `None` when there are none.
///
/// ```
/// assert_eq!(blockwatch_benches::stats::range(&[2.0, 5.0, 1.0]), Some((1.0, 5.0)));
/// ```
pub fn range(samples: &[f64]) -> Option<(f64, f64)> {
    let sorted = sorted(samples);
    Some((*sorted.first()?, *sorted.last()?))
}

fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_ignores_input_order() {
        assert_eq!(median(&[9.0, 1.0, 5.0, 7.0, 3.0]), Some(5.0));
        assert_eq!(median(&[1.5]), Some(1.5));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&samples, 0.0), Some(10.0));
        assert_eq!(percentile(&samples, 50.0), Some(20.0));
        assert_eq!(percentile(&samples, 75.0), Some(30.0));
        assert_eq!(percentile(&samples, 99.0), Some(40.0));
        assert_eq!(percentile(&samples, 250.0), Some(40.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn range_spans_the_extremes() {
        assert_eq!(range(&[]), None);
        assert_eq!(range(&[4.0, -1.0, 3.0]), Some((-1.0, 4.0)));
    }
}
