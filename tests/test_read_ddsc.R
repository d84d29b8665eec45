# Rscript tests/test_read_ddsc.R RELEASE: checks the column classes read_ddsc() gives a built release.
args <- commandArgs(trailingOnly = TRUE)
source(file.path("R", "read_ddsc.R"))
check <- function(ok, what) if (!isTRUE(ok)) stop("failed: ", what, call. = FALSE)

for (path in args) {
  ddsc <- read_ddsc(path)
  check(length(ddsc) == 10, "ten tables")
  check(inherits(ddsc$events$date, "Date"), "events$date is Date")
  check(is.integer(ddsc$countries$cow_code), "countries$cow_code is integer")
  check(is.factor(ddsc$programs$category), "programs$category is factor")
  check("portfolio" %in% levels(ddsc$programs$category), "category levels come from the schema")
  check(identical(ddsc$countries$iso2[ddsc$countries$country_id == "NAM"], "NA"), "Namibia's iso2 stays the text NA")
  check(!any(is.na(ddsc$events$date)), "every event date parsed")
  cat(path, ": R column classes ok\n", sep = "")
}
