//! The command line every benchmark binary accepts: `--quick` and `--rounds N`.

use std::fmt;

/// What a benchmark binary was asked to do.
///
/// ```
/// use blockwatch_benches::options::Options;
/// let options = Options::parse(["--quick", "--rounds", "2"].map(String::from)).unwrap();
/// assert!(options.quick);
/// assert_eq!(options.rounds(9, 3), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Smoke mode: small workloads and few rounds; numbers are indicative only.
    pub quick: bool,
    /// Rounds requested explicitly, overriding the benchmark's defaults.
    pub rounds: Option<usize>,
}

/// A command line the benchmarks do not understand.
///
/// ```
/// use blockwatch_benches::options::Options;
/// let error = Options::parse(["--fast".to_string()]).unwrap_err();
/// assert!(error.to_string().contains("--fast"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (usage: [--quick] [--rounds N])", self.0)
    }
}

impl std::error::Error for UsageError {}

impl Options {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    /// [`UsageError`] for an unknown flag, or a `--rounds` value that is not a positive number.
    ///
    /// ```
    /// use blockwatch_benches::options::Options;
    /// assert!(Options::parse(["--rounds".to_string(), "0".to_string()]).is_err());
    /// ```
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, UsageError> {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--rounds" => {
                    let value = args
                        .next()
                        .ok_or_else(|| UsageError("--rounds needs a value".to_owned()))?;
                    let rounds = value
                        .parse::<usize>()
                        .ok()
                        .filter(|&rounds| rounds > 0)
                        .ok_or_else(|| {
                            UsageError(format!("--rounds {value}: not a positive number"))
                        })?;
                    options.rounds = Some(rounds);
                }
                other => return Err(UsageError(format!("unknown argument `{other}`"))),
            }
        }
        Ok(options)
    }

    /// Parses the process's own arguments.
    ///
    /// # Errors
    /// As [`Options::parse`].
    ///
    /// ```no_run
    /// let options = blockwatch_benches::options::Options::from_env()?;
    /// # Ok::<(), blockwatch_benches::options::UsageError>(())
    /// ```
    pub fn from_env() -> Result<Options, UsageError> {
        Options::parse(std::env::args().skip(1))
    }

    /// The number of rounds to run: the explicit one, else `full` or `quick` by mode.
    ///
    /// ```
    /// let options = blockwatch_benches::options::Options::default();
    /// assert_eq!(options.rounds(15, 2), 15);
    /// ```
    pub fn rounds(&self, full: usize, quick: usize) -> usize {
        self.rounds.unwrap_or(if self.quick { quick } else { full })
    }

    /// `full` or `quick` by mode: for workload sizes.
    ///
    /// ```
    /// let options = blockwatch_benches::options::Options { quick: true, rounds: None };
    /// assert_eq!(options.size(1_000_000, 10_000), 10_000);
    /// ```
    pub fn size<T>(&self, full: T, quick: T) -> T {
        if self.quick {
            quick
        } else {
            full
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, UsageError> {
        Options::parse(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn no_arguments_is_the_full_run() {
        let options = parse(&[]).unwrap();
        assert!(!options.quick);
        assert_eq!(options.rounds(11, 2), 11);
        assert_eq!(options.size("full", "quick"), "full");
    }

    #[test]
    fn explicit_rounds_win_over_both_defaults() {
        let options = parse(&["--rounds", "4", "--quick"]).unwrap();
        assert_eq!(options.rounds(11, 2), 4);
        assert_eq!(options.size(100, 10), 10);
    }

    #[test]
    fn bad_rounds_and_unknown_flags_are_errors() {
        assert!(parse(&["--rounds"]).is_err());
        assert!(parse(&["--rounds", "x"]).is_err());
        assert!(parse(&["--rounds", "0"]).is_err());
        assert!(parse(&["quick"]).is_err());
    }
}
