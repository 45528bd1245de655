# Reference values for stats.sequential.
# Boundaries: rpact::getDesignGroupSequential (Debian r-cran-rpact 3.3.4), one-sided, Lan-DeMets
#   alpha spending "asOF" (alpha(t) = 2 - 2 Phi(z_{1-alpha/2}/sqrt t)) and "asP" (alpha ln(1 + (e-1) t)).
# Crossing probabilities of fixed boundaries: mvtnorm::pmvnorm (Debian r-cran-mvtnorm 1.1-3) with
#   Miwa's deterministic algorithm, corr(Z_j, Z_k) = sqrt(t_j / t_k).
# rpact warns that kMax = 12 > 10 "is not validated"; it returns Inf for the 12-look O'Brien-Fleming
# first critical value (alpha(1/12) = 8.2e-15), which the test checks by hand instead.
# Run: Rscript sequential.R > sequential.txt
suppressPackageStartupMessages({library(rpact); library(mvtnorm)})
show <- function(label, x) cat(label, paste(sprintf("%.10f", x), collapse = " "), "\n")
designs <- list(
  list(t = (1:5) / 5, alpha = 0.025), list(t = (1:12) / 12, alpha = 0.025),
  list(t = c(0.15, 0.4, 0.55, 0.8, 1), alpha = 0.025), list(t = (1:4) / 4, alpha = 0.05)
)
for (d in designs) {
  for (type in c("asOF", "asP")) {
    g <- getDesignGroupSequential(kMax = length(d$t), alpha = d$alpha, sided = 1, typeOfDesign = type,
                                  informationRates = d$t)
    show(sprintf("boundaries %s alpha=%g t=%s", type, d$alpha, paste(signif(d$t, 6), collapse = ",")),
         g$criticalValues)
  }
}
for (k in c(2, 4, 12)) {
  t <- (1:k) / k
  corr <- outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
  for (z in c(qnorm(0.975), qnorm(0.95))) {
    p <- 1 - pmvnorm(upper = rep(z, k), corr = corr, algorithm = Miwa(steps = 4097))
    show(sprintf("crossing k=%d z=%.6f", k, z), p)
  }
}
# Twelve looks, solved afresh with mvtnorm (Miwa) and uniroot: rpact's 12-look values are outside its
# validated range, and its crossing probabilities there are off by up to 4e-8 (checked with Miwa).
t <- (1:12) / 12
corr <- outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
for (type in c("obrien_fleming", "pocock")) {
  spent <- if (type == "obrien_fleming") 2 * pnorm(qnorm(0.025 / 2, lower.tail = FALSE) / sqrt(t), lower.tail = FALSE) else
    0.025 * log(1 + (exp(1) - 1) * t)
  crit <- qnorm(spent[1], lower.tail = FALSE)
  for (k in 2:12) {
    # P(Z_1 < c_1, ..., Z_{k-1} < c_{k-1}, Z_k >= x) = alpha(t_k) - alpha(t_{k-1}), the small probability itself
    f <- function(x) {
      pmvnorm(lower = c(rep(-Inf, k - 1), x), upper = c(crit, Inf), corr = corr[1:k, 1:k],
              algorithm = Miwa(steps = 4097)) - (spent[k] - spent[k - 1])
    }
    crit <- c(crit, uniroot(f, c(1, 9), tol = 1e-13)$root)
  }
  show(sprintf("miwa %s alpha=0.025 k=12", type), crit)
}
