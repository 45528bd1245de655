# Reference values for tests/stats/test_numeric_edges.py (issue 13, "Numbers at the edges").
# Run: Rscript tests/stats/reference/numeric_edges.R > tests/stats/reference/numeric_edges.txt
# (R 4.2.2, vcd 1.4-11; the tests never need R.)
library(vcd)
show <- function(name, value) cat(sprintf("%s = %.17g\n", name, value))

# Kappa: a 10 x 10 table whose chance agreement is within 1e-5 of 1 but not 1.
k10 <- matrix(0, 10, 10); k10[1, 1] <- 2465; k10[2, 2] <- 1
res <- Kappa(k10, weights = "Fleiss-Cohen")
show("kappa10_quadratic_value", res$Weighted[["value"]])
show("kappa10_quadratic_ase", res$Weighted[["ASE"]])
show("kappa10_unweighted_value", res$Unweighted[["value"]])
show("kappa10_unweighted_ase", res$Unweighted[["ASE"]])

# Kappa: an 8 x 8 table with chance agreement close to 1 (vcd gives no null standard error).
k8 <- matrix(0, 8, 8); k8[1, 1] <- 4923; k8[1, 2] <- 1; k8[2, 2] <- 1
res <- Kappa(k8, weights = "Fleiss-Cohen")
show("kappa8_quadratic_value", res$Weighted[["value"]])
show("kappa8_quadratic_ase", res$Weighted[["ASE"]])

# Exact binomial tails far below 1e-268.
show("pbinom_38_500_0.8", pbinom(38, 500, 0.8))
show("binom_less_38_500_0.8", binom.test(38, 500, 0.8, alternative = "less")$p.value)
show("binom_two_38_500_0.8", binom.test(38, 500, 0.8)$p.value)
show("binom_greater_462_500_0.2", binom.test(462, 500, 0.2, alternative = "greater")$p.value)
show("binom_two_462_500_0.2", binom.test(462, 500, 0.2)$p.value)
show("binom_less_0_400_0.8", binom.test(0, 400, 0.8, alternative = "less")$p.value)
show("binom_two_0_400_0.8", binom.test(0, 400, 0.8)$p.value)
show("binom_two_20_60_0.1", binom.test(20, 60, 0.1)$p.value)
show("binom_two_682_925_0.75", binom.test(682, 925, p = 0.75)$p.value)

# CMH at a summed deviation of exactly 1/2: R skips the correction (the sum is 0.49999999999999978 in doubles).
strata <- array(c(1, 0, 1, 4, 4, 1, 1, 0), dim = c(2, 2, 2))
res <- mantelhaen.test(strata, correct = TRUE)
show("cmh_half_r_statistic", res$statistic)
show("cmh_half_r_pvalue", res$p.value)
show("cmh_half_r_delta", sum(strata[1, 1, ] - apply(strata, 3, function(t) sum(t[1, ]) * sum(t[, 1]) / sum(t))))
