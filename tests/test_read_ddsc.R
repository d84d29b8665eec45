# Rscript test_read_ddsc.R PATH...: checks the tables read_ddsc() gives for a release folder or zip.
# Run from inside an unpacked release, so that the reader tested is the one the release ships.
args <- commandArgs(trailingOnly = TRUE)
source(file.path("R", "read_ddsc.R"))
check <- function(ok, what) if (!isTRUE(ok)) stop("failed: ", what, call. = FALSE)
expected <- length(jsonlite::fromJSON("datapackage.json", simplifyVector = FALSE)$resources)

for (path in args) {
  ddsc <- read_ddsc(path)
  check(length(ddsc) == expected, "every table of the descriptor")
  check(inherits(ddsc$events$date, "Date"), "events$date is Date")
  check(is.integer(ddsc$countries$cow_code), "countries$cow_code is integer")
  check(is.integer(ddsc$projects$fiscal_year), "projects$fiscal_year is integer")
  check(is.double(ddsc$projects$amount), "projects$amount is double")
  check(is.factor(ddsc$programs$category), "programs$category is factor")
  check("portfolio" %in% levels(ddsc$programs$category), "category levels come from the schema")
  check(is.character(ddsc$programs$name_en), "programs$name_en is character")
  check(identical(ddsc$countries$iso2[ddsc$countries$country_id == "NAM"], "NA"), "Namibia's iso2 stays the text NA")
  check(!any(is.na(ddsc$events$date)), "every event date parsed")
  cy <- ddsc_panel("country_years", system = "gw", tables = ddsc)
  check(identical(names(cy)[1:2], c("gwcode", "year")) && !("system" %in% names(cy)), "ddsc_panel names the G&W code gwcode")
  check(nrow(cy) == nrow(ddsc$country_years_gw), "ddsc_panel returns the G&W table")
  check(is.integer(cy$gwcode) && is.logical(cy$carried_forward) && is.integer(cy$jp_acsa_dec31), "panel columns typed from the schema")
  dy <- ddsc_panel("dyad_years", system = "cow", tables = ddsc)
  check(identical(names(dy)[1:3], c("ccode1", "ccode2", "year")) && is.logical(dy$acsa_in_force_dec31), "ddsc_panel names the COW dyad codes")
  cat(path, ": R column classes ok\n", sep = "")
}

# A cell that does not parse is an error naming table, line and column (strict = FALSE: readr's NA and a warning).
broken <- file.path(tempdir(), "ddsc-broken")
dir.create(broken)
for (item in c("datapackage.json", "schemas", "tables")) file.copy(item, broken, recursive = TRUE)
lines <- readLines(file.path(broken, "tables", "countries.csv"), encoding = "UTF-8")
at <- grep("^JPN,", lines)
lines[at] <- sub(",740,", ",7x0,", lines[at], fixed = TRUE)
writeLines(lines, file.path(broken, "tables", "countries.csv"), useBytes = TRUE)
message <- tryCatch({ read_ddsc(broken); "no error" }, error = function(e) conditionMessage(e))
check(startsWith(message, paste0("countries:", at, ":cow_code: value '7x0'")), paste("strict reader names the cell:", message))
lenient <- suppressWarnings(read_ddsc(broken, strict = FALSE))
check(is.na(lenient$countries$cow_code[lenient$countries$country_id == "JPN"]), "strict = FALSE keeps readr's NA")
unlink(broken, recursive = TRUE)

# Reading a zip leaves no folder behind.
zips <- args[grepl("\\.zip$", args)]
if (length(zips) > 0) {
  before <- list.files(tempdir())
  invisible(read_ddsc(zips[1]))
  check(identical(list.files(tempdir()), before), "no temporary folder left behind")
}
cat("strict reader and clean-up ok\n")
