"""Derived step ``panels``: country-year and dyad-year panels in the COW and Gleditsch-Ward state systems,
one table per system with the codes named as peace science names them (COW ``ccode``, G&W ``gwcode``), built
from the validated core tables (``statutes``, ``statute_countries``, ``projects``, ``trainings``, ``states``,
``state_memberships``); never edited by hand. The codebook (``schemas/country_years_cow.json`` and the
three others) defines every column; the rules, in short:

- Rows: a state-year for every year from 1946 to the last full year the tables cover in which the state is a
  member of its system on at least one day; a Japan-partner dyad-year for every year both are. A censored
  membership (one that runs to the last day of its list) is carried on to the last panel year.
- In force on a day: from ``in_force_date`` (never before ``signed_date``) until ``end_date``, or until a
  successor (``replaces_statute_id``) enters into force; a month- or year-precision entry into force counts
  from the first day of its period, a month- or year-precision end from the last day of its period. A panel
  cell is empty (unknown) where the tables cannot tell: an agreement without an entry-into-force date (one
  only signed may have entered into force since its signature), or an ended agreement without an end date
  or successor.
- Coverage: an agreement family's cells are empty before the year of its first recorded agreement (the
  tables hold no record from which to say "none"); the training cells are empty in fiscal years no report
  covers.
- ``*_dec31``: in force on 31 December of the year; ``*_any``: in force on at least one day of it. Both also
  require the state (and, for a dyad, Japan) to be a member on that day.
"""

from __future__ import annotations

import pandas as pd

from ddsc.validation.rules import CODE_NAMES
from ddsc.pipeline.step import DERIVED, Step

FIRST_YEAR = 1946
JAPAN = "JPN"
OSA_PROGRAM = "jp_osa"
FAMILIES = {  # statutes.agreement_family -> the stem of its panel columns
    "reciprocal_access": "raa",
    "acquisition_cross_servicing": "acsa",
    "information_security": "infosec",
    "equipment_technology_transfer": "equipment",
    "security_treaty": "security_treaty",
    "status_of_forces": "sofa",
}
ENDED = ("superseded", "repealed", "expired")
DAY = pd.Timedelta(days=1)
EARLIEST = pd.Timestamp("1800-01-01")
KINDS = ("known", "possible")  # in force for certain / perhaps in force (a superset) on the days of an interval


# --- inputs ---------------------------------------------------------------------------------------------

def _japanese_agreements(tables: dict) -> pd.DataFrame:
    """Statutes with an agreement family to which Japan is a party."""
    statutes = tables["statutes"]
    links = tables["statute_countries"]
    parties = links[links["role"].astype("string") == "party"]
    japanese = set(parties.loc[parties["country_id"] == JAPAN, "statute_id"])
    chosen = statutes["agreement_family"].notna() & statutes["statute_id"].isin(japanese)
    return statutes[chosen].reset_index(drop=True)


def _osa_projects(tables: dict) -> pd.DataFrame:
    projects = tables["projects"]
    return projects[projects["program_id"] == OSA_PROGRAM].reset_index(drop=True)


def family_first_years(tables: dict) -> dict[str, int]:
    """Per agreement family: the year of the first recorded agreement of Japan's (its signature, else its
    entry into force), from which the family's panel cells are known; a family without one has none."""
    a = _japanese_agreements(tables)
    first = a["signed_date"].fillna(a["in_force_date"]).dt.year
    return {str(k): int(v) for k, v in first.groupby(a["agreement_family"].astype("string")).min().dropna().items()}


def _covered(frame: pd.DataFrame, columns: dict[str, str], firsts: dict[str, int]) -> pd.DataFrame:
    """``frame`` with each column (-> its family) empty in the years before the family's first agreement."""
    for column, family in columns.items():
        frame[column] = frame[column].where(frame["year"] >= firsts.get(family, 10_000), pd.NA)
    return frame


