//! Facts about the machine, from `/proc` (Linux); "unknown" elsewhere.

/// The CPU model name of the first core.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn kernel() -> String {
    read_trimmed("/proc/sys/kernel/osrelease")
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    let raw = read_trimmed("/proc/loadavg");
    raw.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path).map_or_else(|_| "unknown".into(), |s| s.trim().to_owned())
}

/// The machine-wide CPU time counters of `/proc/stat`, in clock ticks.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    total: u64,
    steal: u64,
}

impl CpuTimes {
    pub fn now() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        parse_cpu_line(stat.lines().next()?)
    }

    /// The share of CPU time since `earlier` that the hypervisor gave to someone else.
    pub fn steal_since(self, earlier: Self) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let steal = self.steal.checked_sub(earlier.steal)?;
        (total > 0).then(|| steal as f64 / total as f64)
    }
}

/// Parses `cpu  user nice system idle iowait irq softirq steal …`.
fn parse_cpu_line(line: &str) -> Option<CpuTimes> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let values: Vec<u64> = fields
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    Some(CpuTimes {
        total: values.iter().sum(),
        steal: *values.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steal_is_read_from_the_eighth_counter() {
        let a = parse_cpu_line("cpu  100 0 50 800 0 0 0 50 0 0").unwrap();
        let b = parse_cpu_line("cpu  200 0 100 1500 0 0 0 200 0 0").unwrap();
        let steal = b.steal_since(a).unwrap();
        assert!((steal - 0.15).abs() < 1e-9, "{steal}");
        assert!(parse_cpu_line("intr 1 2 3").is_none());
    }
}
