# Read a DDSC package, release folder or release zip into a named list of tibbles,
# typed from the Table Schemas. Needs only readr and jsonlite.
#
#   source("R/read_ddsc.R")
#   ddsc <- read_ddsc("dist/ddsc-1.0.0.zip")
#   ddsc$programs

read_ddsc <- function(path = ".") {
  if (grepl("\\.zip$", path)) {
    dir <- tempfile("ddsc")
    utils::unzip(path, exdir = dir)
    path <- dirname(list.files(dir, pattern = "^datapackage\\.json$", recursive = TRUE, full.names = TRUE)[1])
  }
  descriptor <- jsonlite::fromJSON(file.path(path, "datapackage.json"), simplifyVector = FALSE)
  tables <- list()
  for (resource in descriptor$resources) {
    schema <- jsonlite::fromJSON(file.path(path, resource$schema), simplifyVector = FALSE)
    tables[[resource$name]] <- readr::read_csv(
      file.path(path, resource$path),
      col_types = ddsc_col_types(schema),
      na = "",
      progress = FALSE
    )
  }
  tables
}

ddsc_col_types <- function(schema) {
  types <- lapply(schema$fields, function(field) {
    levels <- field$constraints$enum
    if (!is.null(levels)) return(readr::col_factor(levels = unlist(levels)))
    switch(field$type,
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