def last_year(tables: dict) -> int:
    """The last full calendar year the panels cover: the year before the year of the latest date they read
    (agreements' signature, entry into force and end; OSA exchanges of notes). A year still running when the
    tables were last curated is left out, since whether an agreement is in force on its 31 December is not
    known yet."""
    agreements = _japanese_agreements(tables)
    dates = [agreements[c] for c in ("signed_date", "in_force_date", "end_date")] + [_osa_projects(tables)["agreement_date"]]
    latest = pd.concat(dates).dropna().max()
    return (latest + DAY).year - 1


def _period_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day of the month or year a month- or year-precision date stands for; the date itself at day precision."""
    precision = precision.astype("string")
    out = dates.copy()
    month = (precision == "month").fillna(False).astype(bool)
    year = (precision == "year").fillna(False).astype(bool)
    out[month] = dates[month] + pd.offsets.MonthEnd(0)
    out[year] = pd.to_datetime(dates[year].dt.year.astype("Int64").astype("string") + "-12-31")
    return out


def _lineages(agreements: pd.DataFrame) -> pd.Series:
    """Each agreement's lineage: the first agreement of its chain of ``replaces_statute_id``."""
    replaces = dict(zip(agreements["statute_id"], agreements["replaces_statute_id"]))
    roots = []
    for sid in agreements["statute_id"]:
        seen, node = {sid}, sid
        while isinstance(replaces.get(node), str) and replaces[node] in replaces and replaces[node] not in seen:
            node = replaces[node]
            seen.add(node)
        roots.append(node)
    return pd.Series(roots, index=agreements.index, dtype="string")


def agreement_intervals(tables: dict, end: pd.Timestamp) -> pd.DataFrame:
    """One row per Japanese agreement and kind: the days ``[lo, hi)`` on which it is in force for certain
    (``known``) and on which it may be (``possible``); ``end`` is the first day after the panels."""
    a = _japanese_agreements(tables)
    start = a["in_force_date"].where(~(a["in_force_date"] < a["signed_date"]).fillna(False).astype(bool), a["signed_date"])
    successor = a[a["replaces_statute_id"].notna() & start.notna()].assign(_start=start, _precision=a["in_force_date_precision"])
    successor = successor.assign(_start=_period_end(successor["_start"], successor["_precision"]))
    handover = successor.groupby("replaces_statute_id")["_start"].min()
    stop = _period_end(a["end_date"], a["end_date_precision"])
    handed = pd.Series([handover.get(sid, pd.NaT) for sid in a["statute_id"]], index=a.index, dtype=stop.dtype)
    stop = stop.fillna(handed)
    status = a["status"].astype("string")
    ended = status.isin(ENDED).fillna(False).astype(bool)
    known_hi = stop.where(stop.notna(), (start + DAY).where(ended, end))
    possible_lo = start.fillna(a["signed_date"]).fillna(EARLIEST)
    possible_hi = stop.fillna(end)
    base = pd.DataFrame({"statute_id": a["statute_id"].astype("string"), "family": a["agreement_family"].astype("string"),
                         "lineage": _lineages(a), "start": start})
    known = base.assign(kind="known", lo=start, hi=known_hi)[start.notna()]
    possible = base.assign(kind="possible", lo=possible_lo, hi=possible_hi)
    out = pd.concat([known, possible], ignore_index=True)
    out["hi"] = out["hi"].clip(upper=end)
    return out[out["lo"] < out["hi"]].reset_index(drop=True)


def membership_intervals(tables: dict, end: pd.Timestamp) -> pd.DataFrame:
    """Each state's membership spells as days ``[lo, hi)``; a censored spell is carried on to ``end``."""
    m = tables["state_memberships"]
    hi = m["end_date"] + DAY
    hi = hi.where(~m["censored"].fillna(False).astype(bool) | (hi >= end), end)
    out = pd.DataFrame({"system": m["system"].astype("string"), "code": m["code"].astype("Int64"), "s_lo": m["start_date"], "s_hi": hi})
    return out.merge(_countries(tables), on=["system", "code"], how="left")


