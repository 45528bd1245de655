# Reference ARLs for stats.cusum (one-sided Bernoulli CUSUMs), from surveillance::arlCusum,
# the Markov-chain ARL of Hawkins (1992) for a discrete CUSUM S = max(0, S + X - k), signal at S >= h
# (Debian package r-cran-surveillance 1.20.3).
#
# A Bernoulli CUSUM with in-control rate p0 and odds ratio OR, divided by log(OR), is
# B = max(0, B + X - gamma) (upper side) with gamma = log((1 - p0)/(1 - p1)) / log(OR),
# p1 the rate with OR times p0's odds, and h_B = limit / log(OR) (Reynolds & Stoumbos 1999).
# The lower side, B = max(0, B + gamma' - X), is the upper CUSUM of the successes 1 - X with
# reference 1 - gamma'. Each case below picks OR so that gamma is a short decimal, which
# arlCusum (rounding h and k to `digits`) represents exactly.
# Run: Rscript cusum_arl.R > cusum_arl.txt
suppressPackageStartupMessages(library(surveillance))
shifted <- function(p0, or) { odds <- or * p0 / (1 - p0); odds / (1 + odds) }
reference <- function(p0, or, side) {
  p1 <- shifted(p0, if (side == "upper") or else 1 / or)
  abs(log((1 - p0) / (1 - p1))) / log(or)
}
cases <- list(
  list(p0 = 0.05, gamma = 0.07, hB = 5.05, side = "upper", digits = 2, p = c(0.05, 0.1)),
  list(p0 = 0.3, gamma = 0.375, hB = 5, side = "upper", digits = 3, p = c(0.3, 0.45)),
  list(p0 = 0.3, gamma = 0.25, hB = 4.5, side = "lower", digits = 2, p = c(0.3, 0.2))
)
for (cs in cases) {
  or <- uniroot(function(o) reference(cs$p0, o, cs$side) - cs$gamma, c(1.01, 10), tol = 1e-15)$root
  limit <- cs$hB * log(or)
  for (p in cs$p) {
    arl <- if (cs$side == "upper") {
      arlCusum(h = cs$hB, k = cs$gamma, theta = p, distr = "binomial", digits = cs$digits, n = 1)$ARL
    } else {
      arlCusum(h = cs$hB, k = 1 - cs$gamma, theta = 1 - p, distr = "binomial", digits = cs$digits, n = 1)$ARL
    }
    cat(sprintf("side=%s p0=%.2f odds_ratio=%.17g limit=%.17g p=%.2f arl=%.15g\n",
                cs$side, cs$p0, or, limit, p, arl))
  }
}
