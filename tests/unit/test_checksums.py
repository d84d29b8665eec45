"""SHA256SUMS is read as ``sha256sum -c`` reads it."""

import hashlib

import pytest

from ddsc.package.checksums import parse_sums

A = hashlib.sha256(b"a").hexdigest()
B = hashlib.sha256(b"b").hexdigest()


def test_plain_and_binary_lines_in_either_case_are_read():
    listed, problems = parse_sums(f"{A}  tables/a.csv\n{B.upper()} *tables/b.csv\n")
    assert problems == [] and listed == {"tables/a.csv": A, "tables/b.csv": B}


def test_a_file_listed_twice_is_an_error_even_when_one_line_is_right():
    listed, problems = parse_sums(f"{B}  tables/a.csv\n{A}  tables/a.csv\n")
    assert [(p.table, p.line, p.kind) for p in problems] == [("SHA256SUMS", 2, "checksum")] and "tables/a.csv is listed twice" in problems[0].message


@pytest.mark.parametrize("text", [f"{A}  tables/a\u2028.csv\n", f"{A} tables/a.csv\n", f"{A[:-1]}  tables/a.csv\n", f"{A}  ../a.csv\n", f"{A}  tables/a.csv\r\n", "zz  x\n"])
def test_a_malformed_line_is_an_error_at_its_line(text):
    _, problems = parse_sums(text)
    assert problems and (problems[0].table, problems[0].line, problems[0].kind) == ("SHA256SUMS", 1, "checksum")


def test_a_unicode_line_separator_does_not_split_a_line():
    listed, problems = parse_sums(f"{A}  tables/a\u2028{A}  b.csv\n")
    assert len(listed) + len(problems) == 1


def test_a_huge_malformed_sums_file_keeps_a_thousand_problems_and_counts_the_rest():
    listed, problems = parse_sums("x\n" * 5000)
    assert listed == {} and len(problems) == 1001
    assert (problems[-1].kind, problems[-1].more) == ("more-problems", 4000)