def _countries(tables: dict) -> pd.DataFrame:
    s = tables["states"]
    return pd.DataFrame({"system": s["system"].astype("string"), "code": s["code"].astype("Int64"), "country_id": s["country_id"].astype("string")})


def list_ends(tables: dict) -> dict[str, pd.Timestamp]:
    """The last day each system's lists cover (their latest end date)."""
    m = tables["state_memberships"]
    return m.groupby(m["system"].astype("string"))["end_date"].max().to_dict()


# --- intervals to years ---------------------------------------------------------------------------------

def _years(frame: pd.DataFrame, lo: str, hi: str, first: int, last: int) -> pd.DataFrame:
    """``frame`` with one row per year ``[lo, hi)`` touches within ``first..last``, and whether it holds
    31 December of that year (``dec31``)."""
    if frame.empty:
        return frame.assign(year=pd.Series(dtype="Int64"), dec31=pd.Series(dtype=bool))
    y0 = frame[lo].dt.year.clip(lower=first)
    y1 = (frame[hi] - DAY).dt.year.clip(upper=last)
    spans = [list(range(a, b + 1)) for a, b in zip(y0, y1)]
    out = frame.assign(year=spans).explode("year").dropna(subset=["year"])
    out["year"] = out["year"].astype("int64")
    dec31 = pd.to_datetime(out["year"].astype("string") + "-12-31")
    out["dec31"] = ((out[lo] <= dec31) & (dec31 < out[hi])).to_numpy()
    return out.reset_index(drop=True)


