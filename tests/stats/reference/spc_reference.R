# Reference values for tests/stats/test_runs.py and tests/stats/test_pchart_laney.py.
# Run: Rscript tests/stats/reference/spc_reference.R > tests/stats/reference/spc_reference.txt
# (R base only; the tests read the committed output and never need R.)

cat("# R.version:", R.version.string, "\n")

# 1. Anhoej's limits for n = 10..100 useful points, exactly as qicharts2's vignette,
#    Appendix 2 ("Critical values for longest run and number of crossings"), computes its table.
n <- 10:100
tab <- data.frame(n = n,
                  longest_run_max = round(log2(n) + 3),
                  crossings_min = qbinom(0.05, n - 1, 0.5))
cat("## anhoej_limits\n")
write.table(tab, row.names = FALSE, quote = FALSE, sep = "\t")

# 2. Pearson's chi-square of k rounds x (failures, passes), no continuity correction:
#    the over-dispersion statistic of a p-chart is X2 / (k - 1) with p-value P(chi2_{k-1} > X2).
pearson <- function(name, x, n) {
  t <- suppressWarnings(chisq.test(cbind(x, n - x), correct = FALSE))
  cat(sprintf("%s\t%.10f\t%d\t%.10g\n", name, t$statistic, t$parameter, t$p.value))
}
cat("## pearson\nname\tstatistic\tdf\tpvalue\n")
pearson("four_rounds", c(60, 75, 90, 70), c(150, 150, 150, 150))
pearson("two_rounds", c(20, 30), c(100, 100))
pearson("unequal_n", c(12, 30, 41, 8, 25), c(40, 90, 110, 35, 60))
