# Reference values for stats.overdispersion (proportions on the arcsine scale),
# written from FunnelPlotR's R source (nhs-r-community/FunnelPlotR, commit 9020d497):
#   R/od_adjustment.R  transformed_zscore (data_type "PR"), winsorisation, phi_func, tau_func
#   R/calculate_limits.R  calculate_limits (data_type "PR")
# FunnelPlotR is not packaged for Debian, so its formulas are restated here in base R.
# Run: Rscript overdispersion.R > overdispersion.txt
x <- c(12, 20, 31, 8, 30, 25, 22, 9, 48, 18, 27, 40)   # failures per force
n <- c(35, 42, 60, 28, 50, 75, 40, 33, 90, 55, 48, 62)  # case files per force
trim_by <- 0.1

target <- sum(x) / sum(n)                      # pooled proportion
Y <- asin(sqrt(x / n))                         # arcsine-square-root transform
s <- 1 / (2 * sqrt(n))                         # its standard error
z <- (Y - asin(sqrt(target))) / s              # unadjusted z-scores
lz <- quantile(z, trim_by)                     # R's default (type 7) quantiles
uz <- quantile(z, 1 - trim_by)
wz <- ifelse(z < lz, lz, ifelse(z > uz, uz, z))  # winsorised z-scores
k <- length(wz)
phi <- sum(wz^2) / k                           # dispersion ratio
w <- 1 / s^2
tau2 <- if (k * phi < k - 1) 0 else max(0, (k * phi - (k - 1)) / (sum(w) - sum(w^2) / sum(w)))

options(digits = 15)
cat("target", format(target, digits = 15), "\n")
cat("z", format(z, digits = 15), "\n")
cat("lz uz", format(c(lz, uz), digits = 15), "\n")
cat("phi", format(phi, digits = 15), "\n")
cat("tau2", format(tau2, digits = 15), "\n")
cat("Q = k*phi", format(k * phi, digits = 15), " p (chi-square, k-1 df)",
    format(pchisq(k * phi, k - 1, lower.tail = FALSE), digits = 15), "\n")

# limits as calculate_limits draws them for "PR": sin(asin(sqrt(target)) +/- q sqrt(s^2 + tau2))^2
grid <- c(20, 50, 100, 400)
for (prob in c(0.025, 0.975, 0.001, 0.999, 0.05, 0.95)) {
  q <- qnorm(prob)
  sg <- 1 / (2 * sqrt(grid))
  od <- sin(asin(sqrt(target)) + q * sqrt(sg^2 + tau2))^2
  plain <- sin(asin(sqrt(target)) + q * sg)^2
  cat("prob", prob, "additive", format(od, digits = 15), "\n")
  cat("prob", prob, "unadjusted", format(plain, digits = 15), "\n")
}