def _intersect(frame: pd.DataFrame, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    lo = pd.concat([frame[a] for a, _ in pairs], axis=1).max(axis=1)
    hi = pd.concat([frame[b] for _, b in pairs], axis=1).min(axis=1)
    out = frame.assign(lo=lo, hi=hi)
    return out[out["lo"] < out["hi"]].reset_index(drop=True)


def state_years(tables: dict, first: int, last: int) -> pd.DataFrame:
    """Every (system, code, year) of ``first..last`` in which the state is a member on at least one day, with
    ``member_dec31`` and ``carried_forward``."""
    end = pd.Timestamp(f"{last + 1}-01-01")
    spells = membership_intervals(tables, end)
    years = _years(spells, "s_lo", "s_hi", first, last)
    out = years.groupby(["system", "code", "year"], as_index=False).agg(country_id=("country_id", "first"), member_dec31=("dec31", "any"))
    ends = list_ends(tables)
    dec31 = pd.to_datetime(out["year"].astype("string") + "-12-31")
    out["carried_forward"] = (dec31 > out["system"].map(ends)).to_numpy()
    return out


# --- the panels -----------------------------------------------------------------------------------------

def _flags(years: pd.DataFrame) -> pd.DataFrame:
    """Each agreement-year with whether it is known or possibly in force on 31 December and on any day."""
    return years.assign(known_dec31=years["dec31"] & (years["kind"] == "known"), possible_dec31=years["dec31"] & (years["kind"] == "possible"),
                       known_any=years["kind"] == "known", possible_any=years["kind"] == "possible")


def _three_valued(known: pd.Series, possible: pd.Series) -> pd.Series:
    """True where known, unknown (missing) where only possible, False otherwise."""
    out = pd.Series(pd.NA, index=known.index, dtype="boolean")
    out[known.fillna(False).astype(bool)] = True
    out[~known.fillna(False).astype(bool) & ~possible.fillna(False).astype(bool)] = False
    return out


def country_years(tables: dict, first: int, last: int) -> pd.DataFrame:
    end = pd.Timestamp(f"{last + 1}-01-01")
    frame = state_years(tables, first, last)
    agreements = agreement_intervals(tables, end)
    links = tables["statute_countries"]
    parties = links.loc[links["role"].astype("string") == "party", ["statute_id", "country_id"]].astype("string")
    spells = membership_intervals(tables, end)
    held = agreements.merge(parties, on="statute_id").merge(spells, on="country_id")
    years = _flags(_years(_intersect(held, [("lo", "hi"), ("s_lo", "s_hi")]), "lo", "hi", first, last))
    keys = ["system", "code", "year"]
    counts = {}  # per column: the count where known and possible agree, -1 where they do not (unknown)
    for family, stem in FAMILIES.items():
        chosen = years[years["family"] == family]
        for rule in ("dec31", "any"):
            known = chosen[chosen[f"known_{rule}"]].groupby(keys)["lineage"].nunique().rename("known")
            possible = chosen[chosen[f"possible_{rule}"]].groupby(keys)["lineage"].nunique().rename("possible")
            both = pd.concat([known, possible], axis=1).fillna(0)
            counts[f"jp_{stem}_{rule}"] = both["known"].where(both["known"] == both["possible"], -1)
    wide = pd.concat(counts, axis=1) if counts else pd.DataFrame()
    frame = frame.merge(wide, left_on=keys, right_index=True, how="left") if len(wide) else frame.assign(**{c: pd.NA for c in counts})
    for column in counts:  # a state-year without any agreement-year of the family: 0
        n = frame[column].fillna(0).astype("Int64")
        frame[column] = n.where(n != -1, pd.NA)
    frame = _covered(frame, {f"jp_{stem}_{rule}": family for family, stem in FAMILIES.items() for rule in ("dec31", "any")},
                     family_first_years(tables))
    osa = _osa(tables, spells, first, last)
    frame = frame.merge(osa, on=["system", "code", "year"], how="left")
    frame["osa_projects"] = frame["osa_projects"].fillna(0).astype("Int64")
    frame["osa_committed_jpy"] = frame["osa_committed_jpy"].astype("Float64").where(frame["osa_projects"] > 0, 0.0)
    if "trainings" in tables:
        frame = _with_trainings(frame, place_trainings(tables, first, last))
    return frame


# --- the crosswalk from DDSC countries to states, in time ---------------------------------------------------

def country_states(tables: dict) -> pd.DataFrame:
    """Which state each DDSC country is, on which days: one row per country and membership spell of a state
    it stands for in a system, the spell clipped to the country's own dates (``countries.start_date`` and
    ``end_date``, where recorded). A country stands for a state that ``states.country_id`` links to it
    (``basis`` `state`) and for the state whose code is its own ``cow_code`` or ``gw_code`` (`country_code`:
    a former state such as Serbia and Montenegro, under COW 345 and G&W 345, or the Soviet Union, under 365).
    Several countries may stand for one state; no country stands for two states of one system on one day
    (the step stops naming the country otherwise)."""
    states, countries, m = tables["states"], tables["countries"], tables["state_memberships"]
    linked = pd.DataFrame({"country_id": states["country_id"].astype("string"), "system": states["system"].astype("string"),
                           "code": states["code"].astype("Int64"), "basis": "state"})
    coded = [pd.DataFrame({"country_id": countries["country_id"].astype("string"), "system": system,
                           "code": countries[column].astype("Int64"), "basis": "country_code"})
             for system, column in (("cow", "cow_code"), ("gw", "gw_code"))]
    pairs = pd.concat([linked, *coded], ignore_index=True).dropna(subset=["country_id", "code"])
    pairs = pairs.sort_values("basis", ascending=False, kind="stable").drop_duplicates(["country_id", "system", "code"])
    spells = pd.DataFrame({"system": m["system"].astype("string"), "code": m["code"].astype("Int64"),
                           "start_date": m["start_date"], "end_date": m["end_date"], "censored": m["censored"].astype("boolean")})
    out = pairs.merge(spells, on=["system", "code"])
    dates = countries.set_index(countries["country_id"].astype("string"))[["start_date", "end_date"]]
    own_start, own_end = out["country_id"].map(dates["start_date"]), out["country_id"].map(dates["end_date"])
    clipped_end = own_end.notna() & (own_end <= out["end_date"])  # ending on the spell's last day too: not carried on
    out["start_date"] = out["start_date"].where(~(own_start > out["start_date"]).fillna(False).astype(bool), own_start)
    out["end_date"] = out["end_date"].where(~clipped_end.fillna(False).astype(bool), own_end)
    out["censored"] = out["censored"] & ~clipped_end.fillna(False).astype(bool)
    out = out[out["start_date"] <= out["end_date"]]
    out = out.sort_values(["country_id", "system", "start_date", "code"], kind="stable").reset_index(drop=True)
    following = out.groupby(["country_id", "system"])[["start_date", "code"]].shift(-1)
    overlap = ((following["start_date"] <= out["end_date"]) & (following["code"] != out["code"])).fillna(False).astype(bool)
    if overlap.any():
        raise ValueError("countries that stand for two states of one system on one day: "
                         + ", ".join(sorted({f"{r.country_id} ({r.system})" for r in out[overlap].itertuples()})))
    return out[["country_id", "system", "code", "start_date", "end_date", "censored", "basis"]]


def country_state_years(crosswalk: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """``(country_id, system, year) -> code``: the state a country stands for in a year, a spell that runs
    to the end of its list carried on to ``last``; where a country stands for two states in one year (one
    ends, the next begins), the state of the later spell."""
    end = pd.Timestamp(f"{last + 1}-01-01")
    hi = crosswalk["end_date"] + DAY
    hi = hi.where(~crosswalk["censored"].fillna(False).astype(bool) | (hi >= end), end)
    years = _years(crosswalk.assign(lo=crosswalk["start_date"], hi=hi), "lo", "hi", first, last)
    years = years.sort_values(["country_id", "system", "year", "lo"], kind="stable")
    return years.drop_duplicates(["country_id", "system", "year"], keep="last")[["country_id", "system", "year", "code"]].reset_index(drop=True)


TRAINING_COLUMNS = ("us_trainings", "us_trainings_title10", "us_trainings_title22", "us_training_students", "us_training_cost_usd", "us_trainings_cost_missing")


def counted_trainings(tables: dict) -> pd.DataFrame:
    """The trainings a panel counts (``trainings.counted``: each fiscal year from one report), with the
    Title of their program."""
    t = tables["trainings"]
    t = t[t["counted"].fillna(False).astype(bool) & t["fiscal_year"].notna()]
    title = t["program_id"].map(tables["programs"].set_index("program_id")["us_code_title"].astype("string")).astype("string")
    return pd.DataFrame({
        "country_id": t["country_id"].astype("string"), "candidates": t["country_candidates"].astype("string"),
        "country_printed": t["country_printed"].astype("string"), "year": t["fiscal_year"].astype("int64"),
        "title10": (title == "10").fillna(False).astype(int), "title22": (title == "22").fillna(False).astype(int),
        "students": t["students"].astype("Float64"), "cost": t["cost_usd"].astype("Float64"), "no_cost": t["cost_usd"].isna().astype(int),
    })


def _with_trainings(frame: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    """US trainings of the Foreign Military Training Report by state and fiscal year (panel year Y = US fiscal
    year Y, October Y-1 to September Y): the counted trainings whose country stands for the state in year Y
    (``country_states``). A year no report covers is missing, not zero, and so is the year of a state whose
    country some trainings may belong to but cannot be told (``trainings.country_candidates``)."""
    rows = placed[placed["code"].notna()]
    sums = rows.groupby(["system", "code", "year"]).agg(
        us_trainings=("title10", "size"), us_trainings_title10=("title10", "sum"), us_trainings_title22=("title22", "sum"),
        us_training_students=("students", "sum"), us_training_cost_usd=("cost", "sum"), us_trainings_cost_missing=("no_cost", "sum")).reset_index()
    covered = set(placed["year"].unique().astype(int))
    frame = frame.merge(sums, on=["system", "code", "year"], how="left")
    unknown = _candidate_state_years(placed)
    in_report = frame["year"].isin(covered) & ~pd.MultiIndex.from_frame(frame[["system", "code", "year"]]).isin(unknown)
    for column in TRAINING_COLUMNS:
        kind = "Float64" if column == "us_training_cost_usd" else "Int64"
        frame[column] = frame[column].astype(kind).where(frame[column].notna() | ~in_report, 0).where(in_report, pd.NA)
    return frame


def _candidate_state_years(placed: pd.DataFrame) -> pd.MultiIndex:
    """The state-years of every country that unresolved trainings may belong to."""
    doubt = placed[placed["candidates"].notna()][["candidates", "year"]].drop_duplicates()
    pairs = [(c, y) for text, y in doubt.itertuples(index=False) for c in text.split(" ")]
    if not pairs:
        return pd.MultiIndex.from_tuples([], names=["system", "code", "year"])
    wanted = pd.DataFrame(pairs, columns=["country_id", "year"]).astype({"country_id": "string"})
    years = wanted.merge(placed.attrs["crosswalk"], on=["country_id", "year"])
    return pd.MultiIndex.from_frame(years[["system", "code", "year"]].astype({"code": "Int64"}))


def place_trainings(tables: dict, first: int, last: int) -> pd.DataFrame:
    """Each counted training once per system, with the state (``code``) it reaches in its fiscal year, or
    none (``code`` empty)."""
    crosswalk = country_state_years(country_states(tables), first, last)
    rows = counted_trainings(tables)
    out = pd.concat([rows.assign(system=system) for system in ("cow", "gw")], ignore_index=True)
    out = out.merge(crosswalk, on=["country_id", "system", "year"], how="left")
    out.attrs["crosswalk"] = crosswalk
    return out


UNPLACED_REASONS = {
    "country_unresolved": "the country cannot be told between several (trainings.country_candidates)",
    "country_not_mapped": "the printed name is no country (a region, a former autonomous government): trainings.country_id is empty",
    "no_state": "the country stands for no state of the system (a territory or dependency)",
    "not_a_member": "the country's state is not a member of the system in the fiscal year",
}


def unplaced_trainings(placed: pd.DataFrame) -> pd.DataFrame:
    """The counted trainings that reach no state-year, by system, fiscal year and country as printed, with
    the reason."""
    lost = placed[placed["code"].isna()]
    with_state = set(zip(placed.attrs["crosswalk"]["country_id"], placed.attrs["crosswalk"]["system"]))
    reason = pd.Series("not_a_member", index=lost.index, dtype="string")
    reason[[(c, s) not in with_state for c, s in zip(lost["country_id"], lost["system"])]] = "no_state"
    reason[lost["country_id"].isna()] = "country_not_mapped"
    reason[lost["candidates"].notna()] = "country_unresolved"
    lost = lost.assign(reason=reason)
    out = lost.groupby(["system", "year", "country_printed"], as_index=False).agg(
        country_id=("country_id", "first"), reason=("reason", "first"), trainings=("title10", "size"),
        students=("students", "sum"), cost_usd=("cost", "sum"))
    out = out.rename(columns={"year": "fiscal_year"})
    return out[["system", "fiscal_year", "country_printed", "country_id", "reason", "trainings", "students", "cost_usd"]]


def _osa(tables: dict, spells: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """OSA projects by recipient state and year of the exchange of notes: count, and the yen committed
    (missing when one of them has no amount or another currency)."""
    p = _osa_projects(tables)
    p = p[p["agreement_date"].notna()]
    frame = pd.DataFrame({"country_id": p["recipient_country_id"].astype("string"), "day": p["agreement_date"],
                          "amount": p["amount"].astype("Float64"), "jpy": (p["currency"].astype("string") == "JPY").fillna(False).astype(bool)})
    held = frame.merge(spells, on="country_id")
    held = held[(held["s_lo"] <= held["day"]) & (held["day"] < held["s_hi"])]
    held = held.assign(year=held["day"].dt.year)
    held = held[(held["year"] >= first) & (held["year"] <= last)]
    held = held.assign(clean=held["jpy"] & held["amount"].notna())
    out = held.groupby(["system", "code", "year"]).agg(osa_projects=("day", "size"), osa_committed_jpy=("amount", "sum"), clean=("clean", "all")).reset_index()
    out["osa_committed_jpy"] = out["osa_committed_jpy"].astype("Float64").where(out["clean"], pd.NA)
    return out.drop(columns="clean")


def dyad_years(tables: dict, first: int, last: int) -> pd.DataFrame:
    end = pd.Timestamp(f"{last + 1}-01-01")
    members = state_years(tables, first, last)
    japan = members[members["country_id"] == JAPAN][["system", "code", "year", "member_dec31", "carried_forward"]]
    others = members.rename(columns={"code": "code2", "country_id": "country_id2", "member_dec31": "dec31_2", "carried_forward": "carried_2"})
    frame = japan.rename(columns={"code": "code1"}).merge(others, on=["system", "year"])
    frame = frame[frame["code1"] != frame["code2"]]
    frame = frame.assign(member_dec31=frame["member_dec31"] & frame["dec31_2"], carried_forward=frame["carried_forward"] | frame["carried_2"])
    frame = frame[["system", "code1", "code2", "year", "country_id2", "member_dec31", "carried_forward"]].reset_index(drop=True)
    agreements = agreement_intervals(tables, end)
    links = tables["statute_countries"]
    parties = links.loc[links["role"].astype("string") == "party", ["statute_id", "country_id"]].astype("string")
    partners = parties[parties["country_id"] != JAPAN]
    spells = membership_intervals(tables, end)
    own = spells[spells["country_id"] == JAPAN].rename(columns={"code": "code1", "s_lo": "j_lo", "s_hi": "j_hi"}).drop(columns="country_id")
    held = agreements[agreements["statute_id"].isin(set(parties.loc[parties["country_id"] == JAPAN, "statute_id"]))]
    held = held.merge(partners, on="statute_id").merge(spells.rename(columns={"code": "code2"}), on="country_id").merge(own, on="system")
    years = _flags(_years(_intersect(held, [("lo", "hi"), ("s_lo", "s_hi"), ("j_lo", "j_hi")]), "lo", "hi", first, last))
    keys = ["system", "code1", "code2", "year"]
    parts = {}
    for family, stem in FAMILIES.items():
        chosen = years[years["family"] == family]
        flags = chosen.groupby(keys)[["known_dec31", "possible_dec31", "known_any", "possible_any"]].any()
        parts.update({f"{stem}_{flag}": flags[flag] for flag in flags.columns})
        parts[f"{stem}_id"] = _latest_ids(chosen, keys)
    wide = pd.concat(parts, axis=1)
    found = frame[keys].merge(wide, left_on=keys, right_index=True, how="left")
    columns = {}
    for stem in FAMILIES.values():
        for rule in ("dec31", "any"):
            columns[f"{stem}_in_force_{rule}"] = _three_valued(found[f"{stem}_known_{rule}"], found[f"{stem}_possible_{rule}"])
        columns[f"{stem}_id"] = found[f"{stem}_id"].astype("string")
    frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
    frame = _covered(frame, {f"{stem}_in_force_{rule}": family for family, stem in FAMILIES.items() for rule in ("dec31", "any")},
                     family_first_years(tables))
    if "jp_activities" in tables:
        frame["two_plus_two_meetings"] = activity_counts(tables, "two_plus_two", frame, first, last)
    return frame


def complete_series(tables: dict, kind: str) -> pd.DataFrame:
    """The activities of ``kind`` by partner country (role ``partner``), with, per partner, the last year
    its series is known complete: the year of its latest recorded activity, where the partner's recorded
    activities, in date order, are numbered 1 to n (``ordinal``) as the pages number them; none otherwise."""
    a = tables["jp_activities"]
    links = tables["jp_activity_countries"]
    links = links[links["role"].astype("string") == "partner"]
    rows = a[a["kind"].astype("string") == kind].merge(links[["activity_id", "country_id"]], on="activity_id")
    rows = rows.assign(country_id=rows["country_id"].astype("string"), year=rows["start_date"].dt.year.astype("int64")).sort_values(["country_id", "start_date"], kind="stable")
    numbered = rows.groupby("country_id")["ordinal"].agg(lambda o: o.notna().all() and list(o.astype("int64")) == list(range(1, len(o) + 1)))
    last = rows.groupby("country_id")["year"].max().where(numbered)
    return rows.assign(complete_to=rows["country_id"].map(last))


def activity_counts(tables: dict, kind: str, frame: pd.DataFrame, first: int, last: int) -> pd.Series:
    """Per dyad-year of ``frame``: the number of activities of ``kind`` with the partner state's country in
    the year (by start date), placed with the crosswalk of countries to states; empty where the partner's
    series is not known complete for that year (no recorded series, or a year after its latest recorded
    activity)."""
    rows = complete_series(tables, kind)
    spells = country_states(tables)
    crosswalk = country_state_years(spells, first, last)
    placed = rows.merge(crosswalk, on=["country_id", "year"])
    counts = placed.groupby(["system", "code", "year"]).size()
    end = pd.Timestamp(f"{last + 1}-01-01")
    hi = (spells["end_date"] + DAY).where(~spells["censored"].fillna(False).astype(bool), end)
    stands = _years(spells.assign(lo=spells["start_date"], hi=hi.clip(upper=end)), "lo", "hi", first, last)  # every state-year a country stands for
    covered = stands.merge(rows.drop_duplicates("country_id")[["country_id", "complete_to"]], on="country_id")
    covered = covered[covered["complete_to"].notna() & (covered["year"] <= covered["complete_to"])]
    keys = pd.MultiIndex.from_frame(frame[["system", "code2", "year"]].astype({"code2": "Int64"}))
    known = keys.isin(pd.MultiIndex.from_frame(covered[["system", "code", "year"]].astype({"code": "Int64"})))
    found = pd.Series(counts.reindex(keys).to_numpy(), index=frame.index)
    return found.fillna(0).astype("Int64").where(known, pd.NA)


def _latest_ids(years: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per key: the agreement certainly in force on 31 December with the latest entry into force, else the one
    certainly in force during the year with the latest entry into force."""
    known = years[years["known_any"]].assign(rank=lambda f: (~f["known_dec31"]).astype(int))
    known = known.sort_values(keys + ["rank", "start", "statute_id"], ascending=[True] * len(keys) + [True, False, False], kind="stable")
    return known.groupby(keys)["statute_id"].first()


def by_system(frame: pd.DataFrame, system: str) -> pd.DataFrame:
    """The rows of one system, its codes named as peace-science data name them (``code`` -> ``ccode`` or
    ``gwcode``, ``code1`` -> ``ccode1`` ...), the key columns first."""
    stem = CODE_NAMES[system]
    out = frame[frame["system"] == system].rename(columns={"code": stem, "code1": f"{stem}1", "code2": f"{stem}2"})
    keys = [c for c in (stem, f"{stem}1", f"{stem}2") if c in out] + ["year"]
    return out[keys + [c for c in out if c not in keys]].reset_index(drop=True)


PANELS = tuple(f"{panel}_{system}" for panel in ("country_years", "dyad_years") for system in CODE_NAMES)


def run(tables: dict) -> dict[str, pd.DataFrame]:
    last = last_year(tables)
    stacked = {"country_years": country_years(tables, FIRST_YEAR, last), "dyad_years": dyad_years(tables, FIRST_YEAR, last)}
    out = {"country_states": country_states(tables)}
    out.update({f"{name}_{system}": by_system(frame, system) for name, frame in stacked.items() for system in CODE_NAMES})
    if "trainings" in tables:
        out["unplaced_trainings"] = unplaced_trainings(place_trainings(tables, FIRST_YEAR, last))
    return out


STEP = Step("panels", DERIVED, ("country_states", *PANELS, "unplaced_trainings"), run,
            description="COW and Gleditsch-Ward country-years and Japan's dyad-years: agreements in force by family, OSA committed")
