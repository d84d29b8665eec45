# Read a DDSC release (folder or zip) into a named list of tibbles, typed from the Table Schemas.
# Needs only readr and jsonlite.
#
#   source("R/read_ddsc.R")          # shipped in every release
#   ddsc <- read_ddsc("ddsc-1.1.0.zip")
#   ddsc$programs
#
# A release from elsewhere is untrusted: every path it names must be relative and stay inside it,
# zip entries are checked before anything is extracted, and sizes are limited.

ddsc_max_entries <- 10000
ddsc_max_bytes <- 4 * 1024^3

ddsc_unsafe_path <- function(path) {
  if (!is.character(path) || length(path) != 1 || is.na(path) || !nzchar(path)) return("is not a relative file path")
  if (grepl("://", path, fixed = TRUE)) return("is a URL")
  if (grepl("\\\\", path) || startsWith(path, "/") || grepl("^[A-Za-z]:", path)) return("is absolute")
  if (any(strsplit(path, "/", fixed = TRUE)[[1]] == "..")) return("points outside the release")
  if (grepl("[[:cntrl:]]", path)) return("holds a control character")
  NULL
}

ddsc_stop <- function(...) stop(paste0(...), call. = FALSE)

ddsc_unzip <- function(path) {
  entries <- utils::unzip(path, list = TRUE)
  if (nrow(entries) > ddsc_max_entries) ddsc_stop(basename(path), ": more than ", ddsc_max_entries, " entries")
  if (sum(as.numeric(entries$Length)) > ddsc_max_bytes) ddsc_stop(basename(path), ": too large once extracted")
  for (name in entries$Name) {
    why <- ddsc_unsafe_path(sub("/$", "", name))
    if (!is.null(why)) ddsc_stop(basename(path), ": entry ", name, " ", why)
  }
  dir <- tempfile("ddsc")
  dir.create(dir)
  utils::unzip(path, exdir = dir, junkpaths = FALSE)
  if (file.exists(file.path(dir, "datapackage.json"))) return(dir)
  tops <- list.files(dir)
  if (length(tops) == 1 && file.exists(file.path(dir, tops, "datapackage.json"))) return(file.path(dir, tops))  # releases 1.0.0
  ddsc_stop(basename(path), ": no datapackage.json at the root of the zip")
}

ddsc_file <- function(root, rel, what) {
  why <- ddsc_unsafe_path(rel)
  if (!is.null(why)) ddsc_stop(what, " path '", rel, "' ", why)
  target <- file.path(root, rel)
  parts <- strsplit(rel, "/", fixed = TRUE)[[1]]
  for (i in seq_along(parts)) {
    step <- do.call(file.path, as.list(c(root, parts[seq_len(i)])))
    if (nzchar(Sys.readlink(step))) ddsc_stop(what, " path '", rel, "' is or passes through a symbolic link")
  }
  if (!file.exists(target) || dir.exists(target)) ddsc_stop(what, " file '", rel, "' does not exist")
  target
}

# strict = TRUE (the default): a cell that does not parse to its column's type is an error naming the
# table, row and column; strict = FALSE keeps readr's behaviour (the cell becomes NA, with a warning).
read_ddsc <- function(path = ".", strict = TRUE) {
  if (grepl("\\.zip$", path, ignore.case = TRUE)) {
    path <- ddsc_unzip(path)
    on.exit(unlink(dirname_if_nested(path), recursive = TRUE), add = TRUE)  # the tables are in memory: no folder left behind
  }
  descriptor <- jsonlite::fromJSON(ddsc_file(path, "datapackage.json", "descriptor"), simplifyVector = FALSE)
  tables <- list()
  for (resource in descriptor$resources) {
    schema <- jsonlite::fromJSON(ddsc_file(path, resource$schema, "schema"), simplifyVector = FALSE)
    table <- suppressWarnings(readr::read_csv(
      ddsc_file(path, resource$path, "table"),
      col_types = ddsc_col_types(schema),
      na = "",
      progress = FALSE,
      lazy = FALSE
    ))
    found <- readr::problems(table)
    if (nrow(found) > 0) {
      first <- found[1, ]
      message <- paste0(resource$name, ":", first$row, ":", names(table)[first$col], ": value '", first$actual, "' is not ", first$expected,
                        if (nrow(found) > 1) paste0(" (and ", nrow(found) - 1, " more)") else "")
      if (strict) ddsc_stop(message) else warning(message, call. = FALSE)
    }
    attr(table, "problems") <- NULL
    tables[[resource$name]] <- table
  }
  tables
}

dirname_if_nested <- function(path) {
  parent <- dirname(path)
  if (startsWith(basename(parent), "ddsc")) parent else path  # releases 1.0.0 nest everything in one folder
}

ddsc_col_types <- function(schema) {
  types <- lapply(schema$fields, function(field) {
    levels <- field$constraints$enum
    if (!is.null(levels)) return(readr::col_factor(levels = unlist(levels)))
    switch(if (is.null(field$type)) "string" else field$type,
      integer = readr::col_integer(),
      number = readr::col_double(),
      boolean = readr::col_logical(),
      date = readr::col_date(format = "%Y-%m-%d"),
      readr::col_character()
    )
  })
  names(types) <- vapply(schema$fields, function(field) field$name, character(1))
  do.call(readr::cols_only, types)
}

# One panel ("country_years" or "dyad_years") in one state system ("cow" or "gw"): the table
# <name>_<system> without its constant `system` column, keyed as peace-science data are: ccode, year
# (or ccode1, ccode2, year) for COW; gwcode, year (or gwcode1, gwcode2, year) for Gleditsch-Ward.
#
#   cy <- ddsc_panel("country_years", system = "cow", path = "ddsc-2.0.0.zip")
#   merge(my_frame, cy, by = c("ccode", "year"), all.x = TRUE)
#
# `tables`, what read_ddsc() returned, avoids reading the release again.
ddsc_panel <- function(name, system = c("cow", "gw"), path = ".", tables = NULL) {
  system <- match.arg(tolower(system), c("cow", "gw"))
  panels <- c("country_years", "dyad_years")
  if (!(length(name) == 1 && name %in% panels)) ddsc_stop("no panel named '", name, "'; panels: ", paste(panels, collapse = ", "))
  if (is.null(tables)) tables <- read_ddsc(path)
  frame <- tables[[paste0(name, "_", system)]]
  frame[, setdiff(names(frame), "system")]
}
